"""Indicator indexes in plain normal forms (the watchlist's before encryption, the reports' as
migration 0006 backfills them) replaced by their blind index, at start-up, in batches.

An index holds only values derived from what the reports and alerts already hold, so rewriting
it loses nothing: it is what the repositories would have written with the key.
"""

from __future__ import annotations

from sqlalchemy import Table, not_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import metadata
from storage.protection.sealing import INDEX_MARKER, Sealer

BATCH = 500
# table, indexed column, whether a plain value is bot.normalise.plain_index_key's "kind:value"
_INDEXES = (("watchlist_indicators", "value", False), ("report_indicators", "key", True))


async def blind_plain_indexes(engine: AsyncEngine, sealer: Sealer, batch: int = BATCH) -> int:
    """How many index entries were still plain (and now are keyed)."""
    done = 0
    for table, column, prefixed in _INDEXES:
        done += await _blind(engine, sealer, metadata.tables[table], column, prefixed, batch)
    return done


async def _blind(
    engine: AsyncEngine, sealer: Sealer, table: Table, name: str, prefixed: bool, batch: int
) -> int:
    row_id, kind, column = table.c.id, table.c.kind, table.c[name]
    plain = not_(column.startswith(INDEX_MARKER, autoescape=True))
    query = select(row_id, kind, column).where(plain).order_by(row_id).limit(batch)
    done = 0
    while True:
        async with engine.begin() as conn:
            rows = (await conn.execute(query)).all()
            if not rows:
                return done
            for entry_id, entry_kind, value in rows:
                if prefixed and value.startswith(f"{entry_kind}:"):
                    value = value[len(entry_kind) + 1 :]
                keyed = sealer.index_key(entry_kind, value)
                await conn.execute(update(table).where(row_id == entry_id).values({name: keyed}))
                done += 1
