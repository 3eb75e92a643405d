"""The triage service's state and machinery: membership checked (and a refusal audited) on every
action, one transaction per change, the audit entry and the inbox events written with it.

Only the security team may act; a refused attempt is audited like any other. Every change is one
transaction: the report, its audit event, any message to the reporter and the events for the
inbox are written together.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.actors import Actor, TeamMembership
from bot.analyst_text import bounded_text, parse_reference
from bot.normalise import DEFAULT_PHONE_REGION
from bot.ports import AuditEvent, Deadline, MessageKind, ReportMessage, UnitOfWork, UnitOfWorkFactory
from bot.report import Outcome, Report, Status
from bot.reporter_push import queue_for_reporter
from bot.retention.forget import is_pseudonymised
from bot.triage_events import queue_message

log = logging.getLogger("bot.triage")

MAX_MESSAGE = 2000
MAX_NOTE = 4000
MAX_NAME = 100
MIN_QUERY = 3
MAX_QUERY = 500


class TriageError(Exception):
    """The action cannot be done; the message says why, in words for the analyst."""


class NotAllowed(TriageError):
    """The person is not a member of the security team."""


_Change = Callable[[UnitOfWork, Report, datetime], Awaitable[Report]]


def _no_deadlines(report: Report, now: datetime) -> Sequence[Deadline]:
    return ()


@dataclass
class TriageCore:
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    team: TeamMembership
    acknowledged_message: str
    closing_templates: Mapping[Outcome, str]
    deadlines: Callable[[Report, datetime], Sequence[Deadline]] = _no_deadlines
    on_queued: Callable[[], None] = field(default=lambda: None)
    region: str = DEFAULT_PHONE_REGION  # PHONE_REGION: how a phone typed without a country code reads

    def closing_template(self, outcome: Outcome) -> str:
        return self.closing_templates[Outcome(outcome)]

    async def check_member(self, actor: Actor, attempted: str, reference: str | None = None) -> None:
        """Refuse and audit outsiders before an action that starts elsewhere (an export, a
        modal opened from a button); `reference`, when given, files the attempt with the report."""
        try:
            ref = parse_reference(reference) if reference else None
        except ValueError:
            ref = None
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, attempted, ref)

    async def _change(
        self,
        reference: str,
        actor: Actor,
        action: str,
        change: _Change,
        refuse_closed: bool = False,
        unchanged_action: str | None = None,
        **facts: str,
    ) -> Report:
        """`unchanged_action` names the audit entry when the change turns out to change nothing;
        `facts` (who was assigned, which report was linked) go into the audit entry."""
        now = self._now()
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, action, reference)
            report = await _load(uow, ref)
            if refuse_closed and report.status is Status.CLOSED:
                await self._audit(uow, ref, "triage.refused", actor, now, attempted=action, reason="closed")
                await uow.commit()
                raise TriageError(
                    f"{ref} is closed, so it can't be changed. Reopen it first if it needs more work."
                )
            updated = await change(uow, report, now)
            if updated is not report:
                await uow.reports.update(updated)
            before, after = report.status.value, updated.status.value
            recorded = unchanged_action if unchanged_action and updated is report else action
            await self._audit(uow, ref, recorded, actor, now, from_status=before, to_status=after, **facts)
            await uow.commit()
        self.on_queued()
        log.info("%s on %s by %s", action, ref, actor.id)
        return updated

    async def _check(self, uow: UnitOfWork, actor: Actor, attempted: str, reference: str | None) -> None:
        if self.team.allows(actor.platform, actor.user_id):
            return
        # Committed on its own, before the refusal is raised, so the attempt stays on the record.
        await self._audit(
            uow, reference, "triage.refused", actor, self._now(), attempted=attempted, reason="not_team"
        )
        await uow.commit()
        log.warning("refused %s by %s: not a member of the security team", attempted, actor.id)
        raise NotAllowed(
            f"{actor.id} is not a member of the security team, so can't do this. "
            "The attempt has been recorded."
        )

    async def _to_reporter(
        self,
        uow: UnitOfWork,
        report: Report,
        kind: MessageKind,
        body: str,
        actor: Actor,
        now: datetime,
        signed_by: str | None = None,
    ) -> ReportMessage:
        if is_pseudonymised(report.reporter) and kind is MessageKind.QUESTION:
            raise TriageError(
                f"The reporter of {report.reference} asked to be forgotten, so Tipline can no longer "
                "reach them about it. Add a note instead."
            )
        message = ReportMessage(report.reference, kind, body, actor.id, now, signed_by=signed_by)
        message.id = await uow.messages.add(message)
        if not is_pseudonymised(report.reporter):  # a forgotten reporter is kept on the thread, not sent
            await queue_for_reporter(uow, report, message.id, now)
        if kind is MessageKind.QUESTION:
            await queue_message(uow, report, message, signed_by or "Security team", now)
        return message

    async def _audit(
        self, uow: UnitOfWork, reference: str | None, action: str, actor: Actor, now: datetime, **detail: Any
    ) -> None:
        # Facts about the handling only; what anyone wrote lives in the report and its thread.
        await uow.audit.add(
            AuditEvent(
                at=now,
                actor=actor.id,
                platform=actor.platform,
                action=action,
                report_reference=reference,
                detail=detail,
            )
        )

    async def _checked_reference(self, uow: UnitOfWork, actor: Actor, attempted: str, text: str) -> str:
        """Membership first, so an outsider's attempt is recorded even with a malformed reference."""
        try:
            reference: str | None = parse_reference(text)
        except ValueError:
            reference = None
        await self._check(uow, actor, attempted, reference)
        return self._reference(text)

    def _reference(self, text: str) -> str:
        try:
            return parse_reference(text)
        except ValueError as exc:
            raise TriageError(str(exc)) from None

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the triage clock must give timezone-aware times")
        return now.astimezone(UTC)


def _bounded_or_refuse(text: str, limit: int, what: str) -> str:
    try:
        return bounded_text(text, limit, what)
    except ValueError as exc:
        raise TriageError(str(exc)) from None


async def _load(uow: UnitOfWork, reference: str) -> Report:
    report = await uow.reports.get(reference, for_update=True)
    if report is None:
        raise TriageError(f"No report {reference}")
    return report
