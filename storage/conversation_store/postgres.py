"""The conversation store on PostgreSQL: a load is one statement and a save is one statement,
each its own transaction (autocommit), so a turn is two round trips to the server.

The save's statement writes the conversation only if its version still matches and the event
is not yet recorded, and records the event only if the conversation was written: the two go
in or stay out together, as they did in one unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import ConcurrencyConflict, ConversationStatus, LoadedConversation, StoredConversation
from storage.models import ConversationRow
from storage.protection.fields import CONVERSATION_STATE
from storage.protection.sealing import Sealer

_COLUMNS = ConversationRow.__table__.c
_TYPES = {
    "state": _COLUMNS.state.type,
    "now": _COLUMNS.updated_at.type,
    "expires_at": _COLUMNS.expires_at.type,
}


def _typed(sql: str) -> TextClause:
    clause = text(sql)
    return clause.bindparams(
        *(bindparam(name, type_=kind) for name, kind in _TYPES.items() if f":{name}" in sql)
    )


_LOAD = text(
    "SELECT c.status, c.state, c.version, c.updated_at, c.expires_at,"
    " EXISTS (SELECT 1 FROM processed_events WHERE source = :source AND event_id = :event_id)"
    " FROM (SELECT 1) AS one LEFT JOIN conversations AS c ON c.key = :key"
).columns(_COLUMNS.status, _COLUMNS.state, _COLUMNS.version, _COLUMNS.updated_at, _COLUMNS.expires_at)

_NOT_SEEN = " NOT EXISTS (SELECT 1 FROM processed_events WHERE source = :source AND event_id = :event_id)"
_INSERT = (
    "INSERT INTO conversations (key, status, state, version, created_at, updated_at, expires_at)"
    " SELECT CAST(:key AS VARCHAR), CAST(:status AS VARCHAR), CAST(:state AS JSONB), 1,"
    " CAST(:now AS TIMESTAMP WITH TIME ZONE), CAST(:now AS TIMESTAMP WITH TIME ZONE),"
    " CAST(:expires_at AS TIMESTAMP WITH TIME ZONE){where}"
    " ON CONFLICT DO NOTHING RETURNING version"
)
_UPDATE = (
    "UPDATE conversations SET status = :status, state = :state, version = :version,"
    " updated_at = :now, expires_at = :expires_at"
    " WHERE key = :key AND version = :expected{also} RETURNING version"
)
_RECORD = (
    "WITH saved AS ({write}), recorded AS ("
    "INSERT INTO processed_events (source, event_id, processed_at)"
    " SELECT CAST(:source AS VARCHAR), CAST(:event_id AS VARCHAR), CAST(:now AS TIMESTAMP WITH TIME ZONE)"
    " FROM saved ON CONFLICT DO NOTHING RETURNING 1)"
    " SELECT version FROM saved"
)
_SAVE = {
    # (new conversation?, with an event?) -> the one statement
    (True, False): _typed(_INSERT.format(where="")),
    (False, False): _typed(_UPDATE.format(also="")),
    (True, True): _typed(_RECORD.format(write=_INSERT.format(where=" WHERE" + _NOT_SEEN))),
    (False, True): _typed(_RECORD.format(write=_UPDATE.format(also=" AND" + _NOT_SEEN))),
}


class PostgresConversationStore:
    def __init__(self, engine: AsyncEngine, sealer: Sealer) -> None:
        self._sealer = sealer  # the state is sealed here, as the unit of work's repository seals it
        # Shares the engine's pool; each statement commits on its own.
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.hand_offs = 0

    async def load(self, key: str, event: tuple[str, str] | None) -> LoadedConversation:
        source, event_id = event if event is not None else ("", "")
        self.hand_offs += 1
        async with self._engine.connect() as conn:
            row = (await conn.execute(_LOAD, {"key": key, "source": source, "event_id": event_id})).one()
        if row[2] is None:
            return LoadedConversation(None, bool(row[5]))
        stored = StoredConversation(
            key=key,
            state=self._sealer.open_json(row[1], CONVERSATION_STATE, key),
            status=ConversationStatus(row[0]),
            version=row[2],
            updated_at=row[3],
            expires_at=row[4],
        )
        return LoadedConversation(stored, bool(row[5]))

    async def save(
        self,
        key: str,
        state: dict[str, Any],
        status: ConversationStatus,
        expected_version: int | None,
        now: datetime,
        expires_at: datetime | None,
        event: tuple[str, str] | None,
    ) -> int:
        values: dict[str, Any] = {
            "key": key,
            "status": status.value,
            "state": self._sealer.seal_json(state, CONVERSATION_STATE, key),
            "now": now,
            "expires_at": expires_at,
        }
        if expected_version is not None:
            values |= {"version": expected_version + 1, "expected": expected_version}
        if event is not None:
            values |= {"source": event[0], "event_id": event[1]}
        statement = _SAVE[(expected_version is None, event is not None)]
        self.hand_offs += 1
        async with self._engine.connect() as conn:
            version = (await conn.execute(statement, values)).scalar()
        if version is None:
            raise ConcurrencyConflict("the conversation was saved, or the event handled, meanwhile")
        return int(version)

    async def close(self) -> None:
        """Nothing of its own to close: the engine is the app's."""
