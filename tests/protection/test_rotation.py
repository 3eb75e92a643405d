"""`python app.py keys rotate`, the real process: killed half-way it resumes and finishes; until it
has finished the old key is still needed to start; rows from before encryption are sealed too."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from bot.ports import ConversationStatus
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.models import ReportRow
from storage.protection.keys import KeyRing, data_key
from storage.protection.sealing import Sealer
from storage.protection.vault import open_vault
from tests.e2e.console import APP, app_env, run_app
from tests.factories import make_report
from tests.flows.helpers import FULL
from tests.protection.raw import raw_rows

OLD, NEW = bytes(range(32)), bytes(range(200, 232))
OLD_ID, NEW_ID = data_key(OLD).id, data_key(NEW).id
CANARY = "Pangolin-Harbour-7730"
NOW = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


async def fill(url: str, conversations: int, reports: int, legacy: int) -> None:
    """Values sealed under the old key, and `legacy` reports as an older Tipline left them (plain)."""
    engine = create_engine(url)
    try:
        await upgrade_database(engine)
        sealer = await open_vault(engine, KeyRing((data_key(OLD),), "test"))
        made = [make_report(what_happened=f"{CANARY} number {n}") for n in range(reports)]
        async with unit_of_work_factory(engine, sealer)() as uow:
            for n in range(conversations):
                await uow.conversations.save(f"k{n}", {"typed": CANARY}, ConversationStatus.ACTIVE, None, NOW)
            for report in made:
                await uow.reports.add(report)
            await uow.commit()
        async with engine.begin() as conn:
            for report in made[:legacy]:
                await conn.execute(
                    update(ReportRow)
                    .where(ReportRow.reference == report.reference)
                    .values(document=report.model_dump(mode="json"))
                )
    finally:
        await engine.dispose()


def rows(url: str) -> str:
    async def read() -> str:
        engine = create_engine(url)
        try:
            return await raw_rows(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_a_rotation_killed_half_way_resumes_and_finishes(tmp_path: Path, empty_database: str):
    asyncio.run(fill(empty_database, conversations=300, reports=20, legacy=5))
    evidence = tmp_path / "var" / "evidence" / "T0TEAM"
    evidence.mkdir(parents=True)
    old_sealer = Sealer(KeyRing((data_key(OLD),), "test"), b"")
    (evidence / "F1-shot.png").write_bytes(old_sealer.seal_file(b"PNG " + CANARY.encode(), "F1-shot.png"))
    (evidence / "F2-kept-before.txt").write_bytes(b"plain " + CANARY.encode())
    assert CANARY in rows(empty_database), "the legacy rows are plain text before rotation"
    both = {**app_env(tmp_path, empty_database), "TIPLINE_DATA_KEYS": f"{b64(OLD)},{b64(NEW)}"}
    del both["TIPLINE_DATA_KEY"]

    rotating = subprocess.Popen(
        [sys.executable, str(APP), "keys", "rotate", "--batch", "2"],
        cwd=tmp_path,
        env=both,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert rotating.stdout is not None
    for line in rotating.stdout:
        if "re-sealed so far" in line:
            rotating.kill()  # SIGKILL, half-way through the conversations
            break
    rotating.wait(timeout=30)
    rotating.stdout.close()
    rotating.stderr.close() if rotating.stderr else None
    assert rotating.returncode == -9

    half = rows(empty_database)
    assert f"tl1.{NEW_ID}." in half and f"tl1.{OLD_ID}." in half, "some rows moved, some not yet"
    only_new = {**both, "TIPLINE_DATA_KEYS": b64(NEW)}
    refused = run_app(tmp_path, only_new, "reports", "list")
    assert refused.returncode == 2 and "the wrong key" in refused.stderr, (
        "the old key is needed until it finishes"
    )
    assert run_app(tmp_path, both, "reports", "list").returncode == 0, "meanwhile everything reads"

    finished = run_app(tmp_path, both, "keys", "rotate", "--batch", "50")
    assert finished.returncode == 0, finished.stderr
    assert f"nothing needs key {OLD_ID} any more" in finished.stdout

    after = rows(empty_database)
    assert f"tl1.{OLD_ID}." not in after and CANARY not in after, "all sealed, and all under the new key"
    exported = run_app(tmp_path, only_new, "reports", "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.count(CANARY) == 20, "every report reads with the new key alone"
    again = run_app(tmp_path, only_new, "keys", "rotate")
    assert again.returncode == 0 and "Re-sealed 0 values" in again.stdout

    for kept in evidence.iterdir():
        assert (
            kept.read_bytes().startswith(b"TLF1" + NEW_ID.encode())
            and CANARY.encode() not in kept.read_bytes()
        )
    opened = run_app(
        tmp_path, only_new, "evidence", "open", str(evidence / "F1-shot.png"), "--output", "shot.png"
    )
    assert opened.returncode == 0, opened.stderr
    assert (tmp_path / "shot.png").read_bytes() == b"PNG " + CANARY.encode()
    assert (tmp_path / "shot.png").stat().st_mode & 0o077 == 0
    assert "evidence.opened" in rows(empty_database), "every opening is audited"

    outsider = {**only_new, "SECURITY_TEAM": "slack:U0SOMEONEELSE"}
    refused = run_app(tmp_path, outsider, "evidence", "open", str(evidence / "F1-shot.png"))
    assert refused.returncode == 1 and "Only the security team" in refused.stderr
    assert CANARY not in refused.stdout


def test_the_audit_trail_still_verifies_after_a_rotation(tmp_path: Path, empty_database: str):
    """The chain's hashes are over the plain entries, so re-sealing them under a new key keeps them."""
    env = app_env(tmp_path, empty_database)
    script = "\n".join([*FULL[:2], "2", "send", "2"]) + "\n"
    assert run_app(tmp_path, env, "chat", "--user", "alice", stdin=script).returncode == 0
    both = {**env, "TIPLINE_DATA_KEYS": f"{env['TIPLINE_DATA_KEY']},{b64(NEW)}"}
    del both["TIPLINE_DATA_KEY"]
    rotated = run_app(tmp_path, both, "keys", "rotate")
    assert rotated.returncode == 0 and "Finished" in rotated.stdout, rotated.stdout + rotated.stderr
    assert f"tl1.{NEW_ID}." in rows(empty_database)
    verified = run_app(tmp_path, {**both, "TIPLINE_DATA_KEYS": b64(NEW)}, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
