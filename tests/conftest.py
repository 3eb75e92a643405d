"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL says so (.ci/run does both)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def on_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgres")


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
