"""The weekly statistics digest to the Slack and Teams security channels.

Its next time is a row in the deadlines table (kind WEEKLY_DIGEST, keyed by its day, e.g.
"2026-12-07"), so the existing DeadlineScheduler finds it due like any deadline, and claims it with
the same conditional update: once across restarts and replicas. In that one transaction the
digest's statistics are computed, one outbox entry per channel is queued (the statistics as
JSON; each channel draws the chart when it delivers, so a retry sends the same picture) and the
next week's row is added. A digest whose time has passed by more than LATE_BY (the service was
down) is skipped rather than sent days late, and a time from an older STATS_DIGEST setting is
skipped too: the next one follows the setting in force.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from pydantic import BaseModel, ConfigDict

from bot.outbox import queue
from bot.ports import Deadline, DeadlineKind, UnitOfWork
from bot.statistics.compute import DEFAULT_WEEKS, default_since
from bot.statistics.model import Statistics
from bot.statistics.schedule import DigestSchedule
from bot.statistics.service import gather_in

log = logging.getLogger(__name__)

DIGEST_EVENT: Final = "stats.digest"
LATE_BY: Final = timedelta(days=1)


class DigestPayload(BaseModel):
    """What an outbox entry of the digest carries: counts only, never a report's content."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    week: str  # "2026-W50": the ISO week of the digest's time
    schedule: str  # "Mondays at 08:00 UTC", for the footer
    statistics: Statistics


def week_label(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(slot: datetime) -> str:
    """The digest's row in the deadlines table: its day (ten characters, as a reference's column holds)."""
    return f"{slot:%Y-%m-%d}"


class WeeklyDigest:
    def __init__(
        self, schedule: DigestSchedule | None, destinations: Sequence[str], weeks: int = DEFAULT_WEEKS
    ) -> None:
        self.schedule = schedule
        self.destinations = tuple(dict.fromkeys(destinations))
        self._weeks = weeks

    @property
    def enabled(self) -> bool:
        return self.schedule is not None and bool(self.destinations)

    async def plan(self, uow: UnitOfWork, now: datetime) -> None:
        """Make sure the next digest time is stored (the caller commits)."""
        if self.schedule is None or not self.destinations:
            return
        slot = self.schedule.next_after(now)
        key = digest_key(slot)
        if await uow.deadlines.get(key, DeadlineKind.WEEKLY_DIGEST) is None:
            await uow.deadlines.add(
                Deadline(report_reference=key, kind=DeadlineKind.WEEKLY_DIGEST, due_at=slot, warn_at=slot)
            )

    async def send_due(self, uow: UnitOfWork, deadline: Deadline, now: datetime) -> int:
        """Claim a due digest and queue it; how many outbox entries were queued (the caller commits)."""
        key = deadline.report_reference
        if not await uow.deadlines.mark_missed(key, DeadlineKind.WEEKLY_DIGEST, now):
            return 0  # another replica (or an earlier pass) has it
        queued = 0
        if self.schedule is None or not self.destinations:
            log.info("digest: %s not sent: STATS_DIGEST is off or no security channel is set up", key)
        elif not self.schedule.is_slot(deadline.due_at):
            log.info("digest: %s not sent: its time is from an earlier STATS_DIGEST setting", key)
        elif now - deadline.due_at > LATE_BY:
            log.warning("digest: %s skipped: it was due at %s, over a day ago", key, deadline.due_at)
        else:
            stats = await gather_in(uow, now, default_since(now, self._weeks))
            week = week_label(deadline.due_at)
            payload = DigestPayload(week=week, schedule=self.schedule.describe(), statistics=stats)
            queued = await queue(
                uow, key, DIGEST_EVENT, payload.model_dump(mode="json"), "digest", self.destinations, now
            )
            log.info("digest: %s queued for %s", key, ", ".join(self.destinations))
        await uow.deadlines.mark_met(key, DeadlineKind.WEEKLY_DIGEST, now)
        await self.plan(uow, now)
        return queued
