"""`python app.py keys rotate`: every sealed value, and every legacy plaintext row, sealed under the
ring's current key, in batches, each batch its own transaction.

Killed at any point, it is run again and goes on: a batch either committed (its rows are under
the current key, so they are not selected again) or did not (its rows are as they were). The
key check is re-sealed last, so until a rotation has finished the database still asks for the
old key at start-up: the old key cannot be dropped from the ring too early by mistake.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import metadata
from storage.protection.blind_index import blind_plain_indexes
from storage.protection.fields import SEALED_COLUMNS, TEXT_FIELDS, SealedColumn
from storage.protection.files import rotate_files
from storage.protection.sealing import Sealer, UnreadableValue
from storage.protection.vault import reseal_vault

BATCH = 200


@dataclass
class Rotation:
    sealed: dict[str, int] = field(default_factory=dict)  # field -> values re-sealed by this run
    unreadable: list[str] = field(default_factory=list)  # "table.column #id": left as they were
    hashed_indicators: int = 0

    @property
    def total(self) -> int:
        return sum(self.sealed.values())


async def rotate(
    engine: AsyncEngine,
    sealer: Sealer,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
    evidence_dirs: Sequence[Path] = (),
) -> Rotation:
    done = Rotation()
    for column in SEALED_COLUMNS:
        done.sealed[column.field] = await _rotate_column(engine, sealer, column, batch, done, progress)
    done.hashed_indicators = await blind_plain_indexes(engine, sealer, batch)
    for folder in dict.fromkeys(evidence_dirs):
        files, unreadable = await asyncio.to_thread(rotate_files, folder, sealer)
        done.sealed[f"evidence files in {folder}"] = files
        done.unreadable += unreadable
    if not done.unreadable:
        await reseal_vault(engine, sealer)
    return done


def _not_current(column: SealedColumn, sealer: Sealer) -> ColumnElement[bool]:
    stored = metadata.tables[column.table].c[column.column]
    # A sealed value is a JSON string in a JSON column (its text starts with a quote), plain
    # text in a text column.
    prefix = sealer.current_prefix if column.field in TEXT_FIELDS else '"' + sealer.current_prefix
    return func.substr(cast(stored, Text), 1, len(prefix)) != prefix


async def _rotate_column(
    engine: AsyncEngine,
    sealer: Sealer,
    column: SealedColumn,
    batch: int,
    done: Rotation,
    progress: Callable[[str, int], None] | None,
) -> int:
    table = metadata.tables[column.table]
    key, stored = table.c[column.primary_key], table.c[column.column]
    binding = [table.c[name] for name in column.binding]
    resealed, after = 0, None
    while True:
        async with engine.begin() as conn:
            query = (
                select(key, stored, *binding).where(_not_current(column, sealer)).order_by(key).limit(batch)
            )
            if after is not None:
                query = query.where(key > after)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()  # a writer meanwhile waits for this batch
            rows = (await conn.execute(query)).all()
            if not rows:
                return resealed
            for row in rows:
                row_key = "|".join("" if v is None else str(v) for v in row[2:])
                try:
                    fresh: Any = sealer.reseal(row[1], column.field, row_key)
                except (UnreadableValue, ValueError):
                    done.unreadable.append(f"{column.field} #{row[0]}")
                    continue
                await conn.execute(update(table).where(key == row[0]).values({column.column: fresh}))
                resealed += 1
            after = rows[-1][0]
        if progress is not None:
            progress(column.field, resealed)
