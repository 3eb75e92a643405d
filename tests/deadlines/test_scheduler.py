"""Deadline reminders on real storage (SQLite, and PostgreSQL when TEST_DATABASE_URL says so),
with a clock the tests move by hand."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.deadlines import DeadlineScheduler, add_deadlines, already_met, deadlines_for, reminder_key
from bot.inbox_events import EventKind, InboxEvent
from bot.ports import Deadline, DeadlineKind, OutboxEntry, UnitOfWorkFactory
from bot.report import Report, Status
from bot.security import DeadlinePolicy
from storage.db import create_engine, unit_of_work_factory
from tests.factories import CREATED_AT, Clock, make_report
from tests.keys import TEST_SEALER

POLICY = DeadlinePolicy(
    acknowledge_within=timedelta(hours=24),
    warn_before_acknowledge=timedelta(hours=4),
    feedback_within=timedelta(days=7),
    warn_before_feedback=timedelta(days=1),
)
SUBMITTED = CREATED_AT
ACK_WARN = SUBMITTED + timedelta(hours=20)
ACK_DUE = SUBMITTED + timedelta(hours=24)
FEEDBACK_WARN = SUBMITTED + timedelta(days=6)
FEEDBACK_DUE = SUBMITTED + timedelta(days=7)
SECRET = "SENTINEL-they-asked-for-the-roadmap"
SECOND = timedelta(seconds=1)


class Counter:
    """An on_queued callback: counts its calls, and `fired` is set by the first."""

    def __init__(self) -> None:
        self.calls = 0
        self.fired = asyncio.Event()

    def __call__(self) -> None:
        self.calls += 1
        self.fired.set()


async def submit(uow_factory: UnitOfWorkFactory, **overrides: object) -> Report:
    """A report as the service stores it: the report and its deadlines in one transaction."""
    overrides.setdefault("routed_to", ["file"])
    overrides.setdefault("what_happened", SECRET)
    report = make_report(**overrides)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await add_deadlines(uow, report, POLICY, SUBMITTED)
        await uow.commit()
    return report


async def outbox(uow_factory: UnitOfWorkFactory) -> list[OutboxEntry]:
    async with uow_factory() as uow:
        return sorted(await uow.outbox.list(), key=lambda e: e.idempotency_key)


def reminders(entries: list[OutboxEntry]) -> list[tuple[str, str, str, str]]:
    """(reference, deadline, stage, destination) of each queued reminder."""
    found = []
    for entry in entries:
        assert entry.event == EventKind.REMINDER.value
        event = InboxEvent.model_validate(entry.payload)
        assert event.reminder is not None
        found.append(
            (event.reference, event.reminder.deadline.value, event.reminder.stage, entry.destination)
        )
    return sorted(found)


def scheduler(uow_factory: UnitOfWorkFactory, clock: Clock, **kwargs: object) -> DeadlineScheduler:
    return DeadlineScheduler(uow_factory, POLICY, clock, **kwargs)


# --- the deadlines of a report ----------------------------------------------------------------


def test_a_report_gets_an_acknowledge_and_a_feedback_deadline() -> None:
    report = make_report()
    assert deadlines_for(report, POLICY, SUBMITTED) == [
        Deadline(report.reference, DeadlineKind.ACKNOWLEDGE, due_at=ACK_DUE, warn_at=ACK_WARN),
        Deadline(report.reference, DeadlineKind.FEEDBACK, due_at=FEEDBACK_DUE, warn_at=FEEDBACK_WARN),
    ]


def test_no_warning_period_puts_the_warning_on_the_deadline() -> None:
    policy = DeadlinePolicy(warn_before_acknowledge=timedelta(0))
    ack = deadlines_for(make_report(), policy, SUBMITTED)[0]
    assert ack.warn_at == ack.due_at == ACK_DUE


def test_the_reminder_key_names_the_due_time() -> None:
    key = reminder_key("TIP-ABCDEF", DeadlineKind.ACKNOWLEDGE, "near", ACK_DUE, "file")
    assert key == "TIP-ABCDEF.acknowledge.near.20260315T093000Z.file"
    naive = ACK_DUE.replace(tzinfo=None)
    assert reminder_key("TIP-ABCDEF", DeadlineKind.ACKNOWLEDGE, "near", naive, "file") == key


@pytest.mark.parametrize(
    ("status", "kind", "met"),
    [
        (Status.NEW, DeadlineKind.ACKNOWLEDGE, False),
        (Status.ACKNOWLEDGED, DeadlineKind.ACKNOWLEDGE, True),
        (Status.IN_PROGRESS, DeadlineKind.ACKNOWLEDGE, True),
        (Status.CLOSED, DeadlineKind.ACKNOWLEDGE, True),
        (Status.NEW, DeadlineKind.FEEDBACK, False),
        (Status.IN_PROGRESS, DeadlineKind.FEEDBACK, False),
        (Status.CLOSED, DeadlineKind.FEEDBACK, True),
    ],
)
def test_which_state_meets_which_deadline(status: Status, kind: DeadlineKind, met: bool) -> None:
    assert (already_met(make_report(status=status), kind) is not None) is met


# --- reminders at the right times ---------------------------------------------------------------


async def test_nothing_is_queued_before_the_warning_time(uow_factory: UnitOfWorkFactory) -> None:
    await submit(uow_factory)
    clock = Clock(ACK_WARN - SECOND)
    assert await scheduler(uow_factory, clock).run_once() == 0
    assert await outbox(uow_factory) == []


async def test_a_near_reminder_once_from_the_warning_time(uow_factory: UnitOfWorkFactory) -> None:
    report = await submit(uow_factory)
    clock = Clock(ACK_WARN)
    queued = Counter()
    remind = scheduler(uow_factory, clock, on_queued=queued)

    assert await remind.run_once() == 1
    assert queued.calls == 1
    [entry] = await outbox(uow_factory)
    assert entry.report_reference == report.reference
    assert entry.destination == "file"
    assert entry.idempotency_key == f"{report.reference}.acknowledge.near.20260315T093000Z.file"
    assert (entry.created_at, entry.next_attempt_at) == (ACK_WARN, ACK_WARN)
    event = InboxEvent.model_validate(entry.payload)
    assert event.event is EventKind.REMINDER
    assert event.occurred_at == ACK_WARN
    assert event.report == report
    assert event.reminder is not None
    assert (event.reminder.deadline, event.reminder.stage, event.reminder.due_at) == (
        DeadlineKind.ACKNOWLEDGE,
        "near",
        ACK_DUE,
    )

    for later in (timedelta(0), timedelta(hours=1), timedelta(hours=3, minutes=59)):
        clock.now = ACK_WARN + later
        assert await remind.run_once() == 0
    assert queued.calls == 1
    assert len(await outbox(uow_factory)) == 1


async def test_a_missed_reminder_once_from_the_due_time(uow_factory: UnitOfWorkFactory) -> None:
    report = await submit(uow_factory)
    clock = Clock(ACK_WARN)
    remind = scheduler(uow_factory, clock)
    await remind.run_once()

    clock.now = ACK_DUE - SECOND
    assert await remind.run_once() == 0
    clock.now = ACK_DUE
    assert await remind.run_once() == 1
    clock.now = ACK_DUE + timedelta(days=2)
    assert await remind.run_once() == 0

    assert reminders(await outbox(uow_factory)) == [
        (report.reference, "acknowledge", "missed", "file"),
        (report.reference, "acknowledge", "near", "file"),
    ]
    missed = next(e for e in await outbox(uow_factory) if ".missed." in e.idempotency_key)
    assert missed.idempotency_key == f"{report.reference}.acknowledge.missed.20260315T093000Z.file"


async def test_the_whole_life_of_an_unanswered_report(uow_factory: UnitOfWorkFactory) -> None:
    report = await submit(uow_factory)
    clock = Clock(SUBMITTED)
    remind = scheduler(uow_factory, clock)
    expected = {
        SUBMITTED: [],
        ACK_WARN: [("acknowledge", "near")],
        ACK_DUE: [("acknowledge", "missed")],
        FEEDBACK_WARN - SECOND: [],
        FEEDBACK_WARN: [("feedback", "near")],
        FEEDBACK_DUE: [("feedback", "missed")],
        FEEDBACK_DUE + timedelta(days=30): [],
    }
    seen: list[tuple[str, str]] = []
    for moment, new in expected.items():
        clock.now = moment
        assert await remind.run_once() == len(new), moment
        seen += new
        assert [(k, s) for _, k, s, _ in reminders(await outbox(uow_factory))] == sorted(seen)
    assert {e.report_reference for e in await outbox(uow_factory)} == {report.reference}


async def test_a_reminder_goes_to_every_destination_the_report_was_routed_to(
    uow_factory: UnitOfWorkFactory,
) -> None:
    report = await submit(uow_factory, routed_to=["file", "security-mail", "file"])
    assert await scheduler(uow_factory, Clock(ACK_WARN)).run_once() == 2
    assert reminders(await outbox(uow_factory)) == [
        (report.reference, "acknowledge", "near", "file"),
        (report.reference, "acknowledge", "near", "security-mail"),
    ]


async def test_a_scheduler_that_was_down_sends_missed_but_not_near(uow_factory: UnitOfWorkFactory) -> None:
    report = await submit(uow_factory)
    assert await scheduler(uow_factory, Clock(ACK_DUE + timedelta(hours=5))).run_once() == 1
    assert reminders(await outbox(uow_factory)) == [(report.reference, "acknowledge", "missed", "file")]


async def test_many_due_at_once_are_all_queued_in_one_pass(uow_factory: UnitOfWorkFactory) -> None:
    reports = [await submit(uow_factory) for _ in range(7)]
    remind = DeadlineScheduler(uow_factory, POLICY, Clock(ACK_WARN), batch_size=3)
    assert await remind.run_once() == 7
    assert {ref for ref, *_ in reminders(await outbox(uow_factory))} == {r.reference for r in reports}


# --- restarts and replicas ----------------------------------------------------------------------


async def test_after_a_restart_nothing_is_sent_twice_and_what_is_pending_still_fires(
    empty_database: str, uow_factory: UnitOfWorkFactory
) -> None:
    report = await submit(uow_factory)
    assert await scheduler(uow_factory, Clock(ACK_WARN)).run_once() == 1

    # The process stops; another starts, with a new engine on the same database.
    restarted = create_engine(empty_database)
    try:
        again = unit_of_work_factory(restarted, TEST_SEALER)
        clock = Clock(ACK_WARN + timedelta(hours=1))
        remind = scheduler(again, clock)
        assert await remind.run_once() == 0
        clock.now = ACK_DUE
        assert await remind.run_once() == 1
        assert await remind.run_once() == 0
        assert reminders(await outbox(again)) == [
            (report.reference, "acknowledge", "missed", "file"),
            (report.reference, "acknowledge", "near", "file"),
        ]
    finally:
        await restarted.dispose()


async def test_two_schedulers_at_once_queue_each_reminder_once(
    empty_database: str, uow_factory: UnitOfWorkFactory
) -> None:
    reports = [await submit(uow_factory, routed_to=["file", "security-mail"]) for _ in range(4)]
    other = create_engine(empty_database)
    try:
        clock = Clock(ACK_WARN)
        replicas = [scheduler(uow_factory, clock), scheduler(unit_of_work_factory(other, TEST_SEALER), clock)]
        counts = await asyncio.gather(*(r.run_once() for r in replicas))
        assert sum(counts) == 8  # 4 reports x 2 destinations, whoever queued them

        clock.now = ACK_DUE
        counts = await asyncio.gather(*(r.run_once() for r in replicas), *(r.run_once() for r in replicas))
        assert sum(counts) == 8
    finally:
        await other.dispose()
    entries = await outbox(uow_factory)
    assert len(entries) == 16
    assert len({e.idempotency_key for e in entries}) == 16
    assert {ref for ref, *_ in reminders(entries)} == {r.reference for r in reports}


# --- met deadlines --------------------------------------------------------------------------------


async def test_an_acknowledged_report_gets_no_acknowledge_reminders(uow_factory: UnitOfWorkFactory) -> None:
    acknowledged_at = SUBMITTED + timedelta(hours=2)
    report = await submit(uow_factory, status=Status.ACKNOWLEDGED, acknowledged_at=acknowledged_at)
    clock = Clock(ACK_WARN)
    remind = scheduler(uow_factory, clock)
    assert await remind.run_once() == 0
    clock.now = ACK_DUE
    assert await remind.run_once() == 0
    async with uow_factory() as uow:
        ack = await uow.deadlines.get(report.reference, DeadlineKind.ACKNOWLEDGE)
    assert ack is not None
    assert ack.met_at == acknowledged_at
    assert (ack.warned_at, ack.missed_at) == (None, None)

    # The outcome is still owed to the reporter.
    clock.now = FEEDBACK_WARN
    assert await remind.run_once() == 1
    assert reminders(await outbox(uow_factory)) == [(report.reference, "feedback", "near", "file")]


async def test_a_deadline_marked_met_gets_no_reminders(uow_factory: UnitOfWorkFactory) -> None:
    report = await submit(uow_factory)
    async with uow_factory() as uow:
        await uow.deadlines.mark_met(report.reference, DeadlineKind.ACKNOWLEDGE, SUBMITTED + SECOND)
        await uow.commit()
    clock = Clock(ACK_WARN)
    remind = scheduler(uow_factory, clock)
    assert await remind.run_once() == 0
    clock.now = ACK_DUE
    assert await remind.run_once() == 0
    assert await outbox(uow_factory) == []


async def test_a_closed_report_gets_no_reminders(uow_factory: UnitOfWorkFactory) -> None:
    closed_at = SUBMITTED + timedelta(hours=1)
    await submit(uow_factory, status=Status.CLOSED, acknowledged_at=closed_at, closed_at=closed_at)
    clock = Clock(SUBMITTED)
    remind = scheduler(uow_factory, clock)
    for moment in (ACK_WARN, ACK_DUE, FEEDBACK_WARN, FEEDBACK_DUE):
        clock.now = moment
        assert await remind.run_once() == 0
    assert await outbox(uow_factory) == []


async def test_a_reopened_report_gets_reminders_for_its_new_deadline(uow_factory: UnitOfWorkFactory) -> None:
    report = await submit(uow_factory)
    clock = Clock(FEEDBACK_DUE)
    remind = scheduler(uow_factory, clock)
    assert await remind.run_once() == 2  # acknowledge and feedback missed

    reopened_at = FEEDBACK_DUE + timedelta(days=1)
    new_feedback = deadlines_for(report, POLICY, reopened_at)[1]
    async with uow_factory() as uow:
        await uow.deadlines.add(new_feedback)
        await uow.commit()
    clock.now = new_feedback.warn_at
    assert await remind.run_once() == 1
    clock.now = new_feedback.due_at
    assert await remind.run_once() == 1
    assert reminders(await outbox(uow_factory)) == [
        (report.reference, "acknowledge", "missed", "file"),
        (report.reference, "feedback", "missed", "file"),
        (report.reference, "feedback", "missed", "file"),
        (report.reference, "feedback", "near", "file"),
    ]


# --- what goes wrong, and the logs ------------------------------------------------------------


async def test_a_report_with_no_destinations_is_logged_once_without_content(
    uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    report = await submit(uow_factory, routed_to=[])
    clock = Clock(ACK_WARN)
    remind = scheduler(uow_factory, clock)
    with caplog.at_level(logging.DEBUG, logger="bot.deadlines"):
        assert await remind.run_once() == 0
        assert await remind.run_once() == 0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert report.reference in warnings[0].getMessage()
    assert "no destinations" in warnings[0].getMessage()
    assert SECRET not in caplog.text
    assert await outbox(uow_factory) == []


async def test_logs_name_the_reference_kind_and_stage_only(
    uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    report = await submit(uow_factory)
    with caplog.at_level(logging.DEBUG):
        await scheduler(uow_factory, Clock(ACK_DUE)).run_once()
    assert f"{report.reference} acknowledge missed reminder queued" in caplog.text
    assert SECRET not in caplog.text
    assert "Jane Smith" not in caplog.text


async def test_run_queues_reminders_until_stopped(uow_factory: UnitOfWorkFactory) -> None:
    await submit(uow_factory)
    clock = Clock(SUBMITTED)
    queued = Counter()
    remind = scheduler(uow_factory, clock, on_queued=queued)
    stop = asyncio.Event()
    task = asyncio.create_task(remind.run(stop, interval=0.01))
    try:
        await asyncio.sleep(0.05)
        assert queued.calls == 0
        clock.now = ACK_WARN
        async with asyncio.timeout(5):
            await queued.fired.wait()
    finally:
        stop.set()
        async with asyncio.timeout(5):
            await task
    assert len(await outbox(uow_factory)) == 1


async def test_run_survives_a_failing_pass(
    uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    def flaky_factory(readonly=False):  # the first pass finds the database down
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError(SECRET)
        return uow_factory(readonly)

    await submit(uow_factory)
    stop = asyncio.Event()
    queued = Counter()
    remind = DeadlineScheduler(flaky_factory, POLICY, Clock(ACK_WARN), on_queued=queued)
    with caplog.at_level(logging.ERROR, logger="bot.deadlines"):
        task = asyncio.create_task(remind.run(stop, interval=0.01))
        try:
            async with asyncio.timeout(5):
                await queued.fired.wait()
        finally:
            stop.set()
            await task
    assert "deadlines: reminder pass failed: RuntimeError" in caplog.text
    assert SECRET not in caplog.text
