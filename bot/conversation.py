"""A conversation as the service keeps it: whose it is, what it holds, what a turn returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Message, Question, TextQuestion
from bot.ports import ConversationStatus, ConversationStore, StoredConversation, UnitOfWork
from bot.reporter_desk import Awaiting
from flows.state import ConversationState, Phase


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
    in_progress: bool  # False once nothing is waiting for the user's next message
    reference: str | None = None
    duplicate: bool = False  # the same inbound event was already handled
    queued: int = 0  # deliveries queued for the security inbox this turn
    unsent_detail: bool = False  # detail added after the report was sent, not sent yet
    moved_on: bool = False  # the click answered a question that had moved on: nothing was used

    def asks_again(self, token: str) -> bool:
        """The question `token` names is asked again, with the problem: the answer couldn't be
        used, so its buttons or form stay for the reporter to correct."""
        return any(
            isinstance(m, (Question, TextQuestion)) and m.token == token and m.problem for m in self.messages
        )


@dataclass
class Envelope:
    """What the conversations table holds for one key."""

    state: ConversationState | None = None  # the reporting flow, when one is under way
    reference: str | None = None  # the report that flow made
    awaiting: Awaiting | None = None  # the next message answers the security team
    files: list[dict[str, Any]] = field(default_factory=list)  # evidence waiting for the report
    alerted: list[int] = field(default_factory=list)  # watchlist entries the reporter was told of
    checking: bool = False  # the red-flag questions of "check this contact" are awaited

    def to_json(self) -> dict[str, Any]:
        return {
            "flow": self.state.to_json() if self.state else None,
            "report_reference": self.reference,
            "awaiting": self.awaiting.to_json() if self.awaiting else None,
            "files": self.files,
            "alerted": self.alerted,
            "checking": self.checking,
        }

    @property
    def flow_running(self) -> bool:
        return self.state is not None and self.state.phase is not Phase.FINISHED

    def reply(self, messages: list[Message], queued: int = 0, *, moved_on: bool = False) -> Reply:
        """The turn's reply, with what the conversation's state says about it."""
        waiting = self.flow_running or self.awaiting is not None or self.checking
        # Sent, and being added to since: not while the "add more detail?" offer is all there is.
        unsent = (
            self.state is not None
            and self.state.times_sent > 0
            and self.flow_running
            and self.state.phase is not Phase.SENT
        )
        return Reply(
            messages, waiting, self.reference, queued=queued, unsent_detail=unsent, moved_on=moved_on
        )


def load_envelope(stored: StoredConversation | None, now: datetime, flow_id: str) -> Envelope:
    """The envelope as stored; a cancelled draft past its keep-until date, or one from another
    flow, no longer counts as a draft."""
    if stored is None:
        return Envelope()
    data = stored.state
    envelope = Envelope(
        state=ConversationState.from_json(data["flow"]) if data.get("flow") else None,
        reference=data.get("report_reference"),
        awaiting=Awaiting.from_json(data.get("awaiting")),
        files=list(data.get("files") or []),
        alerted=[int(i) for i in data.get("alerted") or []],
        checking=bool(data.get("checking")),
    )
    expired = (
        stored.status is ConversationStatus.CANCELLED
        and stored.expires_at is not None
        and stored.expires_at <= now
    )
    if expired or (envelope.state is not None and envelope.state.flow_id != flow_id):
        envelope.state = None
    return envelope


async def save_envelope(
    uow: UnitOfWork,
    key: ConversationKey,
    envelope: Envelope,
    stored: StoredConversation | None,
    now: datetime,
    draft_keep_days: int,
) -> None:
    """Optimistic: raises ConcurrencyConflict if someone saved this conversation since `stored`."""
    status = _status(envelope)
    await uow.conversations.save(
        str(key),
        envelope.to_json(),
        status,
        stored.version if stored else None,
        now,
        _keep_until(stored, status, now, draft_keep_days),
    )


async def store_envelope(
    store: ConversationStore,
    key: ConversationKey,
    envelope: Envelope,
    stored: StoredConversation | None,
    now: datetime,
    draft_keep_days: int,
    event: tuple[str, str] | None,
) -> None:
    """save_envelope through the conversation store, with the event recorded in the same commit."""
    status = _status(envelope)
    await store.save(
        str(key),
        envelope.to_json(),
        status,
        stored.version if stored else None,
        now,
        _keep_until(stored, status, now, draft_keep_days),
        event,
    )


def _status(envelope: Envelope) -> ConversationStatus:
    if envelope.state is not None and envelope.state.phase is Phase.CANCELLED:
        return ConversationStatus.CANCELLED
    if envelope.flow_running or envelope.awaiting is not None:
        return ConversationStatus.ACTIVE
    return ConversationStatus.FINISHED


def _keep_until(
    stored: StoredConversation | None, status: ConversationStatus, now: datetime, draft_keep_days: int
) -> datetime | None:
    """A cancelled draft is kept for DRAFT_KEEP_DAYS from the cancel, not from the last look at it."""
    if status is not ConversationStatus.CANCELLED:
        return None
    if stored is not None and stored.status is ConversationStatus.CANCELLED and stored.expires_at:
        return stored.expires_at
    return now + timedelta(days=draft_keep_days)
