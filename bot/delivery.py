"""The delivery worker: takes queued outbox entries to their destinations.

An entry is leased in one short transaction, delivered with no transaction open (a slow
destination must not hold database locks), and its outcome recorded in another. A worker
leases one entry at a time, just before sending it, and renews the lease while the delivery
runs: a worker that dies (kill -9, a lost machine) holds at most the entry it was sending, and
only until the lease (DELIVERY_LEASE, 30 s) runs out; another worker then retries it, and
destinations are idempotent on the entry's key, so a retry never makes a second copy. A
delivery cancelled on shutdown gives its lease back with no outcome, so it is sent on the next
start, or by another replica at once.
A destination that asks to be left alone for a while (RetryLater, e.g. HTTP 429 with
Retry-After) is not tried again before then, up to a day; never sooner than the backoff.

Logs carry ids, references, destination names, attempt counts and exception class names,
never exception messages: those may quote a report, a response body or a token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.destinations import Destination, PermanentDeliveryFailure, RetryLater
from bot.ports import OutboxEntry, OutboxStatus, UnitOfWorkFactory

log = logging.getLogger(__name__)

JITTER = 0.2  # ±20%, so entries that failed together do not all retry in the same instant
# A destination's "come back later" is honoured up to this; beyond it is a mistake or a joke.
MAX_RETRY_LATER = timedelta(days=1)
DEFAULT_LEASE = timedelta(seconds=30)
# One delivery may run for this many leases (120 s with the default lease; each destination has
# its own, shorter, timeout too) while the lease is renewed, then it counts as a failed attempt.
DELIVERY_TIMEOUT_LEASES = 4


class UnknownDestination(PermanentDeliveryFailure):
    """The entry names a destination this process does not have configured."""


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class DeliveryWorker:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        destinations: Mapping[str, Destination],
        clock: Callable[[], datetime],
        *,
        max_attempts: int = 8,
        backoff_base: timedelta = timedelta(seconds=10),
        backoff_max: timedelta = timedelta(hours=1),
        lease: timedelta = DEFAULT_LEASE,
        owner: str | None = None,
        rng: random.Random | None = None,
        poll_interval: float = 1.0,
        batch_size: int = 20,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if lease <= timedelta(0):
            raise ValueError("lease must be positive")
        self._uow_factory = uow_factory
        self._destinations = dict(destinations)
        self._clock = clock
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._lease = lease
        self.owner = owner or default_owner()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._poll_interval = poll_interval
        self._batch_size = batch_size
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Tell the worker there is something new to deliver (call after queuing)."""
        self._wake.set()

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """Deliver what is due now (up to a batch), one entry at a time, until `stop` is set.
        Returns how many deliveries were attempted."""
        attempted: set[int] = set()
        while len(attempted) < self._batch_size and not (stop is not None and stop.is_set()):
            entry = await self._claim_one()
            if entry is None:
                break
            assert entry.id is not None
            if entry.id in attempted:
                # It failed earlier in this pass and is due again already (no backoff): a pass
                # tries each entry once, so it waits for the next one.
                await self._release(entry)
                break
            attempted.add(entry.id)
            await self._attempt(entry)
        return len(attempted)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set. Survives any error in a pass (the database being down...).
        Cancel it to stop at once: a delivery in flight gives its lease back."""
        while not stop.is_set():
            self._wake.clear()
            attempted = 0
            try:
                attempted = await self.run_once(stop)
            except Exception as exc:
                log.error("outbox: delivery pass failed: %s", type(exc).__name__)
            if attempted >= self._batch_size:
                continue  # a full batch: there may be more due right now
            await self._sleep(stop)

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - a deadline for the whole drain
        """Deliver everything due now, for at most `timeout` seconds (before a process exits)."""
        if timeout <= 0:
            return
        try:
            async with asyncio.timeout(timeout):
                while await self.run_once():
                    pass
        except TimeoutError:
            log.warning("outbox: gave up draining after %.1f s; the rest is delivered on next start", timeout)

    async def _sleep(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._poll_interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _claim_one(self) -> OutboxEntry | None:
        now = self._clock()
        async with self._uow_factory() as uow:
            entries = await uow.outbox.claim_due(now, self.owner, now + self._lease, 1)
            await uow.commit()
        return entries[0] if entries else None

    async def _attempt(self, entry: OutboxEntry) -> None:
        renewing = asyncio.create_task(self._keep_leased(entry))
        try:
            error = await self._deliver(entry)
        except asyncio.CancelledError:
            renewing.cancel()
            await self._give_back(entry)
            raise
        finally:
            renewing.cancel()
        await self._record(entry, error)

    async def _keep_leased(self, entry: OutboxEntry) -> None:
        """Renew the lease every third of it while the delivery runs."""
        assert entry.id is not None
        every = self._lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                async with self._uow_factory() as uow:
                    held = await uow.outbox.renew_lease(entry.id, self.owner, self._clock() + self._lease)
                    await uow.commit()
            except Exception as exc:
                log.warning(
                    "outbox: could not renew the lease of delivery %s: %s", entry.id, type(exc).__name__
                )
                continue
            if not held:
                log.warning("outbox: delivery %s is no longer leased to this worker", entry.id)
                return

    async def _give_back(self, entry: OutboxEntry) -> None:
        """A cancelled delivery: no outcome, the lease released, so it is retried at once."""
        try:
            await self._release(entry)
        except Exception as exc:
            log.warning(
                "outbox: delivery %s cancelled; its lease could not be released (%s) and runs out by itself",
                entry.id,
                type(exc).__name__,
            )
            return
        log.info(
            "outbox: delivery %s (%s -> %s) cancelled on shutdown, not delivered; it is retried next start",
            entry.id,
            entry.report_reference,
            entry.destination,
        )

    async def _release(self, entry: OutboxEntry) -> None:
        assert entry.id is not None
        async with self._uow_factory() as uow:
            await uow.outbox.release_lease(entry.id, self.owner)
            await uow.commit()

    async def _deliver(self, entry: OutboxEntry) -> Exception | None:
        destination = self._destinations.get(entry.destination)
        if destination is None:
            return UnknownDestination()
        try:
            async with asyncio.timeout(self._lease.total_seconds() * DELIVERY_TIMEOUT_LEASES):
                await destination.deliver(entry)
        except Exception as exc:
            return exc
        return None

    async def _record(self, entry: OutboxEntry, error: Exception | None) -> None:
        assert entry.id is not None
        now = self._clock()
        where = f"{entry.id} ({entry.report_reference} -> {entry.destination})"
        async with self._uow_factory() as uow:
            if error is None:
                await uow.outbox.mark_delivered(entry.id, now)
                await uow.commit()
                log.info("outbox: delivery %s delivered", where)
                return
            attempts = entry.attempts + 1
            reason = type(error).__name__
            dead = isinstance(error, PermanentDeliveryFailure) or attempts >= self._max_attempts
            delay = self._backoff(attempts)
            if isinstance(error, RetryLater):
                delay = max(delay, min(error.after, MAX_RETRY_LATER))
            retry_at = now + delay
            await uow.outbox.mark_failed(entry.id, attempts, reason, retry_at, dead)
            await uow.commit()
        if dead:
            log.warning(
                "outbox: delivery %s moved to dead-letter after %d attempt%s: %s",
                where,
                attempts,
                "" if attempts == 1 else "s",
                reason,
            )
        else:
            log.info(
                "outbox: delivery %s failed (attempt %d of %d), retrying at %s: %s",
                where,
                attempts,
                self._max_attempts,
                retry_at.isoformat(timespec="seconds"),
                reason,
            )

    def _backoff(self, attempts: int) -> timedelta:
        # The shift is capped so a silly max_attempts cannot overflow timedelta.
        delay = min(self._backoff_base * (1 << min(attempts - 1, 30)), self._backoff_max)
        return delay * (1 + self._rng.uniform(-JITTER, JITTER))


async def requeue(
    uow_factory: UnitOfWorkFactory, entry_id: int, now: datetime, *, force: bool = False
) -> bool:
    """Retry one entry now (a dead one, or a pending one nobody is delivering; with `force`, one
    whose lease a dead worker still holds). False if not possible."""
    async with uow_factory() as uow:
        changed = await uow.outbox.requeue(entry_id, now, force=force)
        await uow.commit()
    return changed


async def requeue_all_dead(uow_factory: UnitOfWorkFactory, now: datetime) -> int:
    """Retry every dead-lettered entry now. Returns how many were requeued."""
    async with uow_factory() as uow:
        dead = await uow.outbox.list(OutboxStatus.DEAD)
        count = 0
        for entry in dead:
            assert entry.id is not None
            count += await uow.outbox.requeue(entry.id, now)
        await uow.commit()
    return count
