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
    assert "Would purge 1 closed report, 0 cancelled drafts and 0 abandoned drafts" in dry.stdout
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


async def test_forget_reporter_from_the_command_line(
    tmp_path: Path, engine, uow_factory, empty_database: str
) -> None:
    from tests.retention.test_forget import _alices_report

    report = await _alices_report(uow_factory)
    env = app_env(tmp_path, empty_database)

    wrong = run_app(tmp_path, env, "reports", "forget-reporter", report.reference, "not-a-ref")
    assert wrong.returncode == 1 and "is not a report reference" in wrong.stderr
    assert "Nothing was changed" in wrong.stderr and "Traceback" not in wrong.stderr

    done = run_app(tmp_path, env, "reports", "forget-reporter", report.reference)
    assert done.returncode == 0, done.stderr
    assert f"{report.reference}: the reporter is now pseudonym-" in done.stdout
    assert "Tipline can no longer reach this reporter" in done.stdout
    shown = run_app(tmp_path, env, "reports", "show", report.reference)
    assert "Alice Jones" not in shown.stdout and "U0ALICE" not in shown.stdout
    assert "a recruiter wanted our roadmap" in shown.stdout
    verified = run_app(tmp_path, env, "audit", "verify")
    assert verified.returncode == 0 and "Audit trail OK" in verified.stdout
