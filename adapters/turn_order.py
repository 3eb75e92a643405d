"""Work acknowledged now and done right after: tracked tasks, one conversation at a time.

Chat platforms want an answer to each request at once (Slack within 3 s, the Bot Framework
within 15 s) while a turn writes to the database and calls the platform back. The request is
answered first and the turn runs in a tracked task; a person's turns run one at a time, in
the order they arrived, so two quick messages can't overtake each other.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Coroutine, Hashable
from contextlib import asynccontextmanager
from typing import Any


class KeyedLocks:
    """One lock per conversation, forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class BackgroundTurns:
    """Tasks started after a request was answered, kept until done so none is lost on shutdown."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._log = log
        self._what = what

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The class only: an exception's message may quote a report or a response body.
            self._log.error("%s failed: %s", self._what, type(task.exception()).__name__)

    async def drain(self, within: float = 10.0, *, abandon: bool = False) -> None:
        """Let work already acknowledged finish (on shutdown, and in tests). `abandon`: cancel
        what is still running after `within` seconds (a bounded stop)."""
        deadline = time.monotonic() + within
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(set(self._tasks), timeout=max(0.0, deadline - time.monotonic()))
        if abandon and self._tasks:
            left = set(self._tasks)
            self._log.warning("stopping: abandoned %d %s still running", len(left), self._what)
            for task in left:
                task.cancel()
            await asyncio.wait(left, timeout=0.5)
