"""What the database holds, read as raw text around every layer of Tipline."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine


async def raw_rows(engine: AsyncEngine) -> str:
    """Every row of every table, as the database's own text of it, in a stable order.

    PostgreSQL returns rows in no promised order (an update that writes the same value
    moves the row), so the rows are sorted: the comparison is of content, not layout."""
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        seen = []
        for table in sorted(tables):
            if conn.dialect.name == "postgresql":
                query = f'SELECT t::text FROM "{table}" AS t'
            else:
                query = f'SELECT * FROM "{table}"'
            rows = (await conn.execute(text(query))).all()
            seen += sorted(f"{table}: {tuple(row)}" for row in rows)
    return "\n".join(seen)
