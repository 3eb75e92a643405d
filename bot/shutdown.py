"""A bounded stop: one grace period from the signal, shared by every step that follows it.

On SIGTERM the server stops accepting, turns already answered get to finish, deliveries get to
go out; whatever is still running when the grace (SHUTDOWN_GRACE) is used up is cancelled. A
cancelled delivery gives its lease back with no outcome, so it is sent on the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)
UNWIND_SECONDS = 0.8  # for cancelled work to run its cleanup (release a lease) before we go on


class Grace:
    """Seconds left to stop in. The clock starts at `begin()` (the signal, or the end of a chat)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline: float | None = None

    def begin(self) -> None:
        if self._deadline is None:
            self._deadline = time.monotonic() + self.seconds

    @property
    def begun(self) -> bool:
        return self._deadline is not None

    def left(self) -> float:
        self.begin()
        assert self._deadline is not None
        return max(0.0, self._deadline - time.monotonic())


async def finish(tasks: Iterable[asyncio.Task[Any]], grace: Grace, what: str) -> int:
    """Wait for `tasks` while the grace lasts, then cancel the rest and wait for them to unwind
    (their cleanup is short: a lease released). Returns how many were cancelled."""
    pending = {task for task in tasks if not task.done()}
    if pending and grace.left() > 0:
        _, pending = await asyncio.wait(pending, timeout=grace.left())
    for task in pending:
        task.cancel()
    if pending:
        log.warning("stopping: the grace period is over; cancelled %d %s still running", len(pending), what)
        await asyncio.wait(pending, timeout=UNWIND_SECONDS)
    return len(pending)
