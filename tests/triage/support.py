"""Shared by tests/triage and tests/cli: a triage service on real storage, the people who
use it, and ways to look at what it stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.actors import Actor
from bot.inbox_events import InboxEvent
from bot.ports import AuditEvent, Deadline, DeadlineKind, OutboxEntry, ReportMessage, UnitOfWorkFactory
from bot.report import Outcome, Report
from bot.reporter_push import REPORTER_DESTINATION
from bot.triage import TriageService
from storage.models import AuditEventRow
from storage.protection.fields import AUDIT_DETAIL, audit_row
from tests.factories import Clock, make_report
from tests.keys import TEST_SEALER

MEMBER = Actor("cli", "alice")  # as the CLI sees its user: the login, no display name
NAMED_MEMBER = Actor("slack", "U0123ABCD", "Bob Analyst")
OUTSIDER = Actor("cli", "mallory")


class Team:
    """The security team: who may triage, by platform and exact user id."""

    def __init__(self, *members: tuple[str, str]) -> None:
        self.members = frozenset(members)

    def allows(self, platform: str, user_id: str) -> bool:
        return (platform, user_id) in self.members


TEAM = Team(("cli", "alice"), ("cli", "carol"), ("slack", "U0123ABCD"))

ACKNOWLEDGED = "Thank you: the security team has your report and is looking at it."
CLOSING: Mapping[Outcome, str] = {outcome: f"Closing words for {outcome.value}." for outcome in Outcome}

ACK_DUE = timedelta(hours=24)
FEEDBACK_DUE = timedelta(days=14)
WARN_BEFORE = timedelta(hours=4)


def deadlines_for(report: Report, now: datetime) -> list[Deadline]:
    """Both kinds, as the composition root would give them; reopen uses the feedback one only."""
    return [
        Deadline(report.reference, DeadlineKind.ACKNOWLEDGE, now + ACK_DUE, now + ACK_DUE - WARN_BEFORE),
        Deadline(
            report.reference, DeadlineKind.FEEDBACK, now + FEEDBACK_DUE, now + FEEDBACK_DUE - WARN_BEFORE
        ),
    ]


class Counter:
    """An on_queued callback that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def make_triage(
    uow_factory: UnitOfWorkFactory, clock: Clock, on_queued: Counter | None = None
) -> TriageService:
    return TriageService(
        unit_of_work=uow_factory,
        clock=clock,
        team=TEAM,
        acknowledged_message=ACKNOWLEDGED,
        closing_templates=CLOSING,
        deadlines=deadlines_for,
        on_queued=on_queued or Counter(),
    )


async def store(uow_factory: UnitOfWorkFactory, **overrides: Any) -> Report:
    """A report as submitted, routed to the file inbox unless told otherwise."""
    overrides.setdefault("routed_to", ["file"])
    report = make_report(**overrides)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    return report


async def stored(uow_factory: UnitOfWorkFactory, reference: str) -> Report:
    async with uow_factory() as uow:
        report = await uow.reports.get(reference)
    assert report is not None
    return report


async def add_deadlines(uow_factory: UnitOfWorkFactory, report: Report, now: datetime) -> None:
    async with uow_factory() as uow:
        for deadline in deadlines_for(report, now):
            await uow.deadlines.add(deadline)
        await uow.commit()


async def deadline(uow_factory: UnitOfWorkFactory, reference: str, kind: DeadlineKind) -> Deadline:
    async with uow_factory() as uow:
        found = await uow.deadlines.get(reference, kind)
    assert found is not None
    return found


async def audit_trail(uow_factory: UnitOfWorkFactory, reference: str) -> list[AuditEvent]:
    async with uow_factory() as uow:
        return list(await uow.audit.for_report(reference))


async def thread(uow_factory: UnitOfWorkFactory, reference: str) -> list[ReportMessage]:
    async with uow_factory() as uow:
        return list(await uow.messages.for_report(reference))


async def waiting_for(uow_factory: UnitOfWorkFactory, report: Report) -> list[ReportMessage]:
    async with uow_factory() as uow:
        return list(
            await uow.messages.waiting_for_reporter(report.reporter.platform, report.reporter.user_id)
        )


async def outbox(uow_factory: UnitOfWorkFactory) -> list[OutboxEntry]:
    """What was queued for the security inbox (pushes to the reporter are not the inbox)."""
    async with uow_factory() as uow:
        return [e for e in await uow.outbox.list() if e.destination != REPORTER_DESTINATION]


async def reporter_pushes(uow_factory: UnitOfWorkFactory) -> list[OutboxEntry]:
    async with uow_factory() as uow:
        return [e for e in await uow.outbox.list() if e.destination == REPORTER_DESTINATION]


def inbox_event(entry: OutboxEntry) -> InboxEvent:
    return InboxEvent.model_validate(entry.payload)


@dataclass(frozen=True)
class Refusal:
    actor: str
    platform: str
    report_reference: str | None
    detail: dict[str, Any]


def audit_detail(row: AuditEventRow) -> dict:
    """An audit row's detail, opened (it is sealed at rest)."""
    return dict(TEST_SEALER.open_json(row.detail, AUDIT_DETAIL, audit_row(row.report_reference, row.action)))


async def refusals(engine: AsyncEngine) -> list[Refusal]:
    """Every triage.refused audit event, with or without a report (a refused list has none)."""
    async with AsyncSession(engine) as session:
        rows = await session.scalars(
            select(AuditEventRow).where(AuditEventRow.action == "triage.refused").order_by(AuditEventRow.id)
        )
        return [
            Refusal(
                r.actor,
                r.platform,
                r.report_reference,
                TEST_SEALER.open_json(r.detail, AUDIT_DETAIL, audit_row(r.report_reference, r.action)),
            )
            for r in rows
        ]
