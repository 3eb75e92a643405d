"""The delivery worker honours a destination's "come back later" (RetryLater), within reason."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.delivery import MAX_RETRY_LATER, DeliveryWorker
from bot.destinations import RetryLater
from bot.inbox_events import EventKind
from bot.ports import OutboxEntry, OutboxStatus
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock, make_report
from tests.inbox.events import entry_for, event

UowFactory = Callable[[], SqlUnitOfWork]
BASE = timedelta(seconds=10)
SECRET = "SENTINEL-busy-because-of-the-roadmap"


class Throttled:
    name = "webhook"

    def __init__(self, after: timedelta, times: int = 1) -> None:
        self.after = after
        self.times = times
        self.calls = 0

    async def deliver(self, entry: OutboxEntry) -> None:
        self.calls += 1
        if self.calls <= self.times:
            raise RetryLater(self.after, f"busy: {SECRET}")


def _worker(uow_factory: UowFactory, destination: Throttled, clock: Clock, **kwargs) -> DeliveryWorker:
    options = {"backoff_base": BASE, "backoff_max": timedelta(minutes=10), "rng": random.Random(1)} | kwargs
    return DeliveryWorker(uow_factory, {"webhook": destination}, clock, owner="test", **options)


async def _queue(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.outbox.add(entry_for(event(EventKind.SUBMITTED, make_report()), "webhook"))
        await uow.commit()


async def _entry(uow_factory: UowFactory) -> OutboxEntry:
    async with uow_factory() as uow:
        [entry] = await uow.outbox.list()
    return entry


async def test_a_longer_wait_than_the_backoff_is_honoured_to_the_second(
    uow_factory: UowFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    destination = Throttled(timedelta(minutes=2))
    worker = _worker(uow_factory, destination, clock)
    await _queue(uow_factory)
    start = clock.now

    assert await worker.run_once() == 1
    entry = await _entry(uow_factory)
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.PENDING, 1, "RetryLater")
    assert entry.next_attempt_at == start + timedelta(minutes=2)

    clock.now = entry.next_attempt_at - timedelta(seconds=1)
    assert await worker.run_once() == 0  # not before the receiver said
    clock.now = entry.next_attempt_at
    assert await worker.run_once() == 1
    assert (await _entry(uow_factory)).status is OutboxStatus.DELIVERED
    assert destination.calls == 2
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.endswith(": RetryLater") for m in messages)
    assert all(SECRET not in m for m in messages)


async def test_a_shorter_wait_than_the_backoff_gets_the_backoff(uow_factory: UowFactory) -> None:
    clock = Clock()
    await _queue(uow_factory)
    assert await _worker(uow_factory, Throttled(timedelta(seconds=1)), clock).run_once() == 1
    entry = await _entry(uow_factory)
    assert clock.now + BASE * 0.8 <= entry.next_attempt_at <= clock.now + BASE * 1.2


async def test_an_absurd_wait_is_capped_at_a_day(uow_factory: UowFactory) -> None:
    clock = Clock()
    await _queue(uow_factory)
    assert await _worker(uow_factory, Throttled(timedelta(days=365)), clock).run_once() == 1
    assert (
        (await _entry(uow_factory)).next_attempt_at
        == clock.now + MAX_RETRY_LATER
        == clock.now + timedelta(days=1)
    )


async def test_being_told_to_wait_still_counts_towards_the_attempt_limit(uow_factory: UowFactory) -> None:
    clock = Clock()
    destination = Throttled(timedelta(seconds=30), times=100)
    worker = _worker(uow_factory, destination, clock, max_attempts=2)
    await _queue(uow_factory)
    for _ in range(2):
        assert await worker.run_once() == 1
        clock.now = (await _entry(uow_factory)).next_attempt_at
    entry = await _entry(uow_factory)
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.DEAD, 2, "RetryLater")


def test_a_negative_wait_means_no_wait() -> None:
    assert RetryLater(timedelta(seconds=-5)).after == timedelta(0)
