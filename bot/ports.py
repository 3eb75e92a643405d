"""What the core needs from storage, as protocols.

storage/ implements these with SQLAlchemy; tests use the real implementation on
SQLite and PostgreSQL rather than fakes, so the protocols stay small.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Self

from bot.campaigns.ports import CampaignRepository
from bot.normalise import Normalised
from bot.report import Report, Status
from bot.retention.ports import RetentionRepository
from bot.statistics.ports import StatisticsReads
from bot.watchlist.ports import WatchlistRepository

if TYPE_CHECKING:  # bot.audit.chain builds on AuditEvent below
    from bot.audit.chain import ChainedEntry, ChainHead


class ConcurrencyConflict(Exception):
    """Someone else saved this conversation since we loaded it (optimistic locking)."""


class DuplicateReference(Exception):
    """The random report reference is already taken; draw another."""


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"  # kept until expires_at so the reporter can change their mind
    FINISHED = "finished"


@dataclass(frozen=True)
class StoredConversation:
    key: str
    state: dict[str, Any]
    status: ConversationStatus
    version: int
    updated_at: datetime
    expires_at: datetime | None


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass
class OutboxEntry:
    """One delivery of one report event to one destination."""

    report_reference: str
    destination: str
    event: str  # "report.submitted", "report.updated", ...
    payload: dict[str, Any]
    idempotency_key: str  # unique; the destination uses it to refuse a second copy
    created_at: datetime
    next_attempt_at: datetime
    id: int | None = None
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor: str  # "cli:alice", "slack:U123", "system"
    platform: str
    action: str  # "report.submitted", "report.acknowledged", "triage.refused", ...
    report_reference: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


class MessageKind(StrEnum):
    """Messages on a report's thread, between the security team and the reporter."""

    NOTE = "note"  # internal to the security team; never shown to the reporter
    QUESTION = "question"  # security -> reporter
    ANSWER = "answer"  # reporter -> security, in reply to a question
    REPORTER_UPDATE = "reporter_update"  # reporter -> security: more information, unprompted
    ACKNOWLEDGEMENT = "acknowledgement"  # security -> reporter: "we have it"
    CLOSING = "closing"  # security -> reporter: the outcome message


TO_REPORTER = frozenset({MessageKind.QUESTION, MessageKind.ACKNOWLEDGEMENT, MessageKind.CLOSING})
FROM_REPORTER = frozenset({MessageKind.ANSWER, MessageKind.REPORTER_UPDATE})


@dataclass
class ReportMessage:
    report_reference: str
    kind: MessageKind
    body: str
    author: str  # actor id: "cli:alice", "slack:U123", "console:bob"
    created_at: datetime
    signed_by: str | None = None  # the analyst's name, only when they choose to sign
    in_reply_to: int | None = None  # an answer names its question
    delivered_to_reporter_at: datetime | None = None
    id: int | None = None


class DeadlineKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # the security team should acknowledge by then
    FEEDBACK = "feedback"  # the reporter should have heard an outcome by then
    # Not a report's: the weekly statistics digest's next time (bot.statistics.digest), keyed
    # by its day ("2026-12-07") where a report's deadlines have the report's reference.
    WEEKLY_DIGEST = "weekly_digest"


@dataclass
class Deadline:
    report_reference: str
    kind: DeadlineKind
    due_at: datetime
    warn_at: datetime  # "the deadline is near" reminder from this time
    warned_at: datetime | None = None
    missed_at: datetime | None = None  # when the "missed" reminder was sent
    met_at: datetime | None = None


class ConversationRepository(Protocol):
    async def get(self, key: str) -> StoredConversation | None: ...

    async def save(
        self,
        key: str,
        state: dict[str, Any],
        status: ConversationStatus,
        expected_version: int | None,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> int:
        """Insert (expected_version None) or update (expected_version = the loaded version).

        Returns the new version. Raises ConcurrencyConflict when the row changed or
        already exists.
        """
        ...

    async def delete_expired(self, now: datetime) -> int:
        """Forget cancelled drafts whose keep-until time has passed. Returns how many."""
        ...


class ReportRepository(Protocol):
    async def add(self, report: Report) -> None:
        """Raises DuplicateReference if the reference is taken."""
        ...

    async def update(self, report: Report) -> None: ...

    async def get(self, reference: str, for_update: bool = False) -> Report | None:
        """`for_update`: lock the report until the transaction ends, for a read-modify-write
        (two analysts, or an analyst and the reporter, acting at once must not lose a change)."""
        ...

    async def list(self, status: Status | None = None, limit: int | None = None) -> Sequence[Report]:
        """Newest first."""
        ...

    async def list_for_reporter(self, platform: str, user_id: str) -> Sequence[Report]: ...

    async def exists(self, references: Sequence[str]) -> set[str]:
        """Which of these references are taken."""
        ...

    async def get_many(self, references: Sequence[str]) -> Sequence[Report]:
        """These reports (those that exist), newest first."""
        ...

    async def indexed(
        self, probes: Sequence[Normalised], exclude: str | None = None, limit: int | None = None
    ) -> Mapping[str, set[str]]:
        """From the indicator index: the reports holding any of these normal forms, with the
        kinds each holds (bot.normalise.indicators)."""
        ...

    async def with_every(self, probes: Sequence[Normalised], limit: int) -> Sequence[str]:
        """From the indicator index: the reports holding every one of these normal forms."""
        ...

    async def holding_each(
        self, probes: Sequence[Normalised], at_most: int, exclude: str | None = None
    ) -> Mapping[Normalised, Sequence[str]]:
        """From the indicator index, for each of these normal forms: the reports holding it, up
        to one more than `at_most` (so that "more than that" shows), in one round trip."""
        ...


class OutboxRepository(Protocol):
    async def add(self, entry: OutboxEntry) -> None:
        """Queue a delivery; a second entry with the same idempotency key is ignored."""
        ...

    async def claim_due(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[OutboxEntry]:
        """Pending entries due at `now` that no live lease holds, leased to `owner`.

        Safe with several workers (replicas): an entry is claimed by one of them only.
        """
        ...

    async def mark_delivered(self, entry_id: int, now: datetime) -> None: ...

    async def mark_failed(
        self, entry_id: int, attempts: int, error: str, next_attempt_at: datetime, dead: bool
    ) -> None: ...

    async def list(self, status: OutboxStatus | None = None) -> Sequence[OutboxEntry]: ...

    async def get(self, entry_id: int) -> OutboxEntry | None: ...

    async def renew_lease(self, entry_id: int, owner: str, lease_until: datetime) -> bool:
        """Extend `owner`'s lease on a pending entry it is delivering; False if it no longer holds it."""
        ...

    async def release_lease(self, entry_id: int, owner: str) -> bool:
        """Give up `owner`'s lease without an outcome: the entry stays pending, as due as it was."""
        ...

    async def requeue(self, entry_id: int, now: datetime, *, force: bool = False) -> bool:
        """Put a dead (or pending) entry back in the queue, due now, attempts reset. A pending entry
        under a live lease only with `force` (its worker may have died: the lease is taken from it)."""
        ...


class ProcessedEventRepository(Protocol):
    async def record(self, source: str, event_id: str, now: datetime) -> bool:
        """True the first time (source, event_id) is seen, False for a repeat."""
        ...

    async def prune(self, before: datetime) -> int:
        """Forget events handled before `before` (platforms redeliver within minutes). Returns how many."""
        ...


class AuditRepository(Protocol):
    """Append-only: there is no update and no delete. Entries join the hash chain
    (bot.audit.chain) when the unit of work commits."""

    async def add(self, event: AuditEvent) -> None: ...

    async def for_report(self, reference: str) -> Sequence[AuditEvent]: ...

    async def head(self) -> ChainHead: ...

    async def newest_sequence(self) -> int: ...

    def chain(self, up_to: int | None = None, beyond: int | None = None) -> AsyncIterator[ChainedEntry]:
        """The entries in sequence order: all, those up to `up_to`, or those beyond `beyond`."""
        ...


class ReportMessageRepository(Protocol):
    async def add(self, message: ReportMessage) -> int:
        """Store a message; returns its id."""
        ...

    async def get(self, message_id: int) -> ReportMessage | None: ...

    async def for_report(self, reference: str) -> Sequence[ReportMessage]:
        """Oldest first."""
        ...

    async def waiting_for_reporter(self, platform: str, user_id: str) -> Sequence[ReportMessage]:
        """Messages to this reporter (TO_REPORTER kinds) not yet delivered to them, oldest first."""
        ...

    async def mark_delivered_to_reporter(self, message_id: int, now: datetime) -> bool:
        """Record delivery once; False if it was already recorded (another replica got there first)."""
        ...

    async def unanswered_questions(self, reference: str) -> Sequence[ReportMessage]:
        """Questions on this report that no ANSWER names yet, oldest first."""
        ...


class DeadlineRepository(Protocol):
    async def add(self, deadline: Deadline) -> None:
        """A second deadline of the same kind for the same report replaces the first's times
        and clears its reminders (used when a closed report is reopened)."""
        ...

    async def get(self, reference: str, kind: DeadlineKind) -> Deadline | None: ...

    async def needing_warning(self, now: datetime, limit: int) -> Sequence[Deadline]:
        """Not met, not yet warned, warn_at <= now < due_at."""
        ...

    async def needing_missed_notice(self, now: datetime, limit: int) -> Sequence[Deadline]:
        """Not met, no missed reminder yet, due_at <= now."""
        ...

    async def mark_warned(self, reference: str, kind: DeadlineKind, now: datetime) -> bool:
        """Conditional on warned_at being empty: True for exactly one caller, even across replicas."""
        ...

    async def mark_missed(self, reference: str, kind: DeadlineKind, now: datetime) -> bool:
        """Conditional on missed_at being empty: True for exactly one caller."""
        ...

    async def mark_met(self, reference: str, kind: DeadlineKind, now: datetime) -> None:
        """Met deadlines get no more reminders. No-op when already met or absent."""
        ...


class DestinationThread(NamedTuple):
    """Where a report lives on a destination that threads: a chat channel and the id of the
    report's first message there (a Slack message's ts), which later events hang under."""

    channel: str
    thread_id: str


class DestinationThreadRepository(Protocol):
    async def get(self, destination: str, reference: str) -> DestinationThread | None: ...

    async def put(
        self, destination: str, reference: str, channel: str, thread_id: str, now: datetime
    ) -> DestinationThread:
        """Store it unless one is already stored, and return the one that is stored: the
        caller's, or the one another replica stored first (so only one of two is kept)."""
        ...


class ChatAddressRepository(Protocol):
    """Where a chat platform can reach someone or something first, without a message from
    them to answer: a Teams conversation reference (the reporter's personal chat, the security
    inbox channel). The platform's adapter decides what the address holds."""

    async def get(self, platform: str, key: str) -> dict[str, Any] | None: ...

    async def put(self, platform: str, key: str, address: dict[str, Any], now: datetime) -> None:
        """Store it, replacing the one stored (the newest address is the one that works)."""
        ...


@dataclass(frozen=True)
class LoadedConversation:
    stored: StoredConversation | None
    event_seen: bool  # the inbound event was already handled: the turn is a redelivery


class ConversationStore(Protocol):
    """The hot path of an ordinary turn, beside the unit of work: one read, then one write
    that commits. A turn that needs more (a report, the security team's side) uses the UoW."""

    async def load(self, key: str, event: tuple[str, str] | None) -> LoadedConversation: ...

    async def save(
        self,
        key: str,
        state: dict[str, Any],
        status: ConversationStatus,
        expected_version: int | None,
        now: datetime,
        expires_at: datetime | None,
        event: tuple[str, str] | None,
    ) -> int:
        """Save the conversation and record the event, committed together before it returns.

        Returns the new version. Raises ConcurrencyConflict when the row changed since it was
        loaded, or the event was recorded meanwhile (the caller's retry then sees `event_seen`).
        """
        ...


class UnitOfWork(Protocol):
    """One transaction. `async with uow:` opens it; leaving without commit() rolls back."""

    conversations: ConversationRepository
    reports: ReportRepository
    outbox: OutboxRepository
    events: ProcessedEventRepository
    audit: AuditRepository
    messages: ReportMessageRepository
    deadlines: DeadlineRepository
    threads: DestinationThreadRepository
    addresses: ChatAddressRepository
    watchlist: WatchlistRepository
    campaigns: CampaignRepository
    retention: RetentionRepository
    statistics: StatisticsReads

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, readonly: bool = False) -> UnitOfWork:
        """`readonly`: a transaction that only reads (polls, listings): on SQLite it does not
        take the write lock up front, on PostgreSQL it is READ ONLY."""
        ...
