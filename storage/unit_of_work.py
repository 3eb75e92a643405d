"""One transaction over all repositories (implements bot.ports.UnitOfWork)."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.campaigns.ports import CampaignRepository
from bot.normalise import DEFAULT_PHONE_REGION
from bot.ports import (
    AuditRepository,
    ChatAddressRepository,
    ConversationRepository,
    DeadlineRepository,
    DestinationThreadRepository,
    OutboxRepository,
    ProcessedEventRepository,
    ReportMessageRepository,
    ReportRepository,
)
from bot.retention.ports import RetentionRepository
from bot.statistics.ports import StatisticsReads
from bot.watchlist.ports import WatchlistRepository
from storage.protection.sealing import Sealer
from storage.repositories import (
    SqlAuditRepository,
    SqlCampaignRepository,
    SqlChatAddressRepository,
    SqlConversationRepository,
    SqlDeadlineRepository,
    SqlDestinationThreadRepository,
    SqlOutboxRepository,
    SqlProcessedEventRepository,
    SqlReportMessageRepository,
    SqlReportRepository,
    SqlRetentionRepository,
    SqlStatisticsReads,
    SqlWatchlistRepository,
)

GATE_TIMEOUT_S = 30.0  # as long as a pooled connection is waited for (SQLAlchemy pool_timeout)


class SqlUnitOfWork:
    # Typed as the protocols (not the Sql* classes) because bot.ports.UnitOfWork declares
    # them as plain attributes, which mypy compares invariantly.
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

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sealer: Sealer,
        gate: asyncio.Lock | None = None,
        region: str = DEFAULT_PHONE_REGION,
    ) -> None:
        self._sessions = sessions
        self._sealer = sealer  # what is typed is sealed on the way in, opened on the way out
        self._region = region
        self._session: AsyncSession | None = None
        self._gate = gate  # SQLite: writers in this process take turns (storage.write_gate)

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        if self._gate is not None:
            # Bounded like SQLite's own busy_timeout: a unit of work opened inside another
            # one's `async with` (never done) would otherwise wait forever.
            async with asyncio.timeout(GATE_TIMEOUT_S):
                await self._gate.acquire()
        session = self._sessions()
        self._session = session
        self.conversations = SqlConversationRepository(session, self._sealer)
        self.reports = SqlReportRepository(session, self._sealer, self._region)
        self.outbox = SqlOutboxRepository(session, self._sealer)
        self.events = SqlProcessedEventRepository(session)
        self._audit = SqlAuditRepository(session, self._sealer)
        self.audit = self._audit
        self.messages = SqlReportMessageRepository(session, self._sealer)
        self.deadlines = SqlDeadlineRepository(session)
        self.threads = SqlDestinationThreadRepository(session)
        self.addresses = SqlChatAddressRepository(session)
        self.watchlist = SqlWatchlistRepository(session, self._sealer)
        self.campaigns = SqlCampaignRepository(session, self._sealer)
        self.retention = SqlRetentionRepository(session, self._sealer)
        self.statistics = SqlStatisticsReads(session, self._sealer)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            # Anything not committed is abandoned; after commit() this is a no-op.
            await session.rollback()
        finally:
            try:
                await session.close()
            finally:
                if self._gate is not None:
                    self._gate.release()

    async def commit(self) -> None:
        session = self.session  # outside `async with`: RuntimeError
        # The audit entries join the chain last, so its head row is locked only until this commit.
        await self._audit.append_pending()
        await session.commit()

    async def rollback(self) -> None:
        self._audit = SqlAuditRepository(
            self.session, self._sealer
        )  # what was added is abandoned with the rest
        self.audit = self._audit
        await self.session.rollback()
