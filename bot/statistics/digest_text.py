"""The weekly digest's words, one neutral list of lines each channel formats in its own way."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.statistics.digest import DigestPayload
from bot.statistics.labels import channel_label, hours_label, kind_label
from bot.statistics.model import WeekCounts

TOP = 3  # kinds and channels named per week


def digest_lines(payload: DigestPayload) -> list[str]:
    """A heading, then one line per figure."""
    stats = payload.statistics
    weeks = len(stats.weeks)
    lines = [f"Tipline weekly statistics, {payload.week}"]
    if weeks >= 2:
        lines.append(_week("Last week", stats.weeks[-2]))
    current = stats.weeks[-1] if stats.weeks else None
    if current is not None and current.reports:
        lines.append(_week("This week so far", current))
    lines += [
        f"{stats.reports} report{_s(stats.reports)} in the last {weeks} week{_s(weeks)}; "
        f"{stats.checks} contact check{_s(stats.checks)} by staff",
        f"Median time to acknowledge: {hours_label(stats.median_to_acknowledge_hours)}; "
        f"to an outcome: {hours_label(stats.median_to_outcome_hours)}",
        f"Sent {payload.schedule} (the STATS_DIGEST setting). More: python app.py reports stats",
    ]
    return lines


def _week(title: str, week: WeekCounts) -> str:
    if not week.reports:
        return f"{title} (from {week.starts_on:%a %d %b}): no reports; {week.checks} check{_s(week.checks)}"
    return (
        f"{title} (from {week.starts_on:%a %d %b}): {week.reports} report{_s(week.reports)} "
        f"({_top(week.by_kind, kind_label)}; {_top(week.by_channel, channel_label)}); "
        f"{week.checks} check{_s(week.checks)}"
    )


def _top(counts: Mapping[str, int], name: Callable[[str], str]) -> str:
    named = [f"{name(key)} {count}" for key, count in list(counts.items())[:TOP]]
    more = len(counts) - TOP
    return ", ".join(named) + (f" and {more} more" if more > 0 else "")


def _s(count: int) -> str:
    return "" if count == 1 else "s"
