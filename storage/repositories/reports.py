"""Reports, stored whole as their JSON document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.normalise import DEFAULT_PHONE_REGION, Normalised, contact_indicators
from bot.ports import DuplicateReference
from bot.report import Report, Status
from storage.models import ReportIndicatorRow, ReportRow
from storage.protection.fields import REPORT_DOCUMENT
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount

_CHUNK = 500  # values per IN (...): well under every database's parameter limit


def _columns(report: Report, sealer: Sealer) -> dict[str, Any]:
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
        "document": sealer.seal_json(report.model_dump(mode="json"), REPORT_DOCUMENT, report.reference),
    }


def _newest_first(stmt: Select[tuple[str, Any]]) -> Select[tuple[str, Any]]:
    return stmt.order_by(ReportRow.created_at.desc(), ReportRow.id.desc())


class SqlReportRepository:
    """`sealer`: the document sealed at rest, and the blind index key the indicator index keeps
    each normal form by; `region`: the phone region numbers without a country code are read in."""

    def __init__(self, session: AsyncSession, sealer: Sealer, region: str = DEFAULT_PHONE_REGION) -> None:
        self._session = session
        self._sealer = sealer
        self._key = sealer.index_key
        self._region = region

    def _report(self, reference: str, stored: Any) -> Report:
        return Report.model_validate(self._sealer.open_json(stored, REPORT_DOCUMENT, reference))

    async def add(self, report: Report) -> None:
        values = {"reference": report.reference, **_columns(report, self._sealer)}
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
        documents: list[tuple[Any, int, str, Any]] = []
        for chunk in _chunks(list(dict.fromkeys(references))):
            rows = await self._session.execute(
                select(ReportRow.created_at, ReportRow.id, ReportRow.reference, ReportRow.document)
                .where(ReportRow.reference.in_(chunk))
                .execution_options(**FRESH)
            )
            documents += [(created, id_, ref, doc) for created, id_, ref, doc in rows]
        documents.sort(key=lambda row: (row[0], row[1]), reverse=True)
        return [self._report(ref, doc) for _, _, ref, doc in documents]

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

    async def holding_each(
        self, probes: Sequence[Normalised], at_most: int, exclude: str | None = None
    ) -> Mapping[Normalised, Sequence[str]]:
        probe_of = {self._key(kind, value): Normalised(kind, value) for kind, value in dict.fromkeys(probes)}
        found: dict[Normalised, list[str]] = {probe: [] for probe in probe_of.values()}
        if not probe_of:
            return found
        # One limited read per form, all in one statement: a common word stops at the limit.
        parts = []
        for key in probe_of:
            part = select(ReportIndicatorRow.report_reference, ReportIndicatorRow.key).where(
                ReportIndicatorRow.key == key
            )
            if exclude is not None:
                part = part.where(ReportIndicatorRow.report_reference != exclude)
            limited = part.limit(at_most + 1).subquery()
            parts.append(select(limited.c.report_reference, limited.c.key))
        statement = parts[0] if len(parts) == 1 else union_all(*parts)
        for reference, key in await self._session.execute(statement):
            found[probe_of[key]].append(reference)
        return found

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
            .values(**_columns(report, self._sealer))
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
        stmt = (
            select(ReportRow.reference, ReportRow.document)
            .where(ReportRow.reference == reference)
            .execution_options(**FRESH)
        )
        if for_update:
            # PostgreSQL: a row lock. SQLite has none, but its transactions already take the write lock
            # at BEGIN (see storage.db), which serialises read-modify-write the same way. FOR NO KEY
            # UPDATE (the reference never changes): a row in another table naming this report (a
            # campaign link or membership written by linking, which holds its lock meanwhile) only
            # needs FOR KEY SHARE on it, so the two never wait for each other in a circle.
            stmt = stmt.with_for_update(key_share=True)
        row = (await self._session.execute(stmt)).first()
        return None if row is None else self._report(row[0], row[1])

    async def list(self, status: Status | None = None, limit: int | None = None) -> Sequence[Report]:
        stmt = _newest_first(select(ReportRow.reference, ReportRow.document))
        if status is not None:
            stmt = stmt.where(ReportRow.status == status.value)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [self._report(ref, doc) for ref, doc in (await self._session.execute(stmt)).all()]

    async def list_for_reporter(self, platform: str, user_id: str) -> Sequence[Report]:
        stmt = _newest_first(select(ReportRow.reference, ReportRow.document)).where(
            ReportRow.reporter_platform == platform, ReportRow.reporter_user_id == user_id
        )
        return [self._report(ref, doc) for ref, doc in (await self._session.execute(stmt)).all()]


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]
