"""The facts statistics read (bot.statistics.ports): a few fields of each report's document,
taken out by the database (JSON paths), never the reporter's words or the contact's indicators."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.statistics.model import CampaignFacts, CheckFacts, ReportFacts
from storage.models import CampaignMemberRow, CampaignRow, ReportRow, WatchlistCheckRow

_FIELDS = ("approach_kinds", "channel", "acknowledged_at", "closed_at", "outcome")


class SqlStatisticsReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def reports_since(self, since: datetime) -> Sequence[ReportFacts]:
        rows = await self._session.execute(
            select(
                ReportRow.created_at,
                ReportRow.reporter_platform,
                *(ReportRow.document[name].label(name) for name in _FIELDS),
            )
            .where(ReportRow.created_at >= since)
            .order_by(ReportRow.created_at)
        )
        return [
            ReportFacts(
                created_at=row.created_at,
                approach_kinds=tuple(str(kind) for kind in (row.approach_kinds or ())),
                channel=_text(row.channel),
                reported_from=row.reporter_platform,
                acknowledged_at=_moment(row.acknowledged_at),
                closed_at=_moment(row.closed_at),
                outcome=_text(row.outcome),
            )
            for row in rows
        ]

    async def checks_since(self, since: datetime) -> Sequence[CheckFacts]:
        rows = await self._session.execute(
            select(WatchlistCheckRow.at, WatchlistCheckRow.outcome)
            .where(WatchlistCheckRow.at >= since)
            .order_by(WatchlistCheckRow.at)
        )
        return [CheckFacts(at=row.at, outcome=row.outcome) for row in rows]

    async def campaigns_since(self, since: datetime) -> Sequence[CampaignFacts]:
        rows = await self._session.execute(
            select(CampaignRow.created_at, CampaignRow.status, func.count(ReportRow.id))
            .join(CampaignMemberRow, CampaignMemberRow.campaign_id == CampaignRow.id)
            .join(ReportRow, ReportRow.reference == CampaignMemberRow.report_reference)
            .where(ReportRow.created_at >= since)
            .group_by(CampaignRow.id, CampaignRow.created_at, CampaignRow.status)
            .order_by(CampaignRow.created_at)
        )
        return [CampaignFacts(created_at=at, status=status, reports=int(n)) for at, status, n in rows]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _moment(value: Any) -> datetime | None:
    """The document keeps times as ISO text (pydantic's JSON)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
