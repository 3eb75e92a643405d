"""Engines, migrations and units of work: the storage entry points the app wires up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.normalise import DEFAULT_PHONE_REGION, IndexKey, plain_index_key
from storage.protection.keys import KeyRing
from storage.protection.sealing import Sealer
from storage.unit_of_work import SqlUnitOfWork
from storage.write_gate import write_gate

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
_ACCEPTED = (
    "sqlite:///PATH, sqlite+aiosqlite:///PATH, postgresql://..., postgres://..., postgresql+asyncpg://..."
)

# The execution option that marks a read-only unit of work's connection.
READONLY = "tipline_readonly"

# Any constant will do, as long as every Tipline process uses the same one.
_MIGRATION_LOCK_ID = 0x7469706C  # "tipl"


def normalise_database_url(url: str) -> str:
    """The async-driver form of a database URL (sqlite+aiosqlite or postgresql+asyncpg)."""
    scheme, sep, rest = url.strip().partition("://")
    driver = _ASYNC_DRIVERS.get(scheme.lower()) if sep else None
    if driver is None:
        # The URL itself is not repeated: it may hold a password.
        shown = scheme if sep else "(no scheme)"
        raise ValueError(f"unsupported database URL scheme {shown!r}; use one of: {_ACCEPTED}")
    return f"{driver}://{rest}"


def create_engine(url: str) -> AsyncEngine:
    """An engine for `url`. Statement parameters (report content) never appear in logs or errors."""
    async_url = make_url(normalise_database_url(url))
    if async_url.get_backend_name() == "sqlite":
        return _sqlite_engine(async_url)
    return create_async_engine(
        async_url,
        hide_parameters=True,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,  # survive a database restart or an idle-connection reaper
        pool_recycle=1800,
    )


def _sqlite_engine(url: URL) -> AsyncEngine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # aiosqlite logs every statement with its parameters (report content) at DEBUG.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.getLogger("aiosqlite").level))
    engine = create_async_engine(url, hide_parameters=True)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # SAVEPOINT and transactional DDL behave (see the SQLAlchemy SQLite docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # WAL + NORMAL: a commit is in the OS once COMMIT returns, so it survives the
            # process being killed; only a power cut can lose the last few commits.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(READONLY):
            conn.exec_driver_sql("BEGIN")  # a reader never waits for, nor holds up, a writer (WAL)
            return
        # IMMEDIATE takes the write lock up front. A deferred transaction that reads and
        # then writes fails at once with "database is locked" if another process wrote in
        # between (busy_timeout cannot help then); waiting for the lock up front can.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


async def upgrade_database(
    engine: AsyncEngine,
    index_key: IndexKey = plain_index_key,
    region: str = DEFAULT_PHONE_REGION,
    data_keys: KeyRing | None = None,
) -> None:
    """Apply every migration not yet applied. Safe to call on each start, from several processes.
    `index_key` and `region` are the unit of work's: a migration that fills the indicator index
    writes what the repositories would. `data_keys`: a migration that seals values already there
    seals them under the current one (without it they stay plain until `keys rotate`)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, index_key, region, data_keys)


def _upgrade(connection: Connection, index_key: IndexKey, region: str, data_keys: KeyRing | None) -> None:
    if connection.dialect.name == "postgresql":
        # Two replicas starting together would both try to create the tables; the second
        # waits here for the first to commit, then finds nothing left to do. (On SQLite the
        # BEGIN IMMEDIATE of this transaction already serialises them.)
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["index_key"] = index_key
    config.attributes["phone_region"] = region
    config.attributes["data_keys"] = data_keys
    command.upgrade(config, "head")


def unit_of_work_factory(
    engine: AsyncEngine, sealer: Sealer, region: str = DEFAULT_PHONE_REGION
) -> Callable[..., SqlUnitOfWork]:
    """`sealer`: encryption at rest, and the blind index key the report index keeps each normal
    form by (storage.protection); `region`: the phone region (PHONE_REGION) numbers without a
    country code are read in."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    options: dict[str, Any] = {READONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    reading = async_sessionmaker(engine.execution_options(**options), expire_on_commit=False)

    gate = write_gate(engine)

    def new_unit_of_work(readonly: bool = False) -> SqlUnitOfWork:
        if readonly:
            return SqlUnitOfWork(reading, sealer, None, region)
        return SqlUnitOfWork(sessions, sealer, gate, region)

    return new_unit_of_work
