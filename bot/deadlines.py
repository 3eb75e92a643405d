"""Deadlines on a report, and reminders to the security inbox that survive restarts.

When a report is submitted it gets two deadlines (see `deadlines_for`): the security
team should acknowledge it, and the reporter should hear an outcome. Both are rows in
the database, so a reminder is due whether or not the process that took the report is
still running.

`DeadlineScheduler` looks for deadlines that are near (from `warn_at`) or missed (from
`due_at`) and queues one reminder event per destination of the report in the outbox; the
delivery worker takes it from there. A reminder is claimed with a conditional update in
the same transaction that queues it, so with several replicas, or after a crash and a
restart, each reminder is queued exactly once. A deadline that is met (the triage code
marks it) gets no more reminders.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from bot.inbox_events import EventKind, InboxEvent, Reminder
from bot.outbox import idempotency_key, queue_event
from bot.ports import Deadline, DeadlineKind, UnitOfWork, UnitOfWorkFactory
from bot.report import Report, Status
from bot.security import DeadlinePolicy
from bot.statistics.digest import WeeklyDigest

log = logging.getLogger(__name__)

Stage = Literal["near", "missed"]


def deadlines_for(report: Report, policy: DeadlinePolicy, submitted_at: datetime) -> list[Deadline]:
    """The acknowledge and feedback deadlines of a report submitted at `submitted_at`.

    A warn-before of zero puts `warn_at` on `due_at`: no "near" reminder, only "missed".
    """
    deadlines = []
    for kind in (DeadlineKind.ACKNOWLEDGE, DeadlineKind.FEEDBACK):
        due_at = submitted_at + policy.within(kind)
        deadlines.append(
            Deadline(
                report_reference=report.reference,
                kind=kind,
                due_at=due_at,
                warn_at=due_at - policy.warn_before(kind),
            )
        )
    return deadlines


async def add_deadlines(
    uow: UnitOfWork, report: Report, policy: DeadlinePolicy, submitted_at: datetime
) -> list[Deadline]:
    """Store a new report's deadlines in the caller's unit of work (commit is the caller's)."""
    deadlines = deadlines_for(report, policy, submitted_at)
    for deadline in deadlines:
        await uow.deadlines.add(deadline)
    return deadlines


def reminder_key(reference: str, kind: DeadlineKind, stage: Stage, due_at: datetime, destination: str) -> str:
    """The outbox idempotency key of one reminder to one destination.

    The due time is part of it: a reopened report gets new deadlines (the same kind, a new
    due time) and its reminders must not be swallowed as repeats of the first ones.
    """
    return idempotency_key(reference, reminder_name(kind, stage, due_at), destination)


def reminder_name(kind: DeadlineKind, stage: Stage, due_at: datetime) -> str:
    return f"{kind.value}.{stage}.{_utc(due_at):%Y%m%dT%H%M%SZ}"


def already_met(report: Report, kind: DeadlineKind) -> datetime | None:
    """When the report met this deadline, if its state says it did (None if not met)."""
    if kind is DeadlineKind.ACKNOWLEDGE and report.status is not Status.NEW:
        return report.acknowledged_at or report.updated_at
    if kind is DeadlineKind.FEEDBACK and report.status is Status.CLOSED:
        return report.closed_at or report.updated_at
    return None


class DeadlineScheduler:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        policy: DeadlinePolicy,
        clock: Callable[[], datetime],
        on_queued: Callable[[], None] = lambda: None,
        *,
        batch_size: int = 50,
        digest: WeeklyDigest | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        # The weekly statistics digest's times are deadlines too (bot.statistics.digest); with
        # none given, a digest row left from an earlier setting is claimed and not sent.
        self.digest = digest or WeeklyDigest(None, ())
        self.policy = policy
        self._clock = clock
        self._on_queued = on_queued
        self._batch_size = batch_size

    async def run_once(self) -> int:
        """Queue every reminder due now. Returns how many outbox entries were queued."""
        now = self._clock()
        queued = 0
        await self._plan_digest(now)
        for stage in ("near", "missed"):
            # Each deadline looked at leaves the list (claimed here or by another replica, or
            # marked met), so this ends; the cap is only a guard against a storage bug.
            for _ in range(100):
                batch = await self._due(stage, now)
                for deadline in batch:
                    queued += await self._remind(deadline, stage, now)
                if len(batch) < self._batch_size:
                    break
        if queued:
            self._on_queued()
        return queued

    async def run(self, stop: asyncio.Event, interval: float = 30) -> None:
        """Queue reminders every `interval` seconds until `stop` is set; survives a failed pass."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as exc:
                log.error("deadlines: reminder pass failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _due(self, stage: Stage, now: datetime) -> list[Deadline]:
        async with self._uow_factory(readonly=True) as uow:
            if stage == "near":
                return list(await uow.deadlines.needing_warning(now, self._batch_size))
            return list(await uow.deadlines.needing_missed_notice(now, self._batch_size))

    async def _plan_digest(self, now: datetime) -> None:
        if not self.digest.enabled:
            return
        async with self._uow_factory() as uow:
            await self.digest.plan(uow, now)
            await uow.commit()

    async def _remind(self, deadline: Deadline, stage: Stage, now: datetime) -> int:
        reference, kind = deadline.report_reference, deadline.kind
        if kind is DeadlineKind.WEEKLY_DIGEST:
            async with self._uow_factory() as uow:
                queued = await self.digest.send_due(uow, deadline, now)
                await uow.commit()
            return queued
        async with self._uow_factory() as uow:
            report = await uow.reports.get(reference)
            met_at = already_met(report, kind) if report is not None else None
            if met_at is not None:
                # The triage code marks deadlines met; this covers a report changed without it.
                await uow.deadlines.mark_met(reference, kind, min(met_at, now))
                await uow.commit()
                log.info("deadlines: %s %s already met; no %s reminder", reference, kind.value, stage)
                return 0
            claimed = (
                await uow.deadlines.mark_warned(reference, kind, now)
                if stage == "near"
                else await uow.deadlines.mark_missed(reference, kind, now)
            )
            if not claimed:
                return 0  # another replica (or an earlier pass) has queued it
            if report is None:
                await uow.commit()  # claimed, so it is not looked at again
                log.warning("deadlines: %s %s %s: the report is missing", reference, kind.value, stage)
                return 0
            destinations = list(dict.fromkeys(report.routed_to))
            if not destinations:
                await uow.commit()
                log.warning(
                    "deadlines: %s %s %s: the report has no destinations; reminder not sent",
                    reference,
                    kind.value,
                    stage,
                )
                return 0
            due_at = _utc(deadline.due_at)
            event = InboxEvent.about(
                EventKind.REMINDER,
                report,
                now,
                reminder=Reminder(deadline=kind, stage=stage, due_at=due_at),
            )
            await queue_event(uow, event, reminder_name(kind, stage, due_at), now, destinations)
            await uow.commit()
        log.info("deadlines: %s %s %s reminder queued", reference, kind.value, stage)
        return len(destinations)


def _utc(moment: datetime) -> datetime:
    """Aware UTC (a database may hand back naive UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
