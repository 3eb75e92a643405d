"""`reports stats`: its options (parsing only; adapters.cli.stats runs it)."""

from __future__ import annotations

import argparse
from datetime import date


def since_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date. Write it as year-month-day, for example 2025-11-18."
        ) from None


def add_stats(actions: argparse._SubParsersAction[argparse.ArgumentParser], formatter: object) -> None:
    stats = actions.add_parser(
        "stats",
        help="reports per week by kind and channel, checks, time to acknowledge and to an outcome",
        description="How many reports arrived each week (Monday to Sunday, UTC), by kind of approach "
        "and by where it happened; how many contact checks staff made; and the median time from a "
        "report's arrival to its acknowledgement and to its outcome. Counts only: no report's "
        "content is shown. --png writes the same as a chart.",
        formatter_class=formatter,  # type: ignore[arg-type]
    )
    stats.add_argument(
        "--since",
        type=since_date,
        metavar="DATE",
        help="count from this day, e.g. 2025-09-01 (default: the last 12 weeks, this one included)",
    )
    stats.add_argument("--png", metavar="FILE", help="also write the chart to FILE, a PNG image")
    stats.add_argument(
        "--format", choices=["text", "json"], default="text", help="text to read, or JSON for other tools"
    )
