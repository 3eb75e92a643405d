"""The database schema, as typed SQLAlchemy models.

Repositories use these tables with explicit statements and hand plain domain objects
(bot.ports, bot.report) back to the core, so no ORM object ever leaves storage/.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints make migrations deterministic: the same name on every database,
# so a later migration can drop or alter a constraint by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (binary, indexable); plain JSON text everywhere else.
Json = JSON().with_variant(JSONB(), "postgresql")

REFERENCE_LENGTH = 10  # "TIP-" + 6 characters


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in as aware UTC and always comes back as aware UTC.

    SQLite has no time zones and returns naive values; refusing naive input on the way
    in means a naive value read back can only ever have been UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: Json}


class ConversationRow(Base):
    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[Any] = mapped_column(Json)  # sealed (storage.protection)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "status", "expires_at"),)


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), unique=True)
    schema_version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    reporter_platform: Mapped[str] = mapped_column(String(50))
    reporter_user_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    document: Mapped[Any] = mapped_column(Json)  # sealed (storage.protection)

    __table_args__ = (Index(None, "reporter_platform", "reporter_user_id"),)


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), index=True)
    destination: Mapped[str] = mapped_column(String(50))
    event: Mapped[str] = mapped_column(String(50))
    payload: Mapped[Any] = mapped_column(Json)  # sealed (storage.protection)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "status", "next_attempt_at"),)


class ProcessedEventRow(Base):
    __tablename__ = "processed_events"

    source: Mapped[str] = mapped_column(String(50), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime]


class AuditEventRow(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(100))
    report_reference: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH), index=True)
    detail: Mapped[Any] = mapped_column(Json)  # sealed (storage.protection)
    # The chain (bot.audit.chain): 1, 2, 3... with no gaps, the previous entry's hash and this one's.
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainRow(Base):
    """The newest audit entry's sequence and hash: one row (id 1), which every writer locks
    before it appends, so concurrent writers on any number of replicas form one chain."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ReportMessageRow(Base):
    """A message on a report's thread (bot.ports.ReportMessage): notes, questions, answers..."""

    __tablename__ = "report_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_reference: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), ForeignKey("reports.reference", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)  # sealed (storage.protection)
    author: Mapped[str] = mapped_column(String(200))
    signed_by: Mapped[str | None] = mapped_column(String(200))
    in_reply_to: Mapped[int | None] = mapped_column(Integer, ForeignKey("report_messages.id"))
    delivered_to_reporter_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class DeadlineRow(Base):
    """One deadline per (report, kind) and the reminders already sent about it."""

    __tablename__ = "deadlines"

    report_reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    due_at: Mapped[datetime]
    warn_at: Mapped[datetime]
    warned_at: Mapped[datetime | None]
    missed_at: Mapped[datetime | None]
    met_at: Mapped[datetime | None]

    # The reminder queries filter on met_at IS NULL, then on a range of warn_at or due_at.
    __table_args__ = (Index(None, "met_at", "warn_at"), Index(None, "met_at", "due_at"))


class DestinationThreadRow(Base):
    """Where a report lives on a destination that threads (bot.ports.DestinationThread):
    the channel and the id of its first message there, e.g. a Slack card's ts."""

    __tablename__ = "destination_threads"

    destination: Mapped[str] = mapped_column(String(50), primary_key=True)
    report_reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), primary_key=True)
    channel: Mapped[str] = mapped_column(String(100))
    thread_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class ChatAddressRow(Base):
    """Where a platform can reach someone first (bot.ports.ChatAddressRepository), e.g. a Teams
    conversation reference for a reporter's personal chat or the security inbox channel."""

    __tablename__ = "chat_addresses"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    address_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    address: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime]


class WatchlistEntryRow(Base):
    """A watchlist entry (bot.watchlist.model): what an alert names, kept as given in `content`."""

    __tablename__ = "watchlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The normalised content's hash: importing the same alert twice adds nothing.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[Any] = mapped_column(Json)  # sealed (storage.protection)
    source: Mapped[str] = mapped_column(Text)  # sealed (storage.protection)
    active: Mapped[bool] = mapped_column(Boolean)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
    retired_by: Mapped[str | None] = mapped_column(String(200))
    retired_at: Mapped[datetime | None]
    changed_at: Mapped[datetime]


class WatchlistIndicatorRow(Base):
    """One normalised indicator of an entry, indexed: which entries name this profile, email...
    `value` is the indicator's blind index (storage.protection: a keyed hash), not the indicator."""

    __tablename__ = "watchlist_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("watchlist_entries.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(600))

    __table_args__ = (Index(None, "kind", "value"),)


class WatchlistCheckRow(Base):
    """A "check this contact" asked by a member of staff: counted, and rate-limited per person.
    Only the outcome is kept, never what was checked."""

    __tablename__ = "watchlist_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checked_by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]

    __table_args__ = (Index(None, "checked_by", "at"),)


class ReportIndicatorRow(Base):
    """One indicator of a report in its normal form, as the deployment's index key keeps it
    (bot.normalise.indicators): which reports name this profile, email, phone, name..."""

    __tablename__ = "report_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_reference: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), ForeignKey("reports.reference", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(600))

    __table_args__ = (Index(None, "key", "report_reference"),)


class CampaignRow(Base):
    """Reports about one persona or cover company (bot.campaigns). The title is kept only when
    the security team gave one; otherwise it is read from the reports each time."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(Text)  # sealed (storage.protection)
    # A member of the security team decided something about it: automatic linking may add
    # reports to it, never merge it with another or take a report out of it.
    decided: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CampaignMemberRow(Base):
    """Which campaign a report is in: one at most (the primary key says so)."""

    __tablename__ = "campaign_members"

    report_reference: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), ForeignKey("reports.reference", ondelete="CASCADE"), primary_key=True
    )
    campaign_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]


class CampaignLinkRow(Base):
    """Why two reports are about the same persona: the kinds of indicator they share and how
    strongly (never the values, which stay in the reports). `reference_a` sorts first."""

    __tablename__ = "campaign_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference_a: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), ForeignKey("reports.reference", ondelete="CASCADE")
    )
    reference_b: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), ForeignKey("reports.reference", ondelete="CASCADE"), index=True
    )
    strength: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    found_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("reference_a", "reference_b"),)


class ReportStubRow(Base):
    """What is left of a report purged after its retention period (bot.retention): enough to
    count it, never what anyone wrote or who reported it."""

    __tablename__ = "report_stubs"

    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), primary_key=True)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    purged_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(20))
    approach_kinds: Mapped[list[str]] = mapped_column(Json)
    channel: Mapped[str | None] = mapped_column(String(40))
    reported_from: Mapped[str] = mapped_column(String(50))
    acknowledged_at: Mapped[datetime | None]
    campaign_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the campaign may go


class ScheduledRunRow(Base):
    """When a scheduled job (the daily purge) is next due: the replica whose conditional update
    moves it on runs the job, so it runs once however many replicas there are or restarts come."""

    __tablename__ = "scheduled_runs"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]


class InstanceSecretRow(Base):
    """Random values this installation makes once, e.g. the key of the reporters' pseudonyms."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # sealed (storage.protection)


class DataProtectionRow(Base):
    """The key check and the sealed index key (storage.protection.vault)."""

    __tablename__ = "data_protection"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


metadata = Base.metadata
