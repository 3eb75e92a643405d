"""The facts statistics read from the database (SQLite, and PostgreSQL under TEST_DATABASE_URL):
the few fields they need out of each report's document, and the checks."""

from __future__ import annotations

from datetime import timedelta

from bot.report import ApproachKind, Channel, Outcome
from bot.statistics.service import gather
from tests.statistics.seed import NOW, THIS_WEEK, at, stored_report


async def _store(uow_factory, *reports, checks=()):
    async with uow_factory() as uow:
        for report in reports:
            await uow.reports.add(report)
        for moment, outcome in checks:
            await uow.watchlist.record_check("slack:U1", outcome, moment)
        await uow.commit()


async def test_the_reads_give_kinds_channel_platform_and_triage_times(uow_factory):
    await _store(
        uow_factory,
        stored_report(
            at(1), [ApproachKind.RECRUITER, ApproachKind.TRIP_OR_EVENT], Channel.LINKEDIN, ack_after=2
        ),
        stored_report(
            at(0),
            [ApproachKind.CONSULTANCY],
            None,
            "teams",
            ack_after=4,
            outcome_after=30,
            outcome=Outcome.LIKELY_HOSTILE,
        ),
        stored_report(at(5), [ApproachKind.RECRUITER], Channel.EMAIL),  # before since
        checks=[(at(0), "named"), (at(1), "questionnaire"), (at(6), "named")],
    )
    stats = await gather(uow_factory, NOW, THIS_WEEK - timedelta(weeks=1))
    assert stats.reports == 2
    assert stats.by_kind == {"consultancy": 1, "recruiter": 1, "trip_or_event": 1}
    assert stats.by_channel == {"linkedin": 1, "unknown": 1}
    assert stats.by_platform == {"slack": 1, "teams": 1}
    assert (stats.median_to_acknowledge_hours, stats.median_to_outcome_hours) == (3.0, 30.0)
    assert stats.by_outcome == {"likely_hostile": 1}
    assert (stats.checks, [w.checks for w in stats.weeks]) == (2, [1, 1])


async def test_an_empty_database_gives_zeros_not_an_error(uow_factory):
    stats = await gather(uow_factory, NOW)
    assert stats.reports == 0 and len(stats.weeks) == 12 and stats.median_to_acknowledge_hours is None
