"""Deadlines on reports and the reminders sent about them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.ports import Deadline, DeadlineKind
from storage.models import DeadlineRow
from storage.repositories._sql import FRESH, NO_SYNC, rowcount

_TIMES = ("due_at", "warn_at", "warned_at", "missed_at", "met_at")


def _deadline(row: DeadlineRow) -> Deadline:
    return Deadline(
        report_reference=row.report_reference,
        kind=DeadlineKind(row.kind),
        due_at=row.due_at,
        warn_at=row.warn_at,
        warned_at=row.warned_at,
        missed_at=row.missed_at,
        met_at=row.met_at,
    )


def _key(reference: str, kind: DeadlineKind) -> ColumnElement[bool]:
    return and_(DeadlineRow.report_reference == reference, DeadlineRow.kind == kind.value)


class SqlDeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, deadline: Deadline) -> None:
        values = {
            "report_reference": deadline.report_reference,
            "kind": deadline.kind.value,
            **{name: getattr(deadline, name) for name in _TIMES},
        }
        dialect = self._session.get_bind().dialect.name
        if dialect == "postgresql":
            stmt: Any = postgresql.insert(DeadlineRow).values(values)
        elif dialect == "sqlite":
            stmt = sqlite.insert(DeadlineRow).values(values)
        else:  # pragma: no cover - normalise_database_url admits only these two
            raise NotImplementedError(f"no upsert for {dialect}")
        # An existing deadline takes every time from the new one, so its reminders are
        # cleared (a new Deadline has none) and get() returns exactly what was added.
        stmt = stmt.on_conflict_do_update(
            index_elements=["report_reference", "kind"],
            set_={name: getattr(stmt.excluded, name) for name in _TIMES},
        )
        await self._session.execute(stmt)

    async def get(self, reference: str, kind: DeadlineKind) -> Deadline | None:
        row = await self._session.scalar(
            select(DeadlineRow).where(_key(reference, kind)).execution_options(**FRESH)
        )
        return None if row is None else _deadline(row)

    async def needing_warning(self, now: datetime, limit: int) -> Sequence[Deadline]:
        return await self._due(
            and_(
                DeadlineRow.met_at.is_(None),
                DeadlineRow.warned_at.is_(None),
                DeadlineRow.warn_at <= now,
                DeadlineRow.due_at > now,
            ),
            limit,
        )

    async def needing_missed_notice(self, now: datetime, limit: int) -> Sequence[Deadline]:
        return await self._due(
            and_(DeadlineRow.met_at.is_(None), DeadlineRow.missed_at.is_(None), DeadlineRow.due_at <= now),
            limit,
        )

    async def mark_warned(self, reference: str, kind: DeadlineKind, now: datetime) -> bool:
        return await self._set_once(reference, kind, DeadlineRow.warned_at, now) == 1

    async def mark_missed(self, reference: str, kind: DeadlineKind, now: datetime) -> bool:
        return await self._set_once(reference, kind, DeadlineRow.missed_at, now) == 1

    async def mark_met(self, reference: str, kind: DeadlineKind, now: datetime) -> None:
        await self._session.execute(
            update(DeadlineRow)
            .where(_key(reference, kind), DeadlineRow.met_at.is_(None))
            .values(met_at=now)
            .execution_options(**NO_SYNC)
        )

    async def _due(self, condition: ColumnElement[bool], limit: int) -> Sequence[Deadline]:
        rows = await self._session.scalars(
            select(DeadlineRow)
            .where(condition)
            .order_by(DeadlineRow.due_at, DeadlineRow.report_reference, DeadlineRow.kind)
            .limit(limit)
            .execution_options(**FRESH)
        )
        return [_deadline(row) for row in rows]

    async def _set_once(
        self,
        reference: str,
        kind: DeadlineKind,
        column: InstrumentedAttribute[datetime | None],
        now: datetime,
    ) -> int:
        # A conditional UPDATE: on PostgreSQL a second replica's UPDATE waits for the first
        # to commit, then re-checks the condition and matches nothing; SQLite serialises
        # writers at BEGIN. Either way exactly one caller sees rowcount 1.
        result = await self._session.execute(
            update(DeadlineRow)
            .where(_key(reference, kind), column.is_(None), DeadlineRow.met_at.is_(None))
            .values({column: now})
            .execution_options(**NO_SYNC)
        )
        return rowcount(result)
