"""What the security team does with a report: acknowledge, assign, ask the reporter,
note, link, close, reopen.

Platform-neutral: the CLI calls it, chat buttons will too. Only members of the security
team may act, checked on every action; a refused attempt is audited like any other.
Every change is one transaction: the report, its audit event, any message to the
reporter and the events for the inbox are written together.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot import matching
from bot.actors import Actor, TeamMembership
from bot.analyst_text import bounded_text, clean_text, parse_reference
from bot.matching import Match
from bot.ports import (
    AuditEvent,
    Deadline,
    DeadlineKind,
    MessageKind,
    ReportMessage,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bot.report import LinkKind, Outcome, Report, Status
from bot.reporter_push import queue_for_reporter
from bot.triage_events import queue_message, queue_status

log = logging.getLogger(__name__)

MAX_MESSAGE = 2000
MAX_NOTE = 4000
MAX_NAME = 100
MIN_QUERY = 3
MAX_QUERY = 500


class TriageError(Exception):
    """The action cannot be done; the message says why, in words for the analyst."""


class NotAllowed(TriageError):
    """The person is not a member of the security team."""


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str  # the action, e.g. "report.acknowledged" or "question"
    text: str | None = None  # the words of a message, for the security team's eyes


_Change = Callable[[UnitOfWork, Report, datetime], Awaitable[Report]]


def _no_deadlines(report: Report, now: datetime) -> Sequence[Deadline]:
    return ()


@dataclass
class TriageService:
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    team: TeamMembership
    acknowledged_message: str
    closing_templates: Mapping[Outcome, str]
    deadlines: Callable[[Report, datetime], Sequence[Deadline]] = _no_deadlines
    on_queued: Callable[[], None] = field(default=lambda: None)

    # ---- reading ---------------------------------------------------------------------------
    async def get(self, reference: str, actor: Actor) -> Report:
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "read", reference)
            return await _load(uow, ref)

    async def list_reports(
        self, actor: Actor, status: Status | None = None, limit: int | None = None, purpose: str = "list"
    ) -> list[Report]:
        """`purpose` names the attempt in the audit trail ("list", "export")."""
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, purpose, None)
            return list(await uow.reports.list(status, limit))

    async def timeline(self, reference: str, actor: Actor) -> list[TimelineEntry]:
        """The audit trail and the thread with the reporter, oldest first."""
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "timeline", reference)
            await _load(uow, ref)
            entries = [
                TimelineEntry(e.at, e.actor, e.action, _facts(e.detail))
                for e in await uow.audit.for_report(ref)
            ]
            for m in await uow.messages.for_report(ref):
                # "Signed" means the reporter saw the name; a note's author is already in `author`.
                signed = m.signed_by and m.kind is MessageKind.QUESTION
                who = m.author + (f" (signed {m.signed_by})" if signed else "")
                entries.append(TimelineEntry(m.created_at, who, m.kind.value, m.body))
        return sorted(entries, key=lambda e: e.at)

    async def related(self, reference: str, actor: Actor) -> list[Match]:
        """The other reports sharing a profile, email, phone, website, company email domain or
        organisation with this one, newest first: the same person or campaign, perhaps."""
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "related", reference)
            report = await uow.reports.get(ref)  # a read: no lock
            if report is None:
                raise TriageError(f"No report {ref}")
            return matching.matches(report, await uow.reports.list())

    async def find(self, query: str, actor: Actor) -> list[Match]:
        """Every report that mentions this profile address, email, phone, website or
        organisation (or name), however it was typed, newest first."""
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, "find", None)
            text = clean_text(query, keep_newlines=False)
            if not MIN_QUERY <= len(text) <= MAX_QUERY:
                raise TriageError(
                    f"Give {MIN_QUERY} to {MAX_QUERY} characters to look for: a profile address, "
                    "email, phone number, website or organisation."
                )
            return matching.find(text, await uow.reports.list())

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

    # ---- changing --------------------------------------------------------------------------
    async def acknowledge(self, reference: str, actor: Actor) -> Report:
        """new -> acknowledged, and the reporter is told the team has it. Already
        acknowledged or in progress: nothing changes (the returned status says so)."""

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            if report.status is not Status.NEW:
                return report
            updated = report.model_copy(
                update={"status": Status.ACKNOWLEDGED, "acknowledged_at": now, "updated_at": now}
            )
            await uow.deadlines.mark_met(report.reference, DeadlineKind.ACKNOWLEDGE, now)
            await self._to_reporter(
                uow, updated, MessageKind.ACKNOWLEDGEMENT, self.acknowledged_message, actor, now
            )
            await queue_status(uow, report, updated, actor, now, "acknowledged")
            return updated

        return await self._change(
            reference,
            actor,
            "report.acknowledged",
            change,
            refuse_closed=True,
            unchanged_action="report.already_acknowledged",
        )

    async def assign(self, reference: str, analyst: str, actor: Actor) -> Report:
        name = clean_text(analyst, keep_newlines=False)
        if not name or len(name) > MAX_NAME:
            raise TriageError(f"Give the analyst's name (1 to {MAX_NAME} characters).")

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            updated = report.model_copy(
                update={
                    "status": Status.IN_PROGRESS,
                    "assigned_to": name,
                    "acknowledged_at": report.acknowledged_at or now,
                    "updated_at": now,
                }
            )
            await uow.deadlines.mark_met(report.reference, DeadlineKind.ACKNOWLEDGE, now)
            if report.status is Status.NEW:
                await self._to_reporter(
                    uow, updated, MessageKind.ACKNOWLEDGEMENT, self.acknowledged_message, actor, now
                )
            await queue_status(uow, report, updated, actor, now, "assigned", assigned_to=name)
            return updated

        return await self._change(
            reference, actor, "report.assigned", change, refuse_closed=True, assigned_to=name
        )

    async def ask(
        self, reference: str, question: str, actor: Actor, sign_as: str | None = None
    ) -> ReportMessage:
        """A question for the reporter, delivered where they reported. Unsigned, the reporter
        sees it as from "the security team"."""
        text = _bounded_or_refuse(question, MAX_MESSAGE, "question")
        signature = clean_text(sign_as or "", keep_newlines=False)[:MAX_NAME] or None
        asked: list[ReportMessage] = []

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            asked.append(
                await self._to_reporter(uow, report, MessageKind.QUESTION, text, actor, now, signature)
            )
            return report

        await self._change(reference, actor, "report.question", change, refuse_closed=True)
        return asked[0]

    async def note(self, reference: str, text: str, actor: Actor) -> ReportMessage:
        """An internal note: the security team's thread only, never the reporter."""
        body = _bounded_or_refuse(text, MAX_NOTE, "note")
        noted: list[ReportMessage] = []

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            message = ReportMessage(
                report.reference, MessageKind.NOTE, body, actor.id, now, signed_by=actor.name
            )
            message.id = await uow.messages.add(message)
            await queue_message(uow, report, message, actor.name, now)
            noted.append(message)
            return report

        await self._change(reference, actor, "report.note", change)
        return noted[0]

    async def link(self, reference: str, other: str, kind: LinkKind, actor: Actor) -> Report:
        """Link two reports (both ways): the same approach twice, or the same person or campaign."""
        other_ref = self._reference(other)
        kind = LinkKind(kind)

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            if other_ref == report.reference:
                raise TriageError("A report can't be linked to itself.")
            partner = await uow.reports.get(other_ref, for_update=True)
            if partner is None:
                raise TriageError(f"No report {other_ref}")
            updated = report.with_link(other_ref, kind, now)
            await uow.reports.update(partner.with_link(report.reference, kind, now))
            await self._audit(uow, other_ref, "report.linked", actor, now, linked_reference=report.reference)
            await queue_status(
                uow, report, updated, actor, now, "linked", linked_reference=other_ref, link_kind=kind.value
            )
            return updated

        return await self._change(
            reference, actor, "report.linked", change, linked_reference=other_ref, link_kind=kind.value
        )

    async def close(
        self, reference: str, outcome: Outcome, actor: Actor, message: str | None = None
    ) -> Report:
        """Close with an outcome; the reporter is told `message`, or the outcome's template."""
        outcome = Outcome(outcome)
        text = _bounded_or_refuse(
            message if message is not None else self.closing_template(outcome), MAX_MESSAGE, "message"
        )

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            updated = report.model_copy(
                update={
                    "status": Status.CLOSED,
                    "outcome": outcome,
                    "closing_message": text,
                    "closed_at": now,
                    "acknowledged_at": report.acknowledged_at or now,
                    "updated_at": now,
                }
            )
            for kind in DeadlineKind:
                await uow.deadlines.mark_met(report.reference, kind, now)
            await self._to_reporter(uow, updated, MessageKind.CLOSING, text, actor, now)
            await queue_status(uow, report, updated, actor, now, "closed", outcome=outcome)
            return updated

        return await self._change(reference, actor, "report.closed", change, refuse_closed=True)

    async def reopen(self, reference: str, actor: Actor) -> Report:
        """A closed report back to in progress, with a fresh feedback deadline."""

        async def change(uow: UnitOfWork, report: Report, now: datetime) -> Report:
            if report.status is not Status.CLOSED:
                raise TriageError(f"{report.reference} is not closed.")
            updated = report.model_copy(
                update={
                    "status": Status.IN_PROGRESS,
                    "outcome": None,
                    "closed_at": None,
                    "closing_message": None,  # that message belonged to the closure being undone
                    "updated_at": now,
                }
            )
            for deadline in self.deadlines(updated, now):
                if deadline.kind is DeadlineKind.FEEDBACK:
                    await uow.deadlines.add(deadline)
            await queue_status(uow, report, updated, actor, now, "reopened")
            return updated

        return await self._change(reference, actor, "report.reopened", change)

    # ---- machinery -------------------------------------------------------------------------
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
        message = ReportMessage(report.reference, kind, body, actor.id, now, signed_by=signed_by)
        message.id = await uow.messages.add(message)
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


def _facts(detail: Mapping[str, Any]) -> str | None:
    """The handling facts worth reading in a timeline (not the status bookkeeping)."""
    shown = {
        k: v for k, v in detail.items() if k in ("assigned_to", "linked_reference", "link_kind", "outcome")
    }
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in shown.items()) or None


async def _load(uow: UnitOfWork, reference: str) -> Report:
    report = await uow.reports.get(reference, for_update=True)
    if report is None:
        raise TriageError(f"No report {reference}")
    return report
