"""Reports (stored whole as their JSON document) and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ports import AuditEvent, DuplicateReference
from bot.report import Report, Status
from storage.models import AuditEventRow, ReportRow
from storage.protection.fields import AUDIT_DETAIL, REPORT_DOCUMENT, audit_row
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, insert_unless_exists, rowcount


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
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def _report(self, reference: str, stored: Any) -> Report:
        return Report.model_validate(self._sealer.open_json(stored, REPORT_DOCUMENT, reference))

    async def add(self, report: Report) -> None:
        values = {"reference": report.reference, **_columns(report, self._sealer)}
        if not await insert_unless_exists(self._session, ReportRow, values, ["reference"]):
            raise DuplicateReference(report.reference)

    async def update(self, report: Report) -> None:
        result = await self._session.execute(
            update(ReportRow)
            .where(ReportRow.reference == report.reference)
            .values(**_columns(report, self._sealer))
            .execution_options(**NO_SYNC)
        )
        if rowcount(result) != 1:
            raise LookupError(f"no report {report.reference} to update")

    async def get(self, reference: str, for_update: bool = False) -> Report | None:
        stmt = (
            select(ReportRow.reference, ReportRow.document)
            .where(ReportRow.reference == reference)
            .execution_options(**FRESH)
        )
        if for_update:
            # PostgreSQL: a row lock. SQLite has none, but its transactions already take the write lock
            # at BEGIN (see storage.db), which serialises read-modify-write the same way.
            stmt = stmt.with_for_update()
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


class SqlAuditRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def add(self, event: AuditEvent) -> None:
        await self._session.execute(
            insert(AuditEventRow).values(
                at=event.at,
                actor=event.actor,
                platform=event.platform,
                action=event.action,
                report_reference=event.report_reference,
                detail=self._sealer.seal_json(
                    event.detail, AUDIT_DETAIL, audit_row(event.report_reference, event.action)
                ),
            )
        )

    async def for_report(self, reference: str) -> Sequence[AuditEvent]:
        rows = await self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.report_reference == reference)
            .order_by(AuditEventRow.at, AuditEventRow.id)
            .execution_options(**FRESH)
        )
        return [
            AuditEvent(
                id=row.id,
                at=row.at,
                actor=row.actor,
                platform=row.platform,
                action=row.action,
                report_reference=row.report_reference,
                detail=self._sealer.open_json(
                    row.detail, AUDIT_DETAIL, audit_row(row.report_reference, row.action)
                ),
            )
            for row in rows
        ]
