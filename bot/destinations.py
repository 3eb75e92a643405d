"""Where reports go: the security inbox, behind one small interface."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.ports import OutboxEntry


class DeliveryFailed(Exception):
    """A delivery that may work if tried again later (the destination is down, busy...)."""


class PermanentDeliveryFailure(DeliveryFailed):
    """A delivery that will never work as it is (bad request): dead-letter it without retrying."""


class RetryLater(DeliveryFailed):
    """The destination asked us to come back later (HTTP 429 with Retry-After, say).

    The worker waits at least `after` (capped at a day) and at least its own backoff.
    """

    def __init__(self, after: timedelta, message: str = "the destination asked to retry later") -> None:
        super().__init__(message)
        self.after = max(after, timedelta(0))


class Destination(Protocol):
    name: str

    async def deliver(self, entry: OutboxEntry) -> None:
        """Deliver once. Must be idempotent on entry.idempotency_key: a repeat is a no-op."""
        ...
