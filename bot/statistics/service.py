"""Statistics read from storage in one read-only transaction, then computed."""

from __future__ import annotations

from datetime import date, datetime

from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.statistics.compute import compute, default_since, start_of
from bot.statistics.model import Statistics


async def gather(uow_factory: UnitOfWorkFactory, now: datetime, since: date | None = None) -> Statistics:
    """The statistics from `since` (default: the last twelve weeks, this one included) to `now`."""
    async with uow_factory(readonly=True) as uow:
        return await gather_in(uow, now, since)


async def gather_in(uow: UnitOfWork, now: datetime, since: date | None = None) -> Statistics:
    """The same, in the caller's unit of work (the weekly digest reads and queues in one)."""
    first = since or default_since(now)
    start = start_of(first)
    reports = await uow.statistics.reports_since(start)
    checks = await uow.statistics.checks_since(start)
    return compute(reports, checks, first, now)
