"""Fixtures for tests that run CLI commands (imported by the tests/cli and tests/matching conftests)."""

import io
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from adapters.cli import build_parser, run_command
from bot.actors import Actor
from bot.sharing.settings import SharingSettings
from bot.triage import TriageService
from tests.db_fixtures import engine, uow_factory
from tests.factories import CREATED_AT, Clock
from tests.triage.support import MEMBER, make_triage

__all__ = ["Run", "clock", "engine", "run", "triage", "uow_factory"]

Run = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def clock() -> Clock:
    return Clock(CREATED_AT + timedelta(days=1))


@pytest.fixture
def triage(uow_factory, clock) -> TriageService:
    return make_triage(uow_factory, clock)


async def run_with(triage, uow_factory, clock, sharing: SharingSettings, *argv: str) -> tuple[int, str, str]:
    """A command with these sharing settings, as the security team's member."""
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(list(argv))
    code = await run_command(args, triage, uow_factory, clock, out, err, actor=MEMBER, sharing=sharing)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def run(triage, uow_factory, clock) -> Run:
    """`await run("reports", "list")`: the exit code, what was printed, and what was complained."""

    async def run(*argv: str, actor: Actor = MEMBER) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        args = build_parser().parse_args(list(argv))
        code = await run_command(args, triage, uow_factory, clock, out, err, actor=actor)
        return code, out.getvalue(), err.getvalue()

    return run
