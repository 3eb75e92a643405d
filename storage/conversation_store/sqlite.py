"""The conversation store on SQLite: each call is one hand-off to a thread that owns a plain
sqlite3 connection, and saves that arrive together share one commit (group commit): each
turn's save is acknowledged only once the commit that holds it has returned.

SQLAlchemy's async layer over aiosqlite hops threads once per cursor call (about 15 times a
turn); here a load is one hop and a save is one hop. The statements are written once, and
values go through the models' own column types, so rows read and written here are the rows
the ORM repositories read and write.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect

from bot.ports import ConcurrencyConflict, ConversationStatus, LoadedConversation, StoredConversation
from storage.models import ConversationRow
from storage.protection.fields import CONVERSATION_STATE
from storage.protection.sealing import Sealer, from_json_text, json_text

# One row always comes back: the conversation's columns (NULL when there is none) and
# whether the event was already handled.
_LOAD = (
    "SELECT c.status, c.state, c.version, c.updated_at, c.expires_at,"
    " EXISTS (SELECT 1 FROM processed_events WHERE source = ? AND event_id = ?)"
    " FROM (SELECT 1) LEFT JOIN conversations AS c ON c.key = ?"
)
_RECORD_EVENT = (
    "INSERT INTO processed_events (source, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)
_FORGET_EVENT = "DELETE FROM processed_events WHERE source = ? AND event_id = ?"
_INSERT = (
    "INSERT INTO conversations (key, status, state, version, created_at, updated_at, expires_at)"
    " VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING"
)
_UPDATE = (
    "UPDATE conversations SET status = ?, state = ?, version = ?, updated_at = ?, expires_at = ?"
    " WHERE key = ? AND version = ?"
)
_MAX_BATCH = 256  # saves committed together at most


def _connect(path: str) -> sqlite3.Connection:
    # The same settings as storage.db gives the engine's connections: WAL + NORMAL, so a
    # commit survives the process being killed once COMMIT returns.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


class _Columns:
    """The conversations table's column types, as SQLAlchemy converts them for SQLite."""

    def __init__(self, dialect: Dialect) -> None:
        cols = ConversationRow.__table__.c

        def bind(name: str) -> Callable[[Any], Any]:
            return cols[name].type.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)

        def result(name: str) -> Callable[[Any], Any]:
            return cols[name].type.dialect_impl(dialect).result_processor(dialect, None) or (lambda v: v)

        self.state_in, self.state_out = bind("state"), result("state")
        self.time_in, self.time_out = bind("updated_at"), result("updated_at")


@dataclass
class _Save:
    key: str
    values: tuple[Any, ...]  # status, state, updated_at, expires_at (converted)
    expected_version: int | None
    event: tuple[str, str, Any] | None
    created_at: Any
    future: asyncio.Future[int] = field(repr=False)


class SqliteConversationStore:
    def __init__(
        self,
        path: str,
        dialect: Dialect,
        sealer: Sealer,
        gate: asyncio.Lock | None = None,
        max_batch: int = _MAX_BATCH,
    ) -> None:
        self._path = path
        self._sealer = sealer  # the state is sealed here, as the unit of work's repository seals it
        self._max_batch = max_batch  # 1: a commit per save (the benches compare)
        self._columns = _Columns(dialect)
        self._local = threading.local()
        # Loads never wait behind a save: each has its own thread and connection (WAL readers
        # don't block on the writer).
        self._reads = ThreadPoolExecutor(1, "tipline-db-read", initializer=self._open)
        self._writes = ThreadPoolExecutor(1, "tipline-db-write", initializer=self._open)
        # Shared with the unit of work's writers in this process (storage.write_gate).
        self._gate = gate or asyncio.Lock()
        self._pending: list[_Save] = []
        self._committer: asyncio.Task[None] | None = None
        self.hand_offs = 0  # calls into the database threads, for the counting test and the benches
        self.saves = 0
        self.batches = 0  # commits of the save thread
        self.trace: Callable[[str], None] | None = None  # every statement run, when set

    # ---- the port -------------------------------------------------------------------------
    async def load(self, key: str, event: tuple[str, str] | None) -> LoadedConversation:
        self.hand_offs += 1
        loop = asyncio.get_running_loop()
        row = await loop.run_in_executor(self._reads, self._read, key, event)
        seen = bool(row[5])
        if row[2] is None:
            return LoadedConversation(None, seen)
        cols = self._columns
        stored = StoredConversation(
            key=key,
            state=self._sealer.open_json(from_json_text(row[1], cols.state_out), CONVERSATION_STATE, key),
            status=ConversationStatus(row[0]),
            version=row[2],
            updated_at=cols.time_out(row[3]),
            expires_at=cols.time_out(row[4]),
        )
        return LoadedConversation(stored, seen)

    async def save(
        self,
        key: str,
        state: dict[str, Any],
        status: ConversationStatus,
        expected_version: int | None,
        now: datetime,
        expires_at: datetime | None,
        event: tuple[str, str] | None,
    ) -> int:
        cols = self._columns
        stamp = cols.time_in(now)
        job = _Save(
            key,
            (
                status.value,
                json_text(self._sealer.seal_json(state, CONVERSATION_STATE, key), cols.state_in),
                stamp,
                cols.time_in(expires_at),
            ),
            expected_version,
            (event[0], event[1], stamp) if event is not None else None,
            stamp,
            asyncio.get_running_loop().create_future(),
        )
        self.hand_offs += 1
        self.saves += 1
        self._pending.append(job)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_pending())
        return await job.future

    async def close(self) -> None:
        if self._committer is not None:
            await self._committer
        self._reads.shutdown(wait=True)
        self._writes.shutdown(wait=True)

    # ---- group commit ---------------------------------------------------------------------
    async def _commit_pending(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            async with self._gate:
                # Whatever arrived while the last commit ran (or while waiting for the gate)
                # is committed together.
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                try:
                    outcomes = await loop.run_in_executor(self._writes, self._commit, batch)
                except BaseException as error:  # cancelled: the turns hear it
                    outcomes = [error] * len(batch)
                    raise
                finally:
                    # Acknowledged only now, after the commit that holds them.
                    for job, outcome in zip(batch, outcomes, strict=True):
                        _settle(job.future, outcome)

    # ---- on the database threads ----------------------------------------------------------
    def _open(self) -> None:
        self._local.conn = _connect(self._path)

    def _read(self, key: str, event: tuple[str, str] | None) -> tuple[Any, ...]:
        conn: sqlite3.Connection = self._local.conn
        conn.set_trace_callback(self.trace)
        source, event_id = event if event is not None else ("", "")
        row: tuple[Any, ...] = conn.execute(_LOAD, (source, event_id, key)).fetchone()
        return row

    def _commit(self, batch: list[_Save]) -> list[int | BaseException]:
        conn: sqlite3.Connection = self._local.conn
        conn.set_trace_callback(self.trace)
        self.batches += 1
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                outcomes = [self._write(conn, job) for job in batch]
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except Exception as error:
            return [error] * len(batch)
        return outcomes

    def _write(self, conn: sqlite3.Connection, job: _Save) -> int | BaseException:
        if job.event is not None and conn.execute(_RECORD_EVENT, job.event).rowcount != 1:
            return ConcurrencyConflict("the event was handled meanwhile")
        status, state, stamp, expires_at = job.values
        if job.expected_version is None:
            written = conn.execute(_INSERT, (job.key, status, state, job.created_at, stamp, expires_at))
            version = 1
        else:
            version = job.expected_version + 1
            written = conn.execute(
                _UPDATE, (status, state, version, stamp, expires_at, job.key, job.expected_version)
            )
        if written.rowcount == 1:
            return version
        if job.event is not None:
            conn.execute(_FORGET_EVENT, job.event[:2])  # ours, from this transaction: undone
        return ConcurrencyConflict("the conversation was saved elsewhere meanwhile")


def _settle(future: asyncio.Future[int], outcome: int | BaseException) -> None:
    if future.done():  # the turn was cancelled meanwhile
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
