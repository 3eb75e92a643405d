"""One writer at a time per SQLite database, in this process, in arrival order.

SQLite has one write lock. Left to its busy handler (poll, sleep, poll again), a unit of work
waiting for it can lose every time to the conversation store's back-to-back group commits and
fail with "database is locked". Waiting here instead is first come, first served, and leaves
the busy handler only the other processes to wait for.
"""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

_GATES: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def write_gate(engine: AsyncEngine) -> asyncio.Lock | None:
    """The gate for `engine`'s SQLite database; None on PostgreSQL, which queues writers itself."""
    if engine.dialect.name != "sqlite":
        return None
    return _GATES.setdefault(engine.sync_engine, asyncio.Lock())
