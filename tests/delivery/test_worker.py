"""The delivery worker against a real database, a real inbox file and fake destinations."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.inbox.file_inbox import FileInbox
from bot.delivery import DeliveryWorker, requeue, requeue_all_dead
from bot.destinations import DeliveryFailed, Destination, PermanentDeliveryFailure
from bot.ports import OutboxEntry, OutboxStatus
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock, make_entry, make_report
from tests.keys import TEST_SEALER

UowFactory = Callable[[], SqlUnitOfWork]
SECRET = "SENTINEL-they-asked-for-the-roadmap"
BASE = timedelta(seconds=10)


class FlakyInbox:
    """Fails the first `failures` deliveries (quoting the report, as a careless API might), then
    writes to a real file inbox."""

    name = "file"

    def __init__(self, path: Path, failures: int, error: type[DeliveryFailed] = DeliveryFailed) -> None:
        self.inbox = FileInbox(path)
        self.failures = failures
        self.error = error
        self.calls = 0

    async def deliver(self, entry: OutboxEntry) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error(f"upstream rejected {entry.payload['what_happened']}")
        await self.inbox.deliver(entry)

    def delivered_ids(self) -> list[str]:
        if not self.inbox.path.exists():
            return []
        return [json.loads(line)["delivery_id"] for line in self.inbox.path.read_text().splitlines()]


class Hangs:
    name = "file"

    async def deliver(self, entry: OutboxEntry) -> None:
        await asyncio.sleep(60)


def _worker(uow_factory: UowFactory, destination: Destination, clock: Clock, **kwargs: Any) -> DeliveryWorker:
    options: dict[str, Any] = {
        "max_attempts": 5,
        "backoff_base": BASE,
        "backoff_max": timedelta(minutes=10),
        "rng": random.Random(1),
        "owner": "test-worker",
    }
    options.update(kwargs)
    return DeliveryWorker(uow_factory, {"file": destination}, clock, **options)


async def _queue(uow_factory: UowFactory, *entries: OutboxEntry) -> None:
    async with uow_factory() as uow:
        for entry in entries:
            await uow.outbox.add(entry)
        await uow.commit()


async def _entries(uow_factory: UowFactory) -> list[OutboxEntry]:
    async with uow_factory() as uow:
        return list(await uow.outbox.list())


async def _eventually(condition: Callable[[], bool], seconds: float = 5) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the worker did not get there in time")


def _secret_entry() -> OutboxEntry:
    return make_entry(make_report(what_happened=SECRET))


async def test_a_flaky_destination_is_retried_with_backoff_and_delivered_once(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    clock = Clock()
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=2)
    worker = _worker(uow_factory, destination, clock)
    entry = make_entry()
    await _queue(uow_factory, entry)

    assert await worker.run_once() == 1
    [first] = await _entries(uow_factory)
    assert (first.status, first.attempts) == (OutboxStatus.PENDING, 1)
    assert clock.now + BASE * 0.8 <= first.next_attempt_at <= clock.now + BASE * 1.2

    clock.now = first.next_attempt_at - timedelta(milliseconds=1)
    assert await worker.run_once() == 0  # not due yet
    clock.now = first.next_attempt_at
    assert await worker.run_once() == 1
    [second] = await _entries(uow_factory)
    assert second.attempts == 2
    assert clock.now + BASE * 1.6 <= second.next_attempt_at <= clock.now + BASE * 2.4  # doubled

    clock.now = second.next_attempt_at
    assert await worker.run_once() == 1
    [done] = await _entries(uow_factory)
    assert (done.status, done.delivered_at) == (OutboxStatus.DELIVERED, clock.now)
    assert await worker.run_once() == 0
    assert destination.calls == 3
    assert destination.delivered_ids() == [entry.idempotency_key]


async def test_a_permanent_failure_is_dead_lettered_at_once_with_one_warning_and_no_content(
    uow_factory: UowFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=1, error=PermanentDeliveryFailure)
    entry = _secret_entry()
    await _queue(uow_factory, entry)

    assert await _worker(uow_factory, destination, Clock()).run_once() == 1

    [dead] = await _entries(uow_factory)
    assert (dead.status, dead.attempts, dead.last_error) == (OutboxStatus.DEAD, 1, "PermanentDeliveryFailure")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        f"outbox: delivery {dead.id} ({entry.report_reference} -> file) moved to dead-letter "
        "after 1 attempt: PermanentDeliveryFailure"
    ]
    assert caplog.records
    for record in caplog.records:
        assert SECRET not in record.getMessage() and record.exc_info is None


async def test_an_entry_is_dead_lettered_after_max_attempts(
    uow_factory: UowFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    clock = Clock()
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=100)
    worker = _worker(uow_factory, destination, clock, max_attempts=3)
    await _queue(uow_factory, _secret_entry())
    for _ in range(3):
        assert await worker.run_once() == 1
        [entry] = await _entries(uow_factory)
        clock.now = entry.next_attempt_at + timedelta(days=1)
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.DEAD, 3, "DeliveryFailed")
    assert await worker.run_once() == 0
    assert destination.calls == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].endswith("after 3 attempts: DeliveryFailed")
    assert all(SECRET not in r.getMessage() for r in caplog.records)


async def test_an_unknown_destination_is_dead_lettered_at_once(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=0)
    await _queue(uow_factory, make_entry(destination="webhook"))
    assert await _worker(uow_factory, destination, Clock()).run_once() == 1
    [entry] = await _entries(uow_factory)
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.DEAD, 1, "UnknownDestination")


async def test_requeued_dead_entries_are_delivered(uow_factory: UowFactory, tmp_path: Path) -> None:
    clock = Clock()
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=3, error=PermanentDeliveryFailure)
    worker = _worker(uow_factory, destination, clock)
    entries = [make_entry() for _ in range(3)]
    await _queue(uow_factory, *entries)
    assert await worker.run_once() == 3
    assert {e.status for e in await _entries(uow_factory)} == {OutboxStatus.DEAD}

    first_id = (await _entries(uow_factory))[0].id
    assert first_id is not None
    assert await requeue(uow_factory, first_id, clock()) is True
    assert await worker.run_once() == 1
    assert await requeue(uow_factory, first_id, clock()) is False  # delivered now
    assert await requeue_all_dead(uow_factory, clock()) == 2
    assert await worker.run_once() == 2

    assert {e.status for e in await _entries(uow_factory)} == {OutboxStatus.DELIVERED}
    assert sorted(destination.delivered_ids()) == sorted(e.idempotency_key for e in entries)


async def test_drain_delivers_everything_due_and_leaves_the_rest(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    clock = Clock()
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=0)
    due = [make_entry() for _ in range(5)]
    later = make_entry(next_attempt_at=clock.now + timedelta(hours=1))
    await _queue(uow_factory, *due, later)
    await _worker(uow_factory, destination, clock, batch_size=2).drain(timeout=10)
    assert sorted(destination.delivered_ids()) == sorted(e.idempotency_key for e in due)
    assert [e.idempotency_key for e in await _entries(uow_factory) if e.status is OutboxStatus.PENDING] == [
        later.idempotency_key
    ]


async def test_drain_stops_when_what_is_left_is_waiting_for_a_retry(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=100)
    await _queue(uow_factory, make_entry())
    loop = asyncio.get_running_loop()
    started = loop.time()
    await _worker(uow_factory, destination, Clock()).drain(timeout=10)
    assert loop.time() - started < 2
    assert destination.calls == 1


async def test_a_hanging_destination_times_out_and_is_retried(uow_factory: UowFactory) -> None:
    worker = _worker(uow_factory, Hangs(), Clock(), lease=timedelta(seconds=0.2))
    await _queue(uow_factory, make_entry())
    async with asyncio.timeout(5):
        assert await worker.run_once() == 1
    [entry] = await _entries(uow_factory)
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.PENDING, 1, "TimeoutError")


async def test_run_delivers_when_woken_and_stops_promptly(uow_factory: UowFactory, tmp_path: Path) -> None:
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=0)
    worker = _worker(uow_factory, destination, Clock(), poll_interval=60)  # only wake() can be quick
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.1)
    entry = make_entry()
    await _queue(uow_factory, entry)
    worker.wake()
    await _eventually(lambda: destination.delivered_ids() == [entry.idempotency_key])
    stop.set()
    await asyncio.wait_for(task, timeout=1)


async def test_run_survives_a_broken_database_and_carries_on(
    empty_database: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(empty_database)  # not migrated yet: every pass fails
    uow_factory = unit_of_work_factory(engine, TEST_SEALER)
    destination = FlakyInbox(tmp_path / "inbox.jsonl", failures=0)
    worker = _worker(uow_factory, destination, Clock(), poll_interval=0.02)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await _eventually(lambda: any(r.levelno == logging.ERROR for r in caplog.records))
        await upgrade_database(engine)
        entry = make_entry()
        await _queue(uow_factory, entry)
        await _eventually(lambda: destination.delivered_ids() == [entry.idempotency_key])
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=1)
        await engine.dispose()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors[0] in (
        "outbox: delivery pass failed: OperationalError",
        "outbox: delivery pass failed: ProgrammingError",
    )
