"""`python app.py reports stats` as a subprocess on a seeded database: the text, JSON, the PNG,
a kind refusal of a bad --since (exit 2), and the security team only."""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import matplotlib.image
import pytest

from bot.report import ApproachKind, Channel, Outcome
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from tests.e2e.console import app_env, run_app
from tests.keys import TEST_SEALER
from tests.statistics.seed import stored_report

TODAY = datetime.now(UTC)
MONDAY = TODAY.date() - timedelta(days=TODAY.weekday())


def _ago(weeks: int, hours: int = 9) -> datetime:
    return datetime.combine(MONDAY - timedelta(weeks=weeks), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=hours
    )


async def _seed(database: str) -> None:
    engine = create_engine(database)
    try:
        await upgrade_database(engine)
        async with unit_of_work_factory(engine, TEST_SEALER)() as uow:
            for report in (
                stored_report(
                    _ago(2), [ApproachKind.RECRUITER], Channel.LINKEDIN, ack_after=2, outcome_after=26
                ),
                stored_report(
                    _ago(2, 11), [ApproachKind.RECRUITER, ApproachKind.PAYMENT_OFFER], Channel.LINKEDIN
                ),
                stored_report(
                    _ago(1), [ApproachKind.CONSULTANCY], Channel.EMAIL, "teams", 6, 50, Outcome.LIKELY_HOSTILE
                ),
            ):
                await uow.reports.add(report)
            await uow.watchlist.record_check("slack:U1", "named", _ago(1))
            await uow.commit()
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("stats")
    database = f"sqlite+aiosqlite:///{workdir / 'tipline.db'}"
    asyncio.run(_seed(database))
    return workdir, app_env(workdir, database)


def test_stats_print_the_weeks_and_write_a_chart(seeded):
    workdir, env = seeded
    since = (MONDAY - timedelta(weeks=3)).isoformat()
    done = run_app(workdir, env, "reports", "stats", "--since", since, "--png", "chart.png")
    assert done.returncode == 0, done.stderr
    assert "3 reports in 4 weeks" in done.stdout
    assert "Median time to acknowledge: 4.0 hours (2 acknowledged)" in done.stdout
    assert "Median time to an outcome: 38.0 hours (2 closed with an outcome)" in done.stdout
    assert re.search(r"^  Recruiter or headhunter +2$", done.stdout, re.MULTILINE)
    assert re.search(r"^  LinkedIn +2$", done.stdout, re.MULTILINE)
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr
    assert "Contact checks by staff: 1" in done.stdout
    assert "Chart written to chart.png" in done.stderr
    pixels = matplotlib.image.imread(io.BytesIO((workdir / "chart.png").read_bytes()), format="png")
    assert pixels.shape[:2] == (800, 1000)


def test_stats_as_json_for_other_tools(seeded):
    workdir, env = seeded
    since = (MONDAY - timedelta(weeks=3)).isoformat()
    done = run_app(workdir, env, "reports", "stats", "--since", since, "--format", "json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert [w["reports"] for w in stats["weeks"]] == [0, 2, 1, 0]
    assert stats["by_channel"] == {"linkedin": 2, "email": 1}
    assert stats["by_platform"] == {"slack": 2, "teams": 1}


@pytest.mark.parametrize(
    ("since", "said"),
    [
        ("last tuesday", "'last tuesday' is not a date. Write it as year-month-day, for example 2025-11-18."),
        ("2025-13-01", "'2025-13-01' is not a date."),
        ((date.today() + timedelta(days=3)).isoformat(), "is in the future"),
    ],
)
def test_a_bad_since_is_explained_kindly_with_exit_2(seeded, since, said):
    workdir, env = seeded
    done = run_app(workdir, env, "reports", "stats", "--since", since)
    assert done.returncode == 2
    assert said in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_only_the_security_team_sees_statistics(seeded):
    workdir, env = seeded
    done = run_app(workdir, {**env, "SECURITY_TEAM": "cli:someone-else"}, "reports", "stats")
    assert done.returncode == 1
    assert "report" not in done.stdout
    assert "SECURITY_TEAM" in done.stderr
