"""What the database holds, read as raw text around every layer of Tipline."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine


async def raw_rows(engine: AsyncEngine) -> str:
    """Every row of every table, as the database's own text of it."""
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        seen = []
        for table in tables:
            if conn.dialect.name == "postgresql":
                query = f'SELECT t::text FROM "{table}" AS t'
            else:
                query = f'SELECT * FROM "{table}"'
            seen += [str(tuple(row)) for row in (await conn.execute(text(query))).all()]
    return "\n".join(seen)
