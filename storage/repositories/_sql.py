"""Statements shared by the repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

# Repositories write with UPDATE/DELETE statements rather than by changing loaded
# objects, and read with this option so a row read twice in one session is never stale.
FRESH: dict[str, Any] = {"populate_existing": True}
NO_SYNC: dict[str, Any] = {"synchronize_session": False}
Rows = dict[str, Any] | Sequence[dict[str, Any]]  # one row's values, or many rows'
# Rows per multi-row INSERT: a few columns each stays under SQLite's oldest limit of 999 parameters.
_ROWS_PER_STATEMENT = 100


async def insert_unless_exists(
    session: AsyncSession, model: type[Base], values: dict[str, Any], unique_columns: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if the row was inserted.

    Unlike catching IntegrityError, a conflict here is not an error, so the surrounding
    transaction carries on (PostgreSQL aborts a transaction on any failed statement).
    """
    stmt = _insert(session, model, values).on_conflict_do_nothing(index_elements=unique_columns)
    return rowcount(await session.execute(stmt)) == 1


async def upsert(
    session: AsyncSession, model: type[Base], values: dict[str, Any], unique_columns: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE: the row as given, whether or not one was there."""
    changed = {name: value for name, value in values.items() if name not in unique_columns}
    stmt = _insert(session, model, values).on_conflict_do_update(index_elements=unique_columns, set_=changed)
    await session.execute(stmt)


async def upsert_many(
    session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]], unique_columns: Sequence[str]
) -> None:
    """`upsert` for many rows in as few statements as the parameter limits allow (one, mostly):
    each statement is a round trip, which on PostgreSQL costs more than the row. A row whose
    unique columns repeat an earlier one's replaces it (one statement may not touch a row twice)."""
    unique = {tuple(row[c] for c in unique_columns): row for row in rows}
    kept = list(unique.values())
    for start in range(0, len(kept), _ROWS_PER_STATEMENT):
        stmt = _insert(session, model, kept[start : start + _ROWS_PER_STATEMENT])
        changed = {name: stmt.excluded[name] for name in kept[0] if name not in unique_columns}
        await session.execute(stmt.on_conflict_do_update(index_elements=unique_columns, set_=changed))


def _insert(session: AsyncSession, model: type[Base], values: Rows) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).values(values)
    if dialect == "sqlite":
        return sqlite.insert(model).values(values)
    raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")  # pragma: no cover


def rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount
