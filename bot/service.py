"""The reporting service: one user action in, the bot's replies out.

Each turn is one unit of work: load the conversation, run the engine, carry out its
effects (a report and its deliveries are written in the same transaction), save the new
state — and only then return the replies, so an answer is never shown as accepted
before it is safe on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Choice, Message, Question, Text, Tone
from bot.ports import (
    AuditEvent,
    ConcurrencyConflict,
    ConversationStatus,
    DuplicateReference,
    OutboxEntry,
    StoredConversation,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bot.presenter import present
from bot.report import Report, Reporter, Status, new_reference
from bot.report_builder import build_report
from flows.actions import Command, CommandName, PickOptions, TextAnswer, UserAction
from flows.engine import Engine
from flows.outputs import SubmitReport, Turn
from flows.state import ConversationState, Phase

log = logging.getLogger(__name__)

IDLE_TOKEN = "idle"  # noqa: S105 - a question token, not a secret
_REFERENCE_DRAWS = 8


@dataclass(frozen=True)
class ConversationKey:
    """Whose conversation, where: explicit so that a platform adapter can't mix two up."""

    platform: str
    workspace: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user_id}"


@dataclass(frozen=True)
class Reply:
    messages: list[Message]
    in_progress: bool  # False once the conversation has ended (or never started)
    reference: str | None = None
    duplicate: bool = False  # the same inbound event was already handled
    queued: int = 0  # deliveries queued for the security inbox this turn


@dataclass
class _Envelope:
    """What the conversations table holds for one key: the engine's state and the report it made."""

    state: ConversationState
    reference: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"flow": self.state.to_json(), "report_reference": self.reference}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Envelope:
        return cls(ConversationState.from_json(data["flow"]), data.get("report_reference"))


@dataclass
class ReportingService:
    engine: Engine
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    destinations: Sequence[str]
    on_queued: Callable[[], None] = field(default=lambda: None)
    attempts_on_conflict: int = 3

    async def open(self, key: ConversationKey, reporter: Reporter) -> Reply:
        """The reporter opened the bot (the console starting): news first, then start or resume."""
        news = await self._feedback_for(reporter)
        reply = await self.handle(key, reporter, Command(CommandName.START))
        return Reply(news + reply.messages, reply.in_progress, reply.reference, queued=reply.queued)

    async def handle(
        self,
        key: ConversationKey,
        reporter: Reporter,
        action: UserAction,
        event: tuple[str, str] | None = None,
    ) -> Reply:
        """`event` is (source, id) of the inbound platform event, so a redelivery is handled once."""
        for _ in range(self.attempts_on_conflict):
            try:
                return await self._turn(key, reporter, action, event)
            except ConcurrencyConflict:
                # Another message from the same person was handled in between: run this one again on top.
                continue
        return Reply([Text("Sorry — two messages crossed. Could you send that again?", Tone.WARNING)], True)

    async def _turn(
        self, key: ConversationKey, reporter: Reporter, action: UserAction, event: tuple[str, str] | None
    ) -> Reply:
        now = self.clock()
        async with self.unit_of_work() as uow:
            if event is not None and not await uow.events.record(event[0], event[1], now):
                return Reply([], True, duplicate=True)
            stored = await uow.conversations.get(str(key))
            envelope = self._live(stored, now)
            if envelope is None:
                if not self._starts(action):
                    return Reply(self._idle_greeting(), False)
                turn = self.engine.start(now)
                envelope = _Envelope(turn.state)
            else:
                turn = self.engine.advance(envelope.state, action, now)
                envelope.state = turn.state
            queued = await self._carry_out(uow, turn, envelope, reporter, now)
            status = _status(turn.state.phase)
            expires = self._keep_until(stored, status, now)
            await uow.conversations.save(
                str(key), envelope.to_json(), status, stored.version if stored else None, now, expires
            )
            await uow.commit()
        if queued:
            self.on_queued()
        messages = present(self.engine.flow, turn.outputs, envelope.reference)
        return Reply(messages, status is not ConversationStatus.FINISHED, envelope.reference, queued=queued)

    def _keep_until(
        self, stored: StoredConversation | None, status: ConversationStatus, now: datetime
    ) -> datetime | None:
        """A cancelled draft is kept for DRAFT_KEEP_DAYS from the cancel, not from the last look at it."""
        if status is not ConversationStatus.CANCELLED:
            return None
        if stored is not None and stored.status is ConversationStatus.CANCELLED and stored.expires_at:
            return stored.expires_at
        return now + timedelta(days=self.engine.draft_keep_days)

    def _live(self, stored: StoredConversation | None, now: datetime) -> _Envelope | None:
        if stored is None or stored.status is ConversationStatus.FINISHED:
            return None
        if stored.status is ConversationStatus.CANCELLED and stored.expires_at and stored.expires_at <= now:
            return None
        envelope = _Envelope.from_json(stored.state)
        if envelope.state.flow_id != self.engine.flow.id:
            return None
        return envelope

    def _starts(self, action: UserAction) -> bool:
        if isinstance(action, Command):
            return action.name is CommandName.START
        if isinstance(action, PickOptions):
            return action.token == IDLE_TOKEN and "report" in action.values
        if isinstance(action, TextAnswer):
            return action.text.strip().lower().lstrip("/") in self.engine.flow.entry_words
        return False

    def _idle_greeting(self) -> list[Message]:
        flow = self.engine.flow
        return [
            Question(IDLE_TOKEN, "idle", flow.text("idle"), (Choice("report", flow.text("idle_button")),))
        ]

    async def _carry_out(
        self, uow: UnitOfWork, turn: Turn, envelope: _Envelope, reporter: Reporter, now: datetime
    ) -> int:
        queued = 0
        for effect in turn.effects:
            if isinstance(effect, SubmitReport):
                report = await self._save_report(uow, effect, envelope.reference, reporter, now)
                envelope.reference = report.reference
                queued += await self._queue_deliveries(uow, report, effect.is_update, now)
        if turn.state.phase is Phase.ASKING and turn.state.times_sent == 0:
            envelope.reference = None  # a restart or a fresh draft has no report yet
        return queued

    async def _save_report(
        self, uow: UnitOfWork, effect: SubmitReport, reference: str | None, reporter: Reporter, now: datetime
    ) -> Report:
        region = self.engine.phone_region
        previous = (
            await uow.reports.get(reference, for_update=True) if reference and effect.is_update else None
        )
        if previous is not None:
            report = build_report(effect.answers, reporter, previous.reference, now, region, previous)
            await uow.reports.update(report)
            await self._audit(uow, reporter, "report.updated", report, now)
            log.info(
                "report %s updated to revision %d (severity %s)",
                report.reference,
                report.revision,
                report.severity,
            )
            return report
        for _ in range(_REFERENCE_DRAWS):
            report = build_report(effect.answers, reporter, new_reference(), now, region)
            try:
                await uow.reports.add(report)
            except DuplicateReference:
                continue
            await self._audit(uow, reporter, "report.submitted", report, now)
            log.info("report %s submitted (severity %s)", report.reference, report.severity)
            return report
        raise RuntimeError("could not draw an unused report reference")

    async def _queue_deliveries(self, uow: UnitOfWork, report: Report, is_update: bool, now: datetime) -> int:
        event = "report.updated" if is_update else "report.submitted"
        payload = report.model_dump(mode="json")
        for destination in self.destinations:
            await uow.outbox.add(
                OutboxEntry(
                    report_reference=report.reference,
                    destination=destination,
                    event=event,
                    payload=payload,
                    idempotency_key=f"{report.reference}.r{report.revision}.{destination}",
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        return len(self.destinations)

    async def _audit(
        self, uow: UnitOfWork, reporter: Reporter, action: str, report: Report, now: datetime
    ) -> None:
        await uow.audit.add(
            AuditEvent(
                at=now,
                actor=f"{reporter.platform}:{reporter.user_id}",
                platform=reporter.platform,
                action=action,
                report_reference=report.reference,
                detail={"revision": report.revision, "severity": report.severity.value},
            )
        )

    async def _feedback_for(self, reporter: Reporter) -> list[Message]:
        """Closing messages from the security team that this reporter hasn't seen yet."""
        now = self.clock()
        messages: list[Message] = []
        async with self.unit_of_work() as uow:
            for listed in await uow.reports.list_for_reporter(reporter.platform, reporter.user_id):
                if listed.status is not Status.CLOSED or listed.feedback_seen_at is not None:
                    continue
                report = await uow.reports.get(listed.reference, for_update=True)
                if report is None or not report.closing_message or report.feedback_seen_at is not None:
                    continue
                text = f"A message from the security team about {report.reference}:\n{report.closing_message}"
                messages.append(Text(text))
                await uow.reports.update(report.model_copy(update={"feedback_seen_at": now}))
            await uow.commit()
        return messages


def _status(phase: Phase) -> ConversationStatus:
    if phase is Phase.FINISHED:
        return ConversationStatus.FINISHED
    if phase is Phase.CANCELLED:
        return ConversationStatus.CANCELLED
    return ConversationStatus.ACTIVE
