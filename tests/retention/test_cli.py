"""`python app.py reports purge [--dry-run]` as the security team runs it: a subprocess."""

from __future__ import annotations

import os
import pwd
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.console import app_env, run_app
from tests.retention.support import closed_report, on_disk, purged_entries, rows_about


async def test_dry_run_shows_what_would_go_changes_nothing_then_purge_does_it(
    tmp_path: Path, engine, uow_factory, empty_database: str
) -> None:
    old = await closed_report(uow_factory, tmp_path, closed_at=datetime.now(UTC) - timedelta(days=500))
    recent = await closed_report(
        uow_factory, tmp_path, closed_at=datetime.now(UTC) - timedelta(days=10), user="bea"
    )
    env = app_env(tmp_path, empty_database)
    before = await rows_about(engine, old.reference)

    dry = run_app(tmp_path, env, "reports", "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would purge 1 closed report and 0 cancelled drafts" in dry.stdout
    assert "kept 400 days after closing (RETENTION_CLOSED)" in dry.stdout
    assert old.reference in dry.stdout and recent.reference not in dry.stdout
    assert "1 evidence file" in dry.stdout and "Nothing has been deleted" in dry.stdout
    assert await rows_about(engine, old.reference) == before
    assert on_disk(old.evidence.files[0].stored_path or "")

    done = run_app(tmp_path, env, "reports", "purge")
    assert done.returncode == 0, done.stderr
    assert "Purged 1 closed report" in done.stdout and old.reference in done.stdout
    assert (await rows_about(engine, old.reference))["reports"] == 0
    assert (await rows_about(engine, recent.reference))["reports"] == 1
    assert not on_disk(old.evidence.files[0].stored_path or "")
    assert await purged_entries(engine) == [old.reference]
    login = pwd.getpwuid(os.geteuid()).pw_name
    async with uow_factory(readonly=True) as uow:
        [entry] = [e for e in await uow.audit.for_report(old.reference) if e.action == "report.purged"]
    assert entry.actor == f"cli:{login}"

    shorter = run_app(tmp_path, {**env, "RETENTION_CLOSED": "7d"}, "reports", "purge", "--dry-run")
    assert recent.reference in shorter.stdout and "kept 7 days after closing" in shorter.stdout


def test_a_bad_retention_setting_is_one_clear_line(tmp_path: Path, empty_database: str) -> None:
    env = {**app_env(tmp_path, empty_database), "RETENTION_CLOSED": "a year"}
    done = run_app(tmp_path, env, "reports", "purge", "--dry-run")
    assert done.returncode == 2
    assert done.stderr.startswith("tipline: RETENTION_CLOSED: 'a year' is not a length of time")
    assert len(done.stderr.strip().splitlines()) == 1
