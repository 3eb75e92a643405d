"""Changing a report: acknowledge, assign, ask the reporter, note, link, close, reopen."""

from __future__ import annotations

from datetime import datetime

from bot.actors import Actor
from bot.analyst_text import clean_text
from bot.ports import DeadlineKind, MessageKind, ReportMessage, UnitOfWork
from bot.report import LinkKind, Outcome, Report, Status
from bot.triage.core import MAX_MESSAGE, MAX_NAME, MAX_NOTE, TriageCore, TriageError, _bounded_or_refuse
from bot.triage_events import queue_message, queue_status


class TriageChanges(TriageCore):
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
            for kind in (DeadlineKind.ACKNOWLEDGE, DeadlineKind.FEEDBACK):
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
