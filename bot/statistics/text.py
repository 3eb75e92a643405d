"""Statistics as plain text: what `reports stats` prints, and the digest's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.statistics.labels import (
    channel_label,
    check_label,
    hours_label,
    kind_label,
    outcome_label,
    platform_label,
)
from bot.statistics.model import Statistics


def summary_lines(stats: Statistics) -> list[str]:
    """The headline figures, one a line."""
    weeks = len(stats.weeks)
    return [
        f"{stats.reports} report{_s(stats.reports)} in {weeks} week{_s(weeks)} "
        f"(since {stats.since:%a %d %b %Y})",
        f"Median time to acknowledge: {hours_label(stats.median_to_acknowledge_hours)} "
        f"({stats.acknowledged} acknowledged)",
        f"Median time to an outcome: {hours_label(stats.median_to_outcome_hours)} "
        f"({stats.closed_with_outcome} closed with an outcome)",
        f"Contact checks by staff: {stats.checks}",
    ]


def render_text(stats: Statistics) -> str:
    """The summary, the totals by kind, channel, platform, outcome and check, and a table per week."""
    parts = ["\n".join(summary_lines(stats))]
    parts.append(
        _totals("By kind of approach (a report of several kinds counts in each)", stats.by_kind, kind_label)
    )
    parts.append(_totals("By where it happened", stats.by_channel, channel_label))
    parts.append(_totals("Reported from", stats.by_platform, platform_label))
    parts.append(_totals("Outcomes", stats.by_outcome, outcome_label))
    parts.append(_totals("Contact checks", stats.checks_by_outcome, check_label))
    parts.append(_weekly(stats))
    return "\n\n".join(parts) + "\n"


def _totals(title: str, counts: Mapping[str, int], name: Callable[[str], str]) -> str:
    if not counts:
        return f"{title}: none"
    width = max(len(name(key)) for key in counts)
    rows = [f"  {name(key):<{width}}  {count:>5}" for key, count in counts.items()]
    return "\n".join([f"{title}:", *rows])


def _weekly(stats: Statistics) -> str:
    kinds = list(stats.by_kind)
    header = ["Week of", "Reports", "Checks", *(kind_label(k) for k in kinds)]
    rows = [
        [f"{w.starts_on:%d %b %Y}", str(w.reports), str(w.checks), *(str(w.by_kind.get(k, 0)) for k in kinds)]
        for w in stats.weeks
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(widths[i]) if i else cell.ljust(widths[i]) for i, cell in enumerate(row))
        for row in [header, *rows]
    ]
    return "Per week (Monday to Sunday, UTC):\n" + "\n".join("  " + line.rstrip() for line in lines)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
