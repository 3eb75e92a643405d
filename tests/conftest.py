"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL says so (.ci/run does both).

Under pytest-xdist each worker wipes and migrates its own PostgreSQL database, `<db>_gw0`,
`<db>_gw1`, ..., made from TEST_DATABASE_URL's (created on first use), so workers never share
one; SQLite needs nothing, every test has its own file."""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BASE_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _per_worker(url: str, worker: str) -> str:
    """`postgresql+asyncpg://host/test_h4` -> `.../test_h4_gw0` for xdist worker gw0."""
    if not worker or not url.startswith("postgres"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{worker}"))


TEST_DATABASE_URL = _per_worker(BASE_DATABASE_URL, WORKER)

# Every app.py the suite starts (and every test's settings read from the environment) uses the
# suite's raw key (tests/keys.py), so a test can open what the app wrote; the tests of key
# handling itself (tests/protection) set or clear it as they need.
os.environ["TIPLINE_DATA_KEY"] = base64.b64encode(bytes(range(32))).decode()


def on_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgres")


def pytest_sessionstart(session: pytest.Session) -> None:
    if on_postgres() and TEST_DATABASE_URL != BASE_DATABASE_URL:
        asyncio.run(_create_database(BASE_DATABASE_URL, urlsplit(TEST_DATABASE_URL).path.lstrip("/")))


async def _create_database(base_url: str, name: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from storage.db import normalise_database_url

    engine = create_async_engine(normalise_database_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A URL for an empty database: a fresh SQLite file, or the PostgreSQL test database wiped clean."""
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'tipline.db'}"


@pytest.fixture
async def empty_database(database_url: str) -> AsyncIterator[str]:
    if on_postgres():
        await _wipe_postgres(database_url)
    yield database_url


async def _wipe_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from storage.db import normalise_database_url

    engine = create_async_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
