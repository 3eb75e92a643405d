"""Where a chat platform can reach someone first (bot.ports.ChatAddressRepository)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatAddressRow
from storage.repositories._sql import FRESH, upsert


class SqlChatAddressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, platform: str, key: str) -> dict[str, Any] | None:
        row = await self._session.scalar(
            select(ChatAddressRow)
            .where(and_(ChatAddressRow.platform == platform, ChatAddressRow.address_key == key))
            .execution_options(**FRESH)
        )
        return None if row is None else dict(row.address)

    async def put(self, platform: str, key: str, address: dict[str, Any], now: datetime) -> None:
        values = {"platform": platform, "address_key": key, "address": address, "updated_at": now}
        await upsert(self._session, ChatAddressRow, values, ["platform", "address_key"])
