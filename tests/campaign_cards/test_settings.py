"""CAMPAIGN_ALERT_AT as an operator writes it: a number of reports, 2 or more (default 3); a bad
value is one line naming the setting, from the app as from the loader."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import app
from bot.settings import SettingsError, load_settings


def test_the_default_is_three_and_a_number_of_two_or_more_is_taken(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path).campaign_alert_at == 3
    assert load_settings({"CAMPAIGN_ALERT_AT": " 2 "}, tmp_path).campaign_alert_at == 2
    assert load_settings({"CAMPAIGN_ALERT_AT": "50"}, tmp_path).campaign_alert_at == 50


@pytest.mark.parametrize("raw", ["1", "0", "-3", "three", "2.5"])
def test_anything_else_is_refused_in_one_line_naming_the_setting(tmp_path: Path, raw: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"CAMPAIGN_ALERT_AT": raw}, tmp_path)
    message = str(refused.value)
    assert message.startswith(f"CAMPAIGN_ALERT_AT: '{raw}' is not a number of reports of 2 or more")
    assert "\n" not in message


def test_the_app_says_so_and_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAMPAIGN_ALERT_AT", "1")
    umask = os.umask(0o022)  # app.main sets the process's umask: put it back after
    try:
        assert app.main(["campaigns", "list"]) == 2
    finally:
        os.umask(umask)
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "tipline: CAMPAIGN_ALERT_AT: '1' is not a number of reports of 2 or more "
        "(a campaign holds at least two); the default is 3"
    ]
