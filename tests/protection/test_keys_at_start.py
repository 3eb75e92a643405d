"""The data key at start-up, through the real app.py: made on the embedded default's first run,
required on PostgreSQL, and a missing or wrong key stops start-up in one line with nothing changed."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

import pytest

from storage.db import create_engine
from tests.conftest import on_postgres
from tests.e2e.console import app_env, run_app
from tests.flows.helpers import FULL
from tests.protection.raw import raw_rows

OTHER_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def report_script() -> str:
    return "\n".join([*FULL[:2], "2", "send", "2"]) + "\n"


def without_key(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in ("TIPLINE_DATA_KEY", "TIPLINE_DATA_KEYS", "KEY_FILE")}


def database_rows(url: str) -> str:
    async def read() -> str:
        engine = create_engine(url)
        try:
            return await raw_rows(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


@pytest.fixture
def env(tmp_path: Path, empty_database: str) -> dict[str, str]:
    return app_env(tmp_path, empty_database)


@pytest.mark.skipif(on_postgres(), reason="the embedded default is SQLite")
def test_the_first_run_makes_a_key_says_where_and_later_runs_use_it(tmp_path: Path, env):
    env = without_key(env)
    first = run_app(tmp_path, env, "chat", "--user", "alice", stdin=report_script())
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "tipline.key"
    assert f"Generated the data key that encrypts reports at rest: {key_file}" in first.stderr
    assert "Back it up" in first.stderr
    assert key_file.stat().st_mode & 0o777 == 0o600

    later = run_app(tmp_path, env, "reports", "export", "--format", "csv")
    assert later.returncode == 0, later.stderr
    assert "Generated" not in later.stderr
    assert "Anna" in later.stdout or "anna" in later.stdout.lower()


@pytest.mark.skipif(on_postgres(), reason="the embedded default is SQLite")
def test_a_lost_generated_key_is_not_replaced_by_a_new_one(tmp_path: Path, env):
    env = without_key(env)
    assert run_app(tmp_path, env, "chat", "--user", "alice", stdin=report_script()).returncode == 0
    key_file = tmp_path / "var" / "tipline.key"
    key_file.rename(tmp_path / "elsewhere.key")
    refused = run_app(tmp_path, env, "reports", "list")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "restore it from your backup" in refused.stderr and str(key_file) in refused.stderr
    assert not key_file.exists(), "no new key was made"


def test_a_wrong_key_is_refused_in_one_line_and_nothing_changes(tmp_path: Path, env):
    assert run_app(tmp_path, env, "chat", "--user", "alice", stdin=report_script()).returncode == 0
    before = database_rows(env["DATABASE_URL"])
    for command in (["chat", "--user", "alice"], ["reports", "list"], ["keys", "rotate"]):
        refused = run_app(tmp_path, {**env, "TIPLINE_DATA_KEY": OTHER_KEY}, *command, stdin="report\n")
        assert refused.returncode == 2, refused.stdout
        assert refused.stderr.count("\n") == 1, refused.stderr
        assert "the wrong key" in refused.stderr and "nothing was changed" in refused.stderr
        assert OTHER_KEY not in refused.stderr and env["TIPLINE_DATA_KEY"] not in refused.stderr
    assert database_rows(env["DATABASE_URL"]) == before
    assert run_app(tmp_path, env, "reports", "list").returncode == 0, "the right key still opens it"


def test_a_key_file_others_can_read_is_refused(tmp_path: Path, env):
    key_file = tmp_path / "data.key"
    key_file.write_text(OTHER_KEY + "\n")
    os.chmod(key_file, 0o644)
    refused = run_app(tmp_path, {**without_key(env), "KEY_FILE": str(key_file)}, "reports", "list")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "KEY_FILE" in refused.stderr and "chmod 600" in refused.stderr
    os.chmod(key_file, 0o600)
    assert (
        run_app(tmp_path, {**without_key(env), "KEY_FILE": str(key_file)}, "reports", "list").returncode == 0
    )


@pytest.mark.parametrize("key", ["not base64 at all!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_is_one_line(tmp_path: Path, env, key: str):
    refused = run_app(tmp_path, {**env, "TIPLINE_DATA_KEY": key}, "reports", "list")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "TIPLINE_DATA_KEY" in refused.stderr
    assert "keys new" in refused.stderr


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL has no default key")
def test_postgresql_without_a_key_refuses_to_start(tmp_path: Path, env):
    refused = run_app(tmp_path, without_key(env), "reports", "list")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "no data key" in refused.stderr
    assert not (tmp_path / "var" / "tipline.key").exists()


def test_keys_new_prints_a_usable_key(tmp_path: Path, env):
    made = run_app(tmp_path, env, "keys", "new")
    assert made.returncode == 0
    key = made.stdout.strip()
    assert len(base64.b64decode(key)) == 32
    assert run_app(tmp_path, {**env, "TIPLINE_DATA_KEY": key}, "reports", "list").returncode == 0
