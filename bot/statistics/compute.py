"""Statistics from the facts of reports and checks: pure, no I/O, no clock of its own."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from bot.statistics.model import CheckFacts, ReportFacts, Statistics, WeekCounts

UNKNOWN_CHANNEL = "unknown"  # the reporter did not say where the approach happened
DEFAULT_WEEKS = 12


def week_of(moment: datetime | date) -> date:
    """The Monday (UTC) of the ISO week `moment` falls in."""
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def default_since(now: datetime, weeks: int = DEFAULT_WEEKS) -> date:
    """The Monday `weeks - 1` weeks before this one: `weeks` whole weeks, this one included."""
    return week_of(now) - timedelta(weeks=weeks - 1)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def compute(
    reports: Iterable[ReportFacts], checks: Iterable[CheckFacts], since: date, now: datetime
) -> Statistics:
    """Counts per week from the week of `since` to the week of `now` (every week listed, quiet
    ones as zero), totals, and the median hours from a report's arrival to its acknowledgement
    and to its outcome. Facts from before `since` or after `now` are left out."""
    start = start_of(since)
    kept = [r for r in reports if start <= r.created_at <= now]
    checked = [c for c in checks if start <= c.at <= now]
    weeks = _weeks(kept, checked, since, now)
    to_ack = [_hours(r.acknowledged_at - r.created_at) for r in kept if r.acknowledged_at is not None]
    closed = [r for r in kept if r.outcome is not None and r.closed_at is not None]
    to_outcome = [_hours(r.closed_at - r.created_at) for r in closed if r.closed_at is not None]
    return Statistics(
        since=since,
        until=now,
        weeks=weeks,
        reports=len(kept),
        by_kind=_sorted(Counter(kind for r in kept for kind in r.approach_kinds)),
        by_channel=_sorted(Counter(r.channel or UNKNOWN_CHANNEL for r in kept)),
        by_platform=_sorted(Counter(r.reported_from for r in kept)),
        checks=len(checked),
        checks_by_outcome=_sorted(Counter(c.outcome for c in checked)),
        acknowledged=len(to_ack),
        median_to_acknowledge_hours=_median(to_ack),
        closed_with_outcome=len(to_outcome),
        median_to_outcome_hours=_median(to_outcome),
        by_outcome=_sorted(Counter(r.outcome for r in closed if r.outcome is not None)),
    )


def _weeks(
    reports: Sequence[ReportFacts], checks: Sequence[CheckFacts], since: date, now: datetime
) -> list[WeekCounts]:
    mondays: list[date] = []
    monday, last = week_of(since), week_of(now)
    while monday <= last:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    by_week: dict[date, list[ReportFacts]] = {m: [] for m in mondays}
    for report in reports:
        by_week[week_of(report.created_at)].append(report)
    checks_per_week = Counter(week_of(c.at) for c in checks)
    return [
        WeekCounts(
            starts_on=m,
            reports=len(by_week[m]),
            by_kind=_sorted(Counter(kind for r in by_week[m] for kind in r.approach_kinds)),
            by_channel=_sorted(Counter(r.channel or UNKNOWN_CHANNEL for r in by_week[m])),
            checks=checks_per_week[m],
        )
        for m in mondays
    ]


def _hours(span: timedelta) -> float:
    return max(span.total_seconds(), 0.0) / 3600


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _sorted(counts: Counter[str]) -> dict[str, int]:
    """Largest first, then by name, so every rendering lists them in one order."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
