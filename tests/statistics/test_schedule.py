"""STATS_DIGEST: when the digest goes, read the way people write it; a mistake names the setting."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.statistics.schedule import DigestSchedule, parse_schedule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday 08:00", DigestSchedule(0, time(8, 0))),
        ("Fri 16:30", DigestSchedule(4, time(16, 30))),
        ("  sunday   7:05 ", DigestSchedule(6, time(7, 5))),
        ("off", None),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_schedule(text) == expected


def test_the_next_time_is_strictly_after_now():
    monday_8 = DigestSchedule(0, time(8, 0))
    assert monday_8.next_after(datetime(2026, 3, 16, 7, 59, tzinfo=UTC)) == datetime(
        2026, 3, 16, 8, tzinfo=UTC
    )
    assert monday_8.next_after(datetime(2026, 3, 16, 8, 0, tzinfo=UTC)) == datetime(
        2026, 3, 23, 8, tzinfo=UTC
    )
    assert monday_8.next_after(datetime(2026, 3, 19, 12, tzinfo=UTC)) == datetime(2026, 3, 23, 8, tzinfo=UTC)


def test_on_by_default_monday_morning():
    assert load_settings({}, Path(".")).stats_digest == DigestSchedule(0, time(8, 0))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("every week", "'every week' is not a weekly time"),
        ("t 10:00", "'t' is not a day of the week"),
        ("monday 25:00", "25:00 is not a time of day"),
    ],
)
def test_a_mistake_names_the_setting_and_the_forms(text, said):
    with pytest.raises(SettingsError) as refused:
        load_settings({"STATS_DIGEST": text}, Path("."))
    message = str(refused.value)
    assert message.startswith("STATS_DIGEST: ") and said in message and '"monday 08:00"' in message
