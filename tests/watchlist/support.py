"""Watchlist entries and contacts for the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.report import Contact
from bot.watchlist.model import EntryContent, WatchlistEntry

ALERT = "MI5 espionage alert to Parliament, 18 November 2025"
ADDED_AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def content(**fields: Any) -> EntryContent:
    return EntryContent(**{"source": ALERT, **fields})


def entry(entry_id: int = 1, **fields: Any) -> WatchlistEntry:
    return WatchlistEntry(id=entry_id, content=content(**fields), added_by="cli:alice", added_at=ADDED_AT)


QIU = dict(
    names=["Amanda Qiu"],
    organisations=["BR-YR Executive Search"],
    profile_urls=["https://www.linkedin.com/in/amanda-qiu-br-yr"],
)
SHEN = dict(names=["Shirly Shen"], organisations=["Internship Union", "InternshipUnion"])


def contact(**fields: Any) -> Contact:
    return Contact(**fields)


async def audit_actions(engine) -> list[str]:
    """Every audit event's action, oldest first (watchlist events have no report)."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.models import AuditEventRow

    async with AsyncSession(engine) as session:
        return list(await session.scalars(select(AuditEventRow.action).order_by(AuditEventRow.id)))
