"""The watchlist's tables (bot.watchlist.ports.WatchlistRepository)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.watchlist.model import EntryContent, IndexedIndicator, WatchlistEntry
from storage.models import WatchlistCheckRow, WatchlistEntryRow, WatchlistIndicatorRow
from storage.protection.fields import WATCHLIST_CONTENT, WATCHLIST_SOURCE
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists


class SqlWatchlistRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def add(
        self,
        content: EntryContent,
        indicators: Sequence[IndexedIndicator],
        added_by: str,
        now: datetime,
    ) -> WatchlistEntry | None:
        fingerprint = content.fingerprint()
        values = {
            "fingerprint": fingerprint,
            "content": self._sealer.seal_json(
                content.model_dump(mode="json"), WATCHLIST_CONTENT, fingerprint
            ),
            # The entry's content holds the source too; this copy, sealed alike, is the column's.
            "source": self._sealer.seal_text(content.source, WATCHLIST_SOURCE, fingerprint),
            "active": True,
            "added_by": added_by,
            "added_at": now,
            "changed_at": now,
        }
        if not await insert_unless_exists(self._session, WatchlistEntryRow, values, ["fingerprint"]):
            return None
        entry_id = await self._session.scalar(
            select(WatchlistEntryRow.id).where(WatchlistEntryRow.fingerprint == fingerprint)
        )
        assert entry_id is not None
        self._session.add_all(
            WatchlistIndicatorRow(entry_id=entry_id, kind=i.kind.value, value=self._blind(i))
            for i in indicators
        )
        await self._session.flush()
        return WatchlistEntry(id=entry_id, content=content, added_by=added_by, added_at=now)

    def _blind(self, indicator: IndexedIndicator) -> str:
        return self._sealer.index_key(indicator.kind.value, indicator.key[:600])

    async def get(self, entry_id: int) -> WatchlistEntry | None:
        row = await self._session.scalar(
            select(WatchlistEntryRow).where(WatchlistEntryRow.id == entry_id).execution_options(**FRESH)
        )
        return None if row is None else _entry(row, self._sealer)

    async def list(self, include_retired: bool = False, after_id: int = 0) -> Sequence[WatchlistEntry]:
        query = (
            select(WatchlistEntryRow)
            .where(WatchlistEntryRow.id > after_id)
            .order_by(WatchlistEntryRow.id)
            .execution_options(**FRESH)
        )
        if not include_retired:
            query = query.where(WatchlistEntryRow.active.is_(True))
        return [_entry(row, self._sealer) for row in await self._session.scalars(query)]

    async def retire(self, entry_id: int, by: str, now: datetime) -> WatchlistEntry | None:
        await self._session.execute(
            update(WatchlistEntryRow)
            .where(and_(WatchlistEntryRow.id == entry_id, WatchlistEntryRow.active.is_(True)))
            .values(active=False, retired_by=by, retired_at=now, changed_at=now)
            .execution_options(**NO_SYNC)
        )
        return await self.get(entry_id)

    async def retired_ids(self) -> Sequence[int]:
        query = select(WatchlistEntryRow.id).where(WatchlistEntryRow.active.is_(False))
        return list(await self._session.scalars(query.execution_options(**FRESH)))

    async def revision(self) -> tuple[int, int, str]:
        row = (
            await self._session.execute(
                select(
                    func.count(WatchlistEntryRow.id),
                    func.count(WatchlistEntryRow.retired_at),
                    func.max(WatchlistEntryRow.changed_at),
                )
            )
        ).one()
        return int(row[0]), int(row[1]), str(row[2])

    async def sharing(self, indicators: Sequence[IndexedIndicator]) -> Sequence[int]:
        if not indicators:
            return []
        pairs = [(i.kind.value, self._blind(i)) for i in indicators]
        found = await self._session.scalars(
            select(WatchlistIndicatorRow.entry_id)
            .join(WatchlistEntryRow, WatchlistEntryRow.id == WatchlistIndicatorRow.entry_id)
            .where(
                and_(
                    WatchlistEntryRow.active.is_(True),
                    tuple_(WatchlistIndicatorRow.kind, WatchlistIndicatorRow.value).in_(pairs),
                )
            )
            .distinct()
            .order_by(WatchlistIndicatorRow.entry_id)
        )
        return list(found)

    async def record_check(self, checked_by: str, outcome: str, now: datetime) -> None:
        self._session.add(WatchlistCheckRow(checked_by=checked_by, outcome=outcome, at=now))
        await self._session.flush()

    async def checks_since(self, checked_by: str, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count(WatchlistCheckRow.id)).where(
                and_(WatchlistCheckRow.checked_by == checked_by, WatchlistCheckRow.at >= since)
            )
        )
        return int(count or 0)

    async def check_counts(self) -> dict[str, int]:
        rows = await self._session.execute(
            select(WatchlistCheckRow.outcome, func.count(WatchlistCheckRow.id)).group_by(
                WatchlistCheckRow.outcome
            )
        )
        return {outcome: int(count) for outcome, count in rows.all()}


def _entry(row: WatchlistEntryRow, sealer: Sealer) -> WatchlistEntry:
    return WatchlistEntry(
        id=row.id,
        content=EntryContent.model_validate(
            sealer.open_json(row.content, WATCHLIST_CONTENT, row.fingerprint)
        ),
        added_by=row.added_by,
        added_at=row.added_at,
        active=row.active,
        retired_by=row.retired_by,
        retired_at=row.retired_at,
    )
