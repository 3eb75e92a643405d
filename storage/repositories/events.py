"""Platform event ids already handled, so a redelivered webhook is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedEventRow
from storage.repositories._sql import NO_SYNC, insert_unless_exists, rowcount


class SqlProcessedEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, source: str, event_id: str, now: datetime) -> bool:
        values = {"source": source, "event_id": event_id, "processed_at": now}
        return await insert_unless_exists(self._session, ProcessedEventRow, values, ["source", "event_id"])

    async def prune(self, before: datetime) -> int:
        result = await self._session.execute(
            delete(ProcessedEventRow)
            .where(ProcessedEventRow.processed_at < before)
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)
