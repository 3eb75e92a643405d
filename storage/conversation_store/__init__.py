"""The hot path of a turn (bot.ports.ConversationStore), one hand-off per load and per save."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.conversation_store.postgres import PostgresConversationStore
from storage.conversation_store.sqlite import SqliteConversationStore
from storage.protection.sealing import Sealer
from storage.write_gate import write_gate

__all__ = [
    "PostgresConversationStore",
    "SqlConversationStore",
    "SqliteConversationStore",
    "conversation_store",
]

SqlConversationStore = SqliteConversationStore | PostgresConversationStore


def conversation_store(engine: AsyncEngine, sealer: Sealer) -> SqlConversationStore | None:
    """The store for `engine`'s database; None for an in-memory SQLite database, which only the
    engine's own connection can see (turns then go through the unit of work)."""
    if engine.dialect.name == "postgresql":
        return PostgresConversationStore(engine, sealer)
    database = engine.url.database or ""
    if (
        not database
        or database == ":memory:"
        or database.startswith("file:")
        or "mode=memory" in str(engine.url)
    ):
        return None
    return SqliteConversationStore(database, engine.dialect, sealer, write_gate(engine))
