"""Encryption at rest for what was still plain: the titles the security team gives campaigns,
the watchlist entry's `source` column, and the instance secrets (the reporters' pseudonym key).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

A sealed value is longer than what it seals, so the three columns widen to text. The values
already there are sealed here when the app runs the migration (it hands over its data keys,
config.attributes["data_keys"]); run from the alembic command line, without a key, they stay as
they are, readable, and `python app.py keys rotate` seals them. A downgrade opens them again
(it needs the key once anything is sealed) and narrows the columns back.

On SQLite a type change rebuilds the table (batch mode), and dropping the old table deletes the
rows that reference it ON DELETE CASCADE (foreign keys are on, and can't be turned off inside
the migration's transaction): those rows are copied aside first and put back after.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import context, op

from storage.protection.keys import KeyRing
from storage.protection.sealing import MARKER, Sealer

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class _Column(NamedTuple):  # a NamedTuple: alembic loads this module outside sys.modules
    table: str
    column: str
    plain_type: sa.types.TypeEngine[str]  # before this revision
    nullable: bool
    binding: str  # what the sealed value is bound to (storage.protection.fields)
    children: tuple[str, ...]  # tables referencing it ON DELETE CASCADE

    @property
    def field(self) -> str:
        return f"{self.table}.{self.column}"


_COLUMNS = (
    _Column("campaigns", "title", sa.String(200), True, "id", ("campaign_members",)),
    _Column("watchlist_entries", "source", sa.String(300), False, "fingerprint", ("watchlist_indicators",)),
    _Column("instance_secrets", "value", sa.String(200), False, "name", ()),
)


def _sealer() -> Sealer | None:
    ring = context.config.attributes.get("data_keys")
    return Sealer(ring, b"") if isinstance(ring, KeyRing) else None  # no index key needed here


def _retype(column: _Column, new_type: sa.types.TypeEngine[str], old_type: sa.types.TypeEngine[str]) -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # The table names are this module's constants, never input.
    for child in column.children if sqlite else ():
        bind.execute(sa.text(f"CREATE TEMPORARY TABLE _kept_{child} AS SELECT * FROM {child}"))  # noqa: S608
    with op.batch_alter_table(column.table) as batch:
        batch.alter_column(
            column.column, existing_type=old_type, type_=new_type, existing_nullable=column.nullable
        )
    for child in column.children if sqlite else ():
        bind.execute(sa.text(f"DELETE FROM {child}"))  # noqa: S608
        bind.execute(sa.text(f"INSERT INTO {child} SELECT * FROM _kept_{child}"))  # noqa: S608
        bind.execute(sa.text(f"DROP TABLE _kept_{child}"))


def _table(column: _Column) -> sa.TableClause:
    return sa.table(column.table, sa.column(column.binding), sa.column(column.column))


def _rows(column: _Column) -> list[tuple[object, str]]:
    table = _table(column)
    query = sa.select(table.c[column.binding], table.c[column.column]).where(
        table.c[column.column].is_not(None)
    )
    return [(key, str(value)) for key, value in op.get_bind().execute(query)]


def _put(column: _Column, key: object, value: str) -> None:
    table = _table(column)
    op.get_bind().execute(
        sa.update(table).where(table.c[column.binding] == key).values({column.column: value})
    )


def upgrade() -> None:
    sealer = _sealer()
    for column in _COLUMNS:
        _retype(column, sa.Text(), column.plain_type)
        if sealer is None:
            continue
        for key, value in _rows(column):
            if not value.startswith(MARKER):
                _put(column, key, sealer.seal_text(value, column.field, str(key)))


def downgrade() -> None:
    sealer = _sealer()
    for column in _COLUMNS:
        for key, value in _rows(column):
            if not value.startswith(MARKER):
                continue
            if sealer is None:
                raise RuntimeError(
                    f"{column.field} holds sealed values: downgrading past 0009 needs the data key "
                    "(config.attributes['data_keys']); nothing was changed"
                )
            _put(column, key, sealer.open_text(value, column.field, str(key)))
        _retype(column, column.plain_type, sa.Text())
