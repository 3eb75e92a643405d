"""RETENTION_CLOSED and DRAFT_KEEP_DAYS as an operator writes them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_the_defaults(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)
    assert settings.retention_closed == timedelta(days=400) and settings.draft_keep_days == 30


@pytest.mark.parametrize(("raw", "kept"), [("400d", timedelta(days=400)), ("2w", timedelta(weeks=2)),
                                           ("never", None), ("NEVER", None)])  # fmt: skip
def test_retention_closed_takes_a_duration_or_never(tmp_path: Path, raw: str, kept) -> None:
    assert load_settings({"RETENTION_CLOSED": raw}, tmp_path).retention_closed == kept


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"RETENTION_CLOSED": "forever"}, "RETENTION_CLOSED: 'forever' is not a length of time"),
        ({"RETENTION_CLOSED": "12h"}, "RETENTION_CLOSED: '12h' is less than a day"),
        ({"DRAFT_KEEP_DAYS": "0"}, "DRAFT_KEEP_DAYS: must be at least 1, not 0"),
        ({"DRAFT_KEEP_DAYS": "a month"}, "DRAFT_KEEP_DAYS: 'a month' is not a whole number"),
    ],
)
def test_a_bad_value_names_the_setting(tmp_path: Path, env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env, tmp_path)
    assert str(refused.value).startswith(says)
