"""What the core needs from storage, as protocols.

storage/ implements these with SQLAlchemy; tests use the real implementation on
SQLite and PostgreSQL rather than fakes, so the protocols stay small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self

from bot.report import Report, Status


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

    async def requeue(self, entry_id: int, now: datetime) -> bool:
        """Put a dead (or pending) entry back in the queue, due now, attempts reset."""
        ...


class ProcessedEventRepository(Protocol):
    async def record(self, source: str, event_id: str, now: datetime) -> bool:
        """True the first time (source, event_id) is seen, False for a repeat."""
        ...


class AuditRepository(Protocol):
    async def add(self, event: AuditEvent) -> None: ...

    async def for_report(self, reference: str) -> Sequence[AuditEvent]: ...


class UnitOfWork(Protocol):
    """One transaction. `async with uow:` opens it; leaving without commit() rolls back."""

    conversations: ConversationRepository
    reports: ReportRepository
    outbox: OutboxRepository
    events: ProcessedEventRepository
    audit: AuditRepository

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
    def __call__(self) -> UnitOfWork: ...
