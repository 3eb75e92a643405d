"""When the weekly digest goes out: STATS_DIGEST="monday 08:00" (UTC), or "off"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final

WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT: Final = "monday 08:00"
OFF: Final = frozenset({"off", "no", "none", "false", "0"})
ACCEPTED: Final = 'a weekday and a 24-hour UTC time such as "monday 08:00" or "fri 16:30", or "off"'
_SHAPE = re.compile(r"([a-z]+)\s+(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int  # 0 is Monday
    at: time  # UTC

    def next_after(self, now: datetime) -> datetime:
        """The first digest time strictly after `now`."""
        now = now.astimezone(UTC)
        day = now.date() + timedelta(days=(self.weekday - now.weekday()) % 7)
        slot = datetime.combine(day, self.at, tzinfo=UTC)
        return slot if slot > now else slot + timedelta(weeks=1)

    def is_slot(self, moment: datetime) -> bool:
        """True when `moment` is one of this schedule's times (a time from an older setting is not)."""
        moment = moment.astimezone(UTC)
        return moment.weekday() == self.weekday and moment.time() == self.at

    def describe(self) -> str:
        return f"{WEEKDAYS[self.weekday].capitalize()}s at {self.at:%H:%M} UTC"


def parse_schedule(text: str) -> DigestSchedule | None:
    """None for "off". Raises ValueError naming the accepted forms."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in OFF:
        return None
    shape = _SHAPE.fullmatch(cleaned)
    if shape is None:
        raise ValueError(f"{text.strip()!r} is not a weekly time; write {ACCEPTED}")
    name, hour, minute = shape.group(1), int(shape.group(2)), int(shape.group(3))
    days = [i for i, day in enumerate(WEEKDAYS) if len(name) >= 3 and day.startswith(name)]
    if len(days) != 1:
        raise ValueError(f"{name!r} is not a day of the week; write {ACCEPTED}")
    if hour > 23 or minute > 59:
        raise ValueError(f"{hour:02d}:{minute:02d} is not a time of day; write {ACCEPTED}")
    return DigestSchedule(days[0], time(hour, minute))


DEFAULT_SCHEDULE: Final = DigestSchedule(0, time(8, 0))  # DEFAULT, parsed
