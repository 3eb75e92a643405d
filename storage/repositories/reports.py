"""Reports, stored whole as their JSON document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import DuplicateReference
from bot.report import Report, Status
from storage.models import ReportRow
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount


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
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, report: Report) -> None:
        values = {"reference": report.reference, **_columns(report)}
        if not await insert_unless_exists(self._session, ReportRow, values, ["reference"]):
            raise DuplicateReference(report.reference)

    async def update(self, report: Report) -> None:
        result = await self._session.execute(
            update(ReportRow)
            .where(ReportRow.reference == report.reference)
            .values(**_columns(report))
            .execution_options(**NO_SYNC)
        )
        if rowcount(result) != 1:
            raise LookupError(f"no report {report.reference} to update")

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
