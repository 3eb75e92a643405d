"""Database URLs, engines and migrations."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from storage.db import alembic_config, create_engine, normalise_database_url, upgrade_database
from storage.models import metadata
from storage.protection.fields import CONVERSATION_STATE
from storage.unit_of_work import SqlUnitOfWork
from tests.conftest import on_postgres
from tests.factories import make_report
from tests.keys import TEST_SEALER

ROOT = Path(__file__).resolve().parents[2]
sqlite_only = pytest.mark.skipif(on_postgres(), reason="SQLite file behaviour")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///var/tipline.db", "sqlite+aiosqlite:///var/tipline.db"),
        ("sqlite:////abs/tipline.db", "sqlite+aiosqlite:////abs/tipline.db"),
        ("sqlite+aiosqlite:///var/tipline.db", "sqlite+aiosqlite:///var/tipline.db"),
        ("postgresql://u:p@db:5432/tip", "postgresql+asyncpg://u:p@db:5432/tip"),
        ("postgres://u@db/tip", "postgresql+asyncpg://u@db/tip"),
        ("postgresql+asyncpg://u@db/tip", "postgresql+asyncpg://u@db/tip"),
        ("  POSTGRESQL://u@db/tip\n", "postgresql+asyncpg://u@db/tip"),
    ],
)
def test_database_urls_are_normalised_to_async_drivers(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


@pytest.mark.parametrize(
    "url", ["mysql://admin:hunter2@db/tip", "postgresql+psycopg2://admin:hunter2@db/tip", "var/tipline.db"]
)
def test_an_unsupported_url_names_the_accepted_forms_without_echoing_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database URL") as caught:
        normalise_database_url(url)
    message = str(caught.value)
    assert "sqlite:///" in message and "postgresql://" in message
    assert "hunter2" not in message
    assert "\n" not in message


def _schema_diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def test_upgrade_creates_exactly_the_models_schema_and_can_run_again(empty_database: str) -> None:
    engine = create_engine(empty_database)
    try:
        await upgrade_database(engine)
        await upgrade_database(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_schema_diff) == []
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert await conn.run_sync(_current_revision) == head
    finally:
        await engine.dispose()


async def test_two_processes_migrating_at_once_both_succeed(empty_database: str) -> None:
    # Two engines have separate connection pools, as two processes would.
    engines = [create_engine(empty_database), create_engine(empty_database)]
    try:
        await asyncio.gather(*(upgrade_database(e) for e in engines))
        async with engines[0].connect() as conn:
            assert await conn.run_sync(_schema_diff) == []
    finally:
        for e in engines:
            await e.dispose()


@sqlite_only
async def test_sqlite_engine_creates_the_directory_and_sets_durable_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "tipline.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        async with engine.connect() as conn:
            pragmas = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        await engine.dispose()
    assert path.exists()
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 5000}


@sqlite_only
async def test_a_commit_survives_the_process_being_killed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tipline.db'}"
    child = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from datetime import UTC, datetime
        from bot.ports import ConversationStatus
        from storage.db import create_engine, unit_of_work_factory, upgrade_database
        from tests.keys import TEST_SEALER

        async def main():
            engine = create_engine({url!r})
            await upgrade_database(engine)
            async with unit_of_work_factory(engine, TEST_SEALER)() as uow:
                now = datetime.now(UTC)
                await uow.conversations.save("k", {{"step": 3}}, ConversationStatus.ACTIVE, None, now)
                await uow.commit()
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", child, cwd=ROOT)
    assert await asyncio.wait_for(process.wait(), timeout=30) == -signal.SIGKILL

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            state = (await conn.execute(text("SELECT state FROM conversations WHERE key = 'k'"))).scalar()
    finally:
        await engine.dispose()
    assert state is not None and "step" not in state  # sealed at rest
    assert TEST_SEALER.open_json(json.loads(state), CONVERSATION_STATE, "k") == {"step": 3}


async def test_report_content_reaches_neither_debug_logs_nor_error_messages(
    uow_factory: Callable[[], SqlUnitOfWork], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "SENTINEL-met-a-handler-in-vienna"
    report = make_report(what_happened=secret)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.reports.get(report.reference) == report
        with pytest.raises(IntegrityError) as caught:
            await uow.session.execute(
                text("INSERT INTO processed_events (source, event_id, processed_at) VALUES ('x', :id, NULL)"),
                {"id": secret},
            )
    assert secret not in str(caught.value)
    assert all(secret not in record.getMessage() for record in caplog.records)
