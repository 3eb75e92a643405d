"""Durations as written in configuration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("90m", timedelta(minutes=90)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("30s", timedelta(seconds=30)),
        ("2w", timedelta(weeks=2)),
        ("  1d 12h ", timedelta(days=1, hours=12)),
        ("24 h", timedelta(hours=24)),
        ("1W2D3H4M5S", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        ("0s", timedelta(0)),
    ],
)
def test_parses_the_accepted_forms(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "24", "h", "1.5h", "-2h", "2x", "12h1d", "1h1h", "24 hours", "1d,2h"]
)
def test_rejects_anything_else_naming_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"24h, 7d") as caught:
        parse_duration(text)
    assert "\n" not in str(caught.value)


def test_rejects_what_is_not_text() -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(24)


@pytest.mark.parametrize(
    ("td", "expected"),
    [
        (timedelta(hours=3), "3 hours"),
        (timedelta(days=1, hours=2), "1 day 2 hours"),
        (timedelta(days=7), "7 days"),
        (timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (timedelta(seconds=1), "1 second"),
        (timedelta(0), "0 seconds"),
        (timedelta(milliseconds=400), "0 seconds"),
        (-timedelta(hours=2), "-2 hours"),
    ],
)
def test_formats_for_people(td: timedelta, expected: str) -> None:
    assert format_duration(td) == expected


@pytest.mark.parametrize("text", ["24h", "7d", "90m", "1d12h", "2w", "1d2h3m4s"])
def test_format_then_parse_is_the_same_duration(text: str) -> None:
    td = parse_duration(text)
    words = format_duration(td).split()
    units = {"day": "d", "days": "d", "hour": "h", "hours": "h", "minute": "m", "minutes": "m"}
    units |= {"second": "s", "seconds": "s"}
    compact = "".join(n + units[u] for n, u in zip(words[::2], words[1::2], strict=True))
    assert parse_duration(compact) == td
