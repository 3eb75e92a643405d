"""The outbox: deliveries queued in the same transaction as the report they carry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import OutboxEntry, OutboxStatus
from storage.models import OutboxRow
from storage.protection.fields import OUTBOX_PAYLOAD
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount

MAX_ERROR_LENGTH = 200


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxRow.status == OutboxStatus.PENDING.value,
        OutboxRow.next_attempt_at <= now,
        or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
    )


def _entry(row: OutboxRow, sealer: Sealer) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        report_reference=row.report_reference,
        destination=row.destination,
        event=row.event,
        payload=sealer.open_json(row.payload, OUTBOX_PAYLOAD, row.idempotency_key),
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def add(self, entry: OutboxEntry) -> None:
        values = {
            "report_reference": entry.report_reference,
            "destination": entry.destination,
            "event": entry.event,
            "payload": self._sealer.seal_json(entry.payload, OUTBOX_PAYLOAD, entry.idempotency_key),
            "idempotency_key": entry.idempotency_key,
            "status": entry.status.value,
            "attempts": entry.attempts,
            "next_attempt_at": entry.next_attempt_at,
            "last_error": entry.last_error,
            "created_at": entry.created_at,
            "delivered_at": entry.delivered_at,
        }
        await insert_unless_exists(self._session, OutboxRow, values, ["idempotency_key"])

    async def claim_due(
        self, now: datetime, owner: str, lease_until: datetime, limit: int
    ) -> list[OutboxEntry]:
        # SKIP LOCKED (PostgreSQL; SQLite ignores it and locks the whole file) stops workers
        # queueing behind each other. The conditional UPDATE is what makes a claim exclusive:
        # a row another worker leased since our SELECT no longer matches, rowcount 0.
        candidates = await self._session.scalars(
            select(OutboxRow.id)
            .where(_claimable(now))
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[int] = []
        for entry_id in candidates.all():
            result = await self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == entry_id, _claimable(now))
                .values(lease_owner=owner, lease_until=lease_until)
                .execution_options(**NO_SYNC)
            )
            if rowcount(result) == 1:
                claimed.append(entry_id)
        if not claimed:
            return []
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.id.in_(claimed))
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .execution_options(**FRESH)
        )
        return [_entry(row, self._sealer) for row in rows]

    async def mark_delivered(self, entry_id: int, now: datetime) -> None:
        await self._set(OutboxRow.id == entry_id, status=OutboxStatus.DELIVERED.value, delivered_at=now)

    async def mark_failed(
        self, entry_id: int, attempts: int, error: str, next_attempt_at: datetime, dead: bool
    ) -> None:
        status = OutboxStatus.DEAD if dead else OutboxStatus.PENDING
        # Only a pending entry can fail: if another worker delivered it after our lease ran
        # out, its success stands.
        await self._set(
            and_(OutboxRow.id == entry_id, OutboxRow.status == OutboxStatus.PENDING.value),
            status=status.value,
            attempts=attempts,
            last_error=error[:MAX_ERROR_LENGTH],
            next_attempt_at=next_attempt_at,
        )

    async def list(self, status: OutboxStatus | None = None) -> Sequence[OutboxEntry]:
        stmt = select(OutboxRow).order_by(OutboxRow.id).execution_options(**FRESH)
        if status is not None:
            stmt = stmt.where(OutboxRow.status == status.value)
        return [_entry(row, self._sealer) for row in await self._session.scalars(stmt)]

    async def get(self, entry_id: int) -> OutboxEntry | None:
        row = await self._session.scalar(
            select(OutboxRow).where(OutboxRow.id == entry_id).execution_options(**FRESH)
        )
        return None if row is None else _entry(row, self._sealer)

    async def renew_lease(self, entry_id: int, owner: str, lease_until: datetime) -> bool:
        result = await self._session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == entry_id,
                OutboxRow.status == OutboxStatus.PENDING.value,
                OutboxRow.lease_owner == owner,
            )
            .values(lease_until=lease_until)
            .execution_options(**NO_SYNC)
        )
        return rowcount(result) == 1

    async def release_lease(self, entry_id: int, owner: str) -> bool:
        changed = await self._set(
            and_(
                OutboxRow.id == entry_id,
                OutboxRow.status == OutboxStatus.PENDING.value,
                OutboxRow.lease_owner == owner,
            )
        )
        return changed == 1

    async def requeue(self, entry_id: int, now: datetime, *, force: bool = False) -> bool:
        # Never a delivered entry, nor (unless forced) a pending one a worker is delivering right
        # now: resetting its lease lets a second worker deliver it in parallel, which the
        # destination's idempotency key makes harmless but not free.
        pending = OutboxRow.status == OutboxStatus.PENDING.value
        if not force:
            pending = and_(pending, or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now))
        changed = await self._set(
            and_(
                OutboxRow.id == entry_id,
                or_(OutboxRow.status == OutboxStatus.DEAD.value, pending),
            ),
            status=OutboxStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            last_error=None,
        )
        return changed == 1

    async def _set(self, condition: ColumnElement[bool], **values: Any) -> int:
        """UPDATE the matching rows, always releasing the lease; returns how many changed."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(condition)
            .values(lease_owner=None, lease_until=None, **values)
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)
