"""`python app.py audit verify` as the security team runs it: a subprocess on the real database."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from sqlalchemy import text

from tests.audit.support import event, write
from tests.e2e.console import app_env, run_app


async def test_verify_says_ok_then_names_each_edited_inserted_and_deleted_row(
    tmp_path: Path, engine, uow_factory, empty_database: str
) -> None:
    await write(uow_factory, *(event(n) for n in range(1, 7)))
    env = app_env(tmp_path, empty_database)
    ok = run_app(tmp_path, env, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    # The check itself is not audited; the count is what was written.
    assert "Audit trail OK: 6 entries checked; newest sequence 6" in ok.stdout

    async with engine.begin() as conn:
        ids = dict(
            (await conn.execute(text("SELECT sequence, id FROM audit_events ORDER BY sequence"))).all()
        )
        await conn.execute(text("UPDATE audit_events SET actor = 'cli:mallory' WHERE sequence = 2"))
        await conn.execute(text("DELETE FROM audit_events WHERE sequence = 4"))
        await conn.execute(text("UPDATE audit_events SET sequence = 7 WHERE sequence = 6"))

    tampered = run_app(tmp_path, env, "audit", "verify")
    assert tampered.returncode == 1
    said = tampered.stderr
    assert "Audit trail NOT intact: 4 problems in 5 entries" in said
    assert f"row id {ids[2]} (sequence 2, report.noted): edited" in said
    assert f"sequence 4: deleted (after row id {ids[3]}" in said
    assert f"row id {ids[6]} (sequence 7, report.noted): inserted (past the end of the chain)" in said
    assert "sequence 6: deleted" in said
    assert "Traceback" not in said


async def test_verify_is_for_the_security_team_only(tmp_path: Path, engine, empty_database: str) -> None:
    login = pwd.getpwuid(os.geteuid()).pw_name
    env = {**app_env(tmp_path, empty_database), "SECURITY_TEAM": "cli:secops"}
    refused = run_app(tmp_path, env, "audit", "verify")
    assert refused.returncode == 1
    assert f"cli:{login} is not a member of the security team" in refused.stderr
    assert "Audit trail" not in refused.stdout
