""" "my data" in the console: the real app.py in a subprocess, over SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.console import app_env, run_app
from tests.e2e.test_console import quick_report


@pytest.fixture
def env(tmp_path: Path, empty_database: str) -> dict[str, str]:
    return app_env(tmp_path, empty_database)


def test_my_data_shows_the_reporters_reports_and_open_draft_and_no_one_elses(tmp_path: Path, env) -> None:
    mine = quick_report(tmp_path, env, "hana")
    theirs = quick_report(tmp_path, env, "ivan")
    # A second report, left half-told: a draft.
    started = run_app(
        tmp_path, env, "chat", "--user", "hana", stdin="1\nDRAFT-CANARY-5521 emailed me about a trip\n"
    )
    assert started.returncode == 0, started.stderr

    done = run_app(tmp_path, env, "chat", "--user", "hana", stdin="my data\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "What Tipline holds about you" in out and "console user hana" in out
    assert f"Report {mine}" in out and theirs not in out
    assert "A recruiter on LinkedIn offered paid consultancy work" in out
    assert "Your draft report, not sent" in out and "DRAFT-CANARY-5521" in out
    assert "Not in this copy" in out
    assert "DRAFT-CANARY-5521" not in done.stderr, "the copy never reaches the logs"
