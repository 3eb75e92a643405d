"""Conversation state, saved with optimistic locking."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import ConcurrencyConflict, ConversationStatus, StoredConversation
from storage.models import ConversationRow
from storage.protection.fields import CONVERSATION_STATE
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount


class SqlConversationRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def get(self, key: str) -> StoredConversation | None:
        row = await self._session.scalar(
            select(ConversationRow).where(ConversationRow.key == key).execution_options(**FRESH)
        )
        if row is None:
            return None
        return StoredConversation(
            key=row.key,
            state=self._sealer.open_json(row.state, CONVERSATION_STATE, row.key),
            status=ConversationStatus(row.status),
            version=row.version,
            updated_at=row.updated_at,
            expires_at=row.expires_at,
        )

    async def save(
        self,
        key: str,
        state: dict[str, Any],
        status: ConversationStatus,
        expected_version: int | None,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> int:
        if expected_version is None:
            values = {
                "key": key,
                "status": status.value,
                "state": self._sealer.seal_json(state, CONVERSATION_STATE, key),
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "expires_at": expires_at,
            }
            if not await insert_unless_exists(self._session, ConversationRow, values, ["key"]):
                raise ConcurrencyConflict("the conversation was started elsewhere meanwhile")
            return 1
        new_version = expected_version + 1
        result = await self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.key == key, ConversationRow.version == expected_version)
            .values(
                status=status.value,
                state=self._sealer.seal_json(state, CONVERSATION_STATE, key),
                version=new_version,
                updated_at=now,
                expires_at=expires_at,
            )
            .execution_options(**NO_SYNC)
        )
        if rowcount(result) != 1:
            raise ConcurrencyConflict(f"the conversation is no longer at version {expected_version}")
        return new_version

    async def delete_expired(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(ConversationRow)
            .where(
                ConversationRow.status == ConversationStatus.CANCELLED.value,
                ConversationRow.expires_at.is_not(None),
                ConversationRow.expires_at <= now,
            )
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)
