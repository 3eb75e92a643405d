"""Durations as people write them in configuration: "24h", "7d", "1d12h", "90m".

A duration is one or more parts, each a whole number and a unit, largest unit first:
w (weeks), d (days), h (hours), m (minutes), s (seconds). Spaces are allowed anywhere
between parts and between a number and its unit ("1d 12h", "24 h"); units are case-insensitive.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

ACCEPTED_FORMS: Final = (
    "a whole number and a unit, largest unit first, such as 30s, 90m, 24h, 7d, 2w or 1d12h "
    "(units: w weeks, d days, h hours, m minutes, s seconds)"
)

_UNITS: Final = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_ORDER: Final = "wdhms"
_PART = re.compile(r"(\d+)\s*([a-z])")
_SHAPE = re.compile(r"(?:\d+\s*[a-z]\s*)+")


def parse_duration(text: str) -> timedelta:
    """Raises ValueError naming the accepted forms when `text` is not a duration."""
    if not isinstance(text, str):
        raise ValueError(f"not a duration; write {ACCEPTED_FORMS}")
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError(f"empty duration; write {ACCEPTED_FORMS}")
    if not _SHAPE.fullmatch(cleaned):
        raise ValueError(f"{text.strip()!r} is not a duration; write {ACCEPTED_FORMS}")
    seconds = 0
    last = -1
    for number, unit in _PART.findall(cleaned):
        if unit not in _UNITS:
            raise ValueError(f"{text.strip()!r}: unknown unit {unit!r}; write {ACCEPTED_FORMS}")
        position = _ORDER.index(unit)
        if position <= last:
            raise ValueError(
                f"{text.strip()!r}: give each unit once, largest first (for example 1d12h); "
                f"write {ACCEPTED_FORMS}"
            )
        last = position
        seconds += int(number) * _UNITS[unit]
    return timedelta(seconds=seconds)


def format_duration(td: timedelta) -> str:
    """ "3 hours", "1 day 2 hours", "7 days", "1 hour 30 minutes"; whole seconds, a leading
    "-" for a negative duration (an overdue time, say), "0 seconds" for less than a second."""
    total = int(td.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    if total == 0:
        return "0 seconds"
    parts = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return sign + " ".join(parts)
