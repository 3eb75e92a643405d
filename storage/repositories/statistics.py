"""The facts statistics read (bot.statistics.ports): a few fields of each report's document,
never the reporter's words or the contact's indicators. The document is sealed at rest
(storage.protection), so it is opened here and only those fields kept; nothing else leaves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.statistics.model import CheckFacts, ReportFacts
from storage.models import ReportRow, WatchlistCheckRow
from storage.protection.fields import REPORT_DOCUMENT
from storage.protection.sealing import Sealer


class SqlStatisticsReads:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def reports_since(self, since: datetime) -> Sequence[ReportFacts]:
        rows = await self._session.execute(
            select(ReportRow.reference, ReportRow.created_at, ReportRow.reporter_platform, ReportRow.document)
            .where(ReportRow.created_at >= since)
            .order_by(ReportRow.created_at)
        )
        facts = []
        for row in rows:
            document = self._sealer.open_json(row.document, REPORT_DOCUMENT, row.reference)
            facts.append(
                ReportFacts(
                    created_at=row.created_at,
                    approach_kinds=tuple(str(kind) for kind in (document.get("approach_kinds") or ())),
                    channel=_text(document.get("channel")),
                    reported_from=row.reporter_platform,
                    acknowledged_at=_moment(document.get("acknowledged_at")),
                    closed_at=_moment(document.get("closed_at")),
                    outcome=_text(document.get("outcome")),
                )
            )
        return facts

    async def checks_since(self, since: datetime) -> Sequence[CheckFacts]:
        rows = await self._session.execute(
            select(WatchlistCheckRow.at, WatchlistCheckRow.outcome)
            .where(WatchlistCheckRow.at >= since)
            .order_by(WatchlistCheckRow.at)
        )
        return [CheckFacts(at=row.at, outcome=row.outcome) for row in rows]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _moment(value: Any) -> datetime | None:
    """The document keeps times as ISO text (pydantic's JSON)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
