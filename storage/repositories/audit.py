"""The audit trail: one writer, which appends every entry to the hash chain (bot.audit.chain).

Entries added in a unit of work are held until it commits, then appended in one short step:
the chain head row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
already holds the database's write lock), the entries take the next sequences and hashes,
and the head moves on. The head lock is taken last in every transaction and held only until
the commit that follows, so writers on several replicas form one gapless chain without ever
deadlocking against the report rows they lock earlier.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit.chain import ChainedEntry, ChainHead, at_of, entry_hash
from bot.ports import AuditEvent
from storage.models import AuditChainRow, AuditEventRow
from storage.protection.fields import AUDIT_DETAIL, audit_row
from storage.protection.sealing import Sealer, UnreadableValue
from storage.repositories._sql import FRESH, NO_SYNC

HEAD_ID = 1
UNREADABLE = "unreadable"
BATCH = 500


class SqlAuditRepository:
    """The detail is sealed as it is stored (storage.protection) and opened as it is read; the
    chain's hashes are over the plain entry, so sealing and re-sealing under a new key keep them."""

    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer
        self._pending: list[AuditEvent] = []

    def _event(self, row: AuditEventRow) -> AuditEvent:
        return AuditEvent(
            id=row.id,
            at=at_of(row.at),
            actor=row.actor,
            platform=row.platform,
            action=row.action,
            report_reference=row.report_reference,
            detail=self._detail(row),
        )

    def _detail(self, row: AuditEventRow) -> Any:
        try:
            return self._sealer.open_json(
                row.detail, AUDIT_DETAIL, audit_row(row.report_reference, row.action)
            )
        except UnreadableValue:
            # Bound to its entry's report and action: one edited in place no longer opens. Read
            # as this, its hash no longer matches, and `audit verify` names the entry as edited.
            return {UNREADABLE: "the stored detail does not open for this entry"}

    async def add(self, event: AuditEvent) -> None:
        self._pending.append(event)

    async def append_pending(self) -> None:
        """Chain what was added; the unit of work calls this just before it commits."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        head = (
            await self._session.execute(
                select(AuditChainRow.sequence, AuditChainRow.hash)
                .where(AuditChainRow.id == HEAD_ID)
                .with_for_update()
                .execution_options(**FRESH)
            )
        ).one()
        sequence, prev_hash = head.sequence, head.hash
        rows = []
        for event in pending:
            sequence += 1
            digest = entry_hash(prev_hash, sequence, event)
            rows.append(
                {
                    "at": event.at,
                    "actor": event.actor,
                    "platform": event.platform,
                    "action": event.action,
                    "report_reference": event.report_reference,
                    "detail": self._sealer.seal_json(
                        event.detail, AUDIT_DETAIL, audit_row(event.report_reference, event.action)
                    ),
                    "sequence": sequence,
                    "prev_hash": prev_hash,
                    "hash": digest,
                }
            )
            prev_hash = digest
        await self._session.execute(insert(AuditEventRow), rows)
        await self._session.execute(
            update(AuditChainRow)
            .where(AuditChainRow.id == HEAD_ID)
            .values(sequence=sequence, hash=prev_hash)
            .execution_options(**NO_SYNC)
        )

    async def for_report(self, reference: str) -> Sequence[AuditEvent]:
        await self.append_pending()
        rows = await self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.report_reference == reference)
            .order_by(AuditEventRow.at, AuditEventRow.sequence)
            .execution_options(**FRESH)
        )
        return [self._event(row) for row in rows]

    async def head(self) -> ChainHead:
        row = (
            await self._session.execute(
                select(AuditChainRow.sequence, AuditChainRow.hash).where(AuditChainRow.id == HEAD_ID)
            )
        ).one()
        return ChainHead(row.sequence, row.hash)

    async def chain(self) -> AsyncIterator[ChainedEntry]:
        """Every entry in sequence order, read in batches (a trail of millions fits in memory)."""
        after: tuple[int, int] | None = None
        while True:
            stmt = select(AuditEventRow).order_by(AuditEventRow.sequence, AuditEventRow.id).limit(BATCH)
            if after is not None:
                stmt = stmt.where(
                    (AuditEventRow.sequence > after[0])
                    | ((AuditEventRow.sequence == after[0]) & (AuditEventRow.id > after[1]))
                )
            rows = list(await self._session.scalars(stmt.execution_options(**FRESH)))
            for row in rows:
                yield ChainedEntry(row.id, row.sequence, self._event(row), row.prev_hash, row.hash)
            if len(rows) < BATCH:
                return
            after = (rows[-1].sequence, rows[-1].id)
