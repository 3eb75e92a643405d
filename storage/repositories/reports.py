"""Reports, stored whole as their JSON document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.normalise import DEFAULT_PHONE_REGION, IndexKey, Normalised, contact_indicators, plain_index_key
from bot.ports import DuplicateReference
from bot.report import Report, Status
from storage.models import ReportIndicatorRow, ReportRow
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount

_CHUNK = 500  # values per IN (...): well under every database's parameter limit


def _columns(report: Report) -> dict[str, Any]:
    # The columns beside the document exist to filter and sort on; the document is the truth.
    return {
        "schema_version": report.schema_version,
        "revision": report.revision,
        "status": report.status.value,
        "severity": report.severity.value,
        "reporter_platform": report.reporter.platform,
        "reporter_user_id": report.reporter.user_id,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "document": report.model_dump(mode="json"),
    }


def _newest_first(stmt: Select[tuple[dict[str, Any]]]) -> Select[tuple[dict[str, Any]]]:
    return stmt.order_by(ReportRow.created_at.desc(), ReportRow.id.desc())


class SqlReportRepository:
    """`index_key`: how the index keeps each normal form (plain by default; keyed once reports
    are encrypted); `region`: the phone region numbers without a country code are read in."""

    def __init__(
        self, session: AsyncSession, index_key: IndexKey = plain_index_key, region: str = DEFAULT_PHONE_REGION
    ) -> None:
        self._session = session
        self._key = index_key
        self._region = region

    async def add(self, report: Report) -> None:
        values = {"reference": report.reference, **_columns(report)}
        if not await insert_unless_exists(self._session, ReportRow, values, ["reference"]):
            raise DuplicateReference(report.reference)
        await self._index(report)

    async def exists(self, references: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(dict.fromkeys(references))):
            found |= set(
                await self._session.scalars(select(ReportRow.reference).where(ReportRow.reference.in_(chunk)))
            )
        return found

    async def get_many(self, references: Sequence[str]) -> Sequence[Report]:
        """These reports (those that exist), newest first."""
        documents: list[tuple[Any, int, dict[str, Any]]] = []
        for chunk in _chunks(list(dict.fromkeys(references))):
            rows = await self._session.execute(
                select(ReportRow.created_at, ReportRow.id, ReportRow.document)
                .where(ReportRow.reference.in_(chunk))
                .execution_options(**FRESH)
            )
            documents += [(created, id_, doc) for created, id_, doc in rows]
        documents.sort(key=lambda row: (row[0], row[1]), reverse=True)
        return [Report.model_validate(doc) for _, _, doc in documents]

    async def indexed(
        self, probes: Sequence[Normalised], exclude: str | None = None, limit: int | None = None
    ) -> Mapping[str, set[str]]:
        """Reports holding any of these normal forms, and the kinds each holds."""
        keys = {self._key(kind, value): kind for kind, value in dict.fromkeys(probes)}
        found: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(list(keys)):
            stmt = select(ReportIndicatorRow.report_reference, ReportIndicatorRow.key).where(
                ReportIndicatorRow.key.in_(chunk)
            )
            if exclude is not None:
                stmt = stmt.where(ReportIndicatorRow.report_reference != exclude)
            if limit is not None:
                stmt = stmt.limit(limit)
            for reference, key in await self._session.execute(stmt):
                found[reference].add(keys[key])
        return found

    async def with_every(self, probes: Sequence[Normalised], limit: int) -> Sequence[str]:
        """Reports holding all of these normal forms (the words of a name, say)."""
        keys = list(dict.fromkeys(self._key(kind, value) for kind, value in probes))
        if not keys:
            return []
        stmt = (
            select(ReportIndicatorRow.report_reference)
            .where(ReportIndicatorRow.key.in_(keys))
            .group_by(ReportIndicatorRow.report_reference)
            .having(func.count(func.distinct(ReportIndicatorRow.key)) == len(keys))
            .limit(limit)
        )
        return list(await self._session.scalars(stmt))

    async def _index(self, report: Report) -> None:
        values = [
            {"report_reference": report.reference, "kind": kind, "key": self._key(kind, value)}
            for kind, value in contact_indicators(report.contact, self._region)
        ]
        if values:
            await self._session.execute(insert(ReportIndicatorRow), values)

    async def update(self, report: Report) -> None:
        result = await self._session.execute(
            update(ReportRow)
            .where(ReportRow.reference == report.reference)
            .values(**_columns(report))
            .execution_options(**NO_SYNC)
        )
        if rowcount(result) != 1:
            raise LookupError(f"no report {report.reference} to update")
        await self._session.execute(
            delete(ReportIndicatorRow)
            .where(ReportIndicatorRow.report_reference == report.reference)
            .execution_options(**NO_SYNC)
        )
        await self._index(report)

    async def get(self, reference: str, for_update: bool = False) -> Report | None:
        stmt = select(ReportRow.document).where(ReportRow.reference == reference).execution_options(**FRESH)
        if for_update:
            # PostgreSQL: a row lock. SQLite has none, but its transactions already take the write lock
            # at BEGIN (see storage.db), which serialises read-modify-write the same way.
            stmt = stmt.with_for_update()
        document = await self._session.scalar(stmt)
        return None if document is None else Report.model_validate(document)

    async def list(self, status: Status | None = None, limit: int | None = None) -> Sequence[Report]:
        stmt = _newest_first(select(ReportRow.document))
        if status is not None:
            stmt = stmt.where(ReportRow.status == status.value)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [Report.model_validate(doc) for doc in await self._session.scalars(stmt)]

    async def list_for_reporter(self, platform: str, user_id: str) -> Sequence[Report]:
        stmt = _newest_first(select(ReportRow.document)).where(
            ReportRow.reporter_platform == platform, ReportRow.reporter_user_id == user_id
        )
        return [Report.model_validate(doc) for doc in await self._session.scalars(stmt)]


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]
