"""Where reports go: the security inbox, behind one small interface."""

from __future__ import annotations

from typing import Protocol

from bot.ports import OutboxEntry


class DeliveryFailed(Exception):
    """A delivery that may work if tried again later (the destination is down, busy...)."""


class PermanentDeliveryFailure(DeliveryFailed):
    """A delivery that will never work as it is (bad request): dead-letter it without retrying."""


class Destination(Protocol):
    name: str

    async def deliver(self, entry: OutboxEntry) -> None:
        """Deliver once. Must be idempotent on entry.idempotency_key: a repeat is a no-op."""
        ...
