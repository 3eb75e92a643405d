"""The weekly digest's schedule on real storage (SQLite, and PostgreSQL under TEST_DATABASE_URL),
through the deadline scheduler with a clock moved by hand: planned once, queued once per channel
across replicas and restarts, the next week planned, and nothing when it is off, stale or late."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.deadlines import DeadlineScheduler
from bot.ports import Deadline, DeadlineKind
from bot.report import ApproachKind, Channel
from bot.security import DeadlinePolicy
from bot.statistics.digest import DIGEST_EVENT, DigestPayload, WeeklyDigest
from bot.statistics.schedule import DigestSchedule
from tests.factories import Clock
from tests.statistics.seed import stored_report

MONDAY_8 = DigestSchedule(0, time(8, 0))
SLOT = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC: ISO week 2026-W12
CHANNELS = ("slack-channel", "teams-channel")
MINUTE = timedelta(minutes=1)


def scheduler(uow_factory, clock, schedule=MONDAY_8, channels=CHANNELS) -> DeadlineScheduler:
    return DeadlineScheduler(uow_factory, DeadlinePolicy(), clock, digest=WeeklyDigest(schedule, channels))


async def digests(uow_factory):
    async with uow_factory() as uow:
        return [e for e in await uow.outbox.list() if e.event == DIGEST_EVENT]


async def planned(uow_factory, key):
    async with uow_factory() as uow:
        return await uow.deadlines.get(key, DeadlineKind.WEEKLY_DIGEST)


@pytest.fixture
async def seeded(uow_factory):
    async with uow_factory() as uow:
        await uow.reports.add(
            stored_report(SLOT - timedelta(days=3), [ApproachKind.RECRUITER], Channel.LINKEDIN, ack_after=2)
        )
        await uow.reports.add(
            stored_report(SLOT - timedelta(days=10), [ApproachKind.CONSULTANCY], Channel.EMAIL)
        )
        await uow.commit()


async def test_the_first_pass_plans_the_next_digest_time(uow_factory):
    await scheduler(uow_factory, Clock(SLOT - timedelta(days=2))).run_once()
    row = await planned(uow_factory, "2026-03-16")
    assert row is not None and row.due_at == SLOT and row.missed_at is None
    assert await digests(uow_factory) == []


async def test_due_it_is_queued_once_per_channel_across_replicas_and_a_restart(uow_factory, seeded):
    clock = Clock(SLOT - timedelta(hours=1))
    first, second = scheduler(uow_factory, clock), scheduler(uow_factory, clock)
    await first.run_once()
    clock.now = SLOT + MINUTE
    assert await first.run_once() == 2
    assert await second.run_once() == 0  # another replica: already claimed
    assert await scheduler(uow_factory, clock).run_once() == 0  # restarted: not again

    entries = await digests(uow_factory)
    assert sorted(e.destination for e in entries) == sorted(CHANNELS)
    payload = DigestPayload.model_validate(entries[0].payload)
    assert payload.week == "2026-W12" and payload.schedule == "Mondays at 08:00 UTC"
    assert payload.statistics.reports == 2 and len(payload.statistics.weeks) == 12
    assert payload.statistics.by_kind == {"consultancy": 1, "recruiter": 1}
    assert "what_happened" not in str(entries[0].payload)  # counts only
    nxt = await planned(uow_factory, "2026-03-23")
    assert nxt is not None and nxt.due_at == SLOT + timedelta(weeks=1)


async def test_a_week_later_the_next_digest_goes(uow_factory, seeded):
    clock = Clock(SLOT - MINUTE)
    await scheduler(uow_factory, clock).run_once()
    clock.now = SLOT + MINUTE
    await scheduler(uow_factory, clock).run_once()
    clock.now = SLOT + timedelta(weeks=1, minutes=1)
    assert await scheduler(uow_factory, clock).run_once() == 2
    assert sorted({e.report_reference for e in await digests(uow_factory)}) == ["2026-03-16", "2026-03-23"]


async def test_off_nothing_is_planned_and_a_time_left_from_before_is_not_sent(uow_factory, seeded):
    async with uow_factory() as uow:  # planned while it was on
        await uow.deadlines.add(Deadline("2026-03-16", DeadlineKind.WEEKLY_DIGEST, SLOT, SLOT))
        await uow.commit()
    clock = Clock(SLOT + MINUTE)
    await scheduler(uow_factory, clock, schedule=None).run_once()
    assert await digests(uow_factory) == []
    assert (await planned(uow_factory, "2026-03-16")).missed_at is not None  # claimed: never looked at again
    assert await planned(uow_factory, "2026-03-23") is None


async def test_a_changed_setting_skips_the_old_time_and_follows_the_new(uow_factory, seeded):
    clock = Clock(SLOT - MINUTE)
    await scheduler(uow_factory, clock).run_once()  # Monday 08:00 planned
    friday = DigestSchedule(4, time(16, 30))
    clock.now = SLOT + MINUTE
    await scheduler(uow_factory, clock, schedule=friday).run_once()
    assert await digests(uow_factory) == []
    clock.now = datetime(2026, 3, 20, 16, 31, tzinfo=UTC)
    assert await scheduler(uow_factory, clock, schedule=friday).run_once() == 2


async def test_a_digest_over_a_day_late_is_skipped_and_the_next_one_planned(uow_factory, seeded):
    clock = Clock(SLOT - MINUTE)
    await scheduler(uow_factory, clock).run_once()
    clock.now = SLOT + timedelta(days=2)  # the service was down over Monday
    assert await scheduler(uow_factory, clock).run_once() == 0
    assert await digests(uow_factory) == []
    assert (await planned(uow_factory, "2026-03-23")).due_at == SLOT + timedelta(weeks=1)


async def test_without_a_security_channel_nothing_is_planned(uow_factory):
    await scheduler(uow_factory, Clock(SLOT - MINUTE), channels=()).run_once()
    assert await planned(uow_factory, "2026-03-16") is None
