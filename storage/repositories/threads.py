"""Where each report lives on a destination that threads (bot.ports.DestinationThread)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import DestinationThread
from storage.models import DestinationThreadRow
from storage.repositories._sql import FRESH, insert_unless_exists


def _key(destination: str, reference: str) -> ColumnElement[bool]:
    return and_(
        DestinationThreadRow.destination == destination, DestinationThreadRow.report_reference == reference
    )


class SqlDestinationThreadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, destination: str, reference: str) -> DestinationThread | None:
        row = await self._session.scalar(
            select(DestinationThreadRow).where(_key(destination, reference)).execution_options(**FRESH)
        )
        return None if row is None else DestinationThread(row.channel, row.thread_id)

    async def put(
        self, destination: str, reference: str, channel: str, thread_id: str, now: datetime
    ) -> DestinationThread:
        values = {
            "destination": destination,
            "report_reference": reference,
            "channel": channel,
            "thread_id": thread_id,
            "created_at": now,
        }
        # ON CONFLICT DO NOTHING: of two replicas storing at once, the second waits for the
        # first to commit (PostgreSQL) or to release the write lock (SQLite), then finds its row.
        if await insert_unless_exists(
            self._session, DestinationThreadRow, values, ["destination", "report_reference"]
        ):
            return DestinationThread(channel, thread_id)
        stored = await self.get(destination, reference)
        assert stored is not None  # rows are never deleted
        return stored
