import io

import pytest

from adapters.cli import build_parser, run_command
from bot.actors import Actor
from bot.report import Report, Severity
from bot.watchlist.service import WatchlistService
from tests.cli_fixtures import clock, engine, triage, uow_factory
from tests.triage.support import MEMBER, TEAM

__all__ = ["clock", "engine", "triage", "uow_factory"]


@pytest.fixture
def watchlist(uow_factory, clock) -> WatchlistService:
    def route(report: Report) -> list[str]:
        return ["file", "escalation"] if report.severity is Severity.CRITICAL else ["file"]

    return WatchlistService(uow_factory, clock, TEAM, route=route)


@pytest.fixture
def wl(triage, watchlist, uow_factory, clock):
    """`await wl("list")`: `app.py watchlist list` in process: exit code, out, err."""

    async def run(*argv: str, actor: Actor = MEMBER) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        args = build_parser().parse_args(["watchlist", *argv])
        code = await run_command(args, triage, uow_factory, clock, out, err, actor=actor, watchlist=watchlist)
        return code, out.getvalue(), err.getvalue()

    return run
