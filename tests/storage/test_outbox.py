"""The outbox queue: idempotent adds, exclusive claims, leases, failures and requeues."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.ports import OutboxStatus
from storage.db import create_engine, unit_of_work_factory
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import CREATED_AT, make_entry, make_report
from tests.keys import TEST_SEALER

UowFactory = Callable[[], SqlUnitOfWork]
NOW = CREATED_AT
LEASE = timedelta(minutes=5)


async def _queue(uow_factory: UowFactory, count: int, **overrides: Any) -> list[str]:
    keys = []
    async with uow_factory() as uow:
        for _ in range(count):
            entry = make_entry(**overrides)
            await uow.outbox.add(entry)
            keys.append(entry.idempotency_key)
        await uow.commit()
    return keys


async def _claim(uow_factory: UowFactory, owner: str, now=NOW, limit: int = 10) -> list[int]:
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(now, owner, now + LEASE, limit)
        await uow.commit()
    return [e.id for e in claimed if e.id is not None]


async def test_an_entry_round_trips_and_a_duplicate_key_is_ignored(uow_factory: UowFactory) -> None:
    report = make_report()
    entry = make_entry(report)
    async with uow_factory() as uow:
        await uow.outbox.add(entry)
        await uow.outbox.add(make_entry(report, payload={"different": True}))  # same key
        await uow.reports.add(report)  # the transaction is still usable
        await uow.commit()
    async with uow_factory() as uow:
        [stored] = await uow.outbox.list()
        assert await uow.reports.get(report.reference) == report
    assert stored.id is not None
    assert stored.payload == report.model_dump(mode="json")
    assert (stored.status, stored.attempts, stored.last_error, stored.delivered_at) == (
        OutboxStatus.PENDING,
        0,
        None,
        None,
    )
    assert (stored.idempotency_key, stored.next_attempt_at, stored.created_at) == (
        entry.idempotency_key,
        NOW,
        NOW,
    )


async def test_only_due_entries_are_claimed_and_a_lease_holds_them(uow_factory: UowFactory) -> None:
    await _queue(uow_factory, 2)
    await _queue(uow_factory, 1, next_attempt_at=NOW + timedelta(minutes=1))
    first = await _claim(uow_factory, "worker-a")
    assert len(first) == 2
    assert await _claim(uow_factory, "worker-b") == []  # leased, and the third is not due yet
    later = await _claim(uow_factory, "worker-b", now=NOW + timedelta(minutes=1))
    assert len(later) == 1 and later[0] not in first


async def test_an_expired_lease_lets_another_worker_claim(uow_factory: UowFactory) -> None:
    await _queue(uow_factory, 1)
    [entry_id] = await _claim(uow_factory, "crashed-worker")
    assert await _claim(uow_factory, "worker-b", now=NOW + LEASE - timedelta(seconds=1)) == []
    assert await _claim(uow_factory, "worker-b", now=NOW + LEASE + timedelta(seconds=1)) == [entry_id]


async def test_workers_claiming_concurrently_never_share_an_entry(
    empty_database: str, engine: object
) -> None:
    # One engine per worker: separate connection pools, as separate processes would have.
    engines = [create_engine(empty_database) for _ in range(3)]
    factories = [unit_of_work_factory(e, TEST_SEALER) for e in engines]
    try:
        await _queue(factories[0], 40)
        claims: list[int] = []
        for _ in range(3):
            rounds = await asyncio.gather(
                *(_claim(f, f"worker-{i}", limit=7) for i, f in enumerate(factories))
            )
            claims.extend(entry_id for batch in rounds for entry_id in batch)
    finally:
        for e in engines:
            await e.dispose()
    assert len(claims) == len(set(claims)) == 40


async def test_delivered_and_failed_entries_release_their_lease(uow_factory: UowFactory) -> None:
    await _queue(uow_factory, 3)
    delivered, retried, dead = await _claim(uow_factory, "w")
    retry_at = NOW + timedelta(seconds=30)
    async with uow_factory() as uow:
        await uow.outbox.mark_delivered(delivered, NOW)
        await uow.outbox.mark_failed(retried, 1, "DeliveryFailed", retry_at, dead=False)
        await uow.outbox.mark_failed(dead, 8, "PermanentDeliveryFailure", retry_at, dead=True)
        await uow.commit()
    async with uow_factory() as uow:
        entries = {e.id: e for e in await uow.outbox.list()}
        dead_only = [e.id for e in await uow.outbox.list(OutboxStatus.DEAD)]
    assert entries[delivered].status is OutboxStatus.DELIVERED and entries[delivered].delivered_at == NOW
    assert (entries[retried].status, entries[retried].attempts, entries[retried].last_error) == (
        OutboxStatus.PENDING,
        1,
        "DeliveryFailed",
    )
    assert dead_only == [dead]
    # The retry is due again at retry_at even though its lease would have lasted longer.
    assert await _claim(uow_factory, "other", now=retry_at) == [retried]


async def test_a_late_failure_never_undoes_a_delivery(uow_factory: UowFactory) -> None:
    await _queue(uow_factory, 1)
    [entry_id] = await _claim(uow_factory, "slow-worker")
    async with uow_factory() as uow:
        await uow.outbox.mark_delivered(entry_id, NOW)
        await uow.outbox.mark_failed(entry_id, 1, "TimeoutError", NOW, dead=True)
        await uow.commit()
    async with uow_factory() as uow:
        entry = await uow.outbox.get(entry_id)
    assert entry is not None and entry.status is OutboxStatus.DELIVERED


async def test_requeue_revives_dead_entries_but_not_delivered_or_busy_ones(uow_factory: UowFactory) -> None:
    await _queue(uow_factory, 3)
    dead, delivered, busy = await _claim(uow_factory, "w")
    later = NOW + timedelta(hours=2)
    async with uow_factory() as uow:
        await uow.outbox.mark_failed(dead, 8, "DeliveryFailed", NOW + timedelta(days=1), dead=True)
        await uow.outbox.mark_delivered(delivered, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        busy_lease = await uow.outbox.claim_due(later, "w2", later + LEASE, 10)
        assert [e.id for e in busy_lease] == [busy]
        assert await uow.outbox.requeue(dead, later) is True
        assert await uow.outbox.requeue(delivered, later) is False
        assert await uow.outbox.requeue(busy, later) is False
        assert await uow.outbox.requeue(999_999, later) is False
        await uow.commit()
    async with uow_factory() as uow:
        revived = await uow.outbox.get(dead)
    assert revived is not None
    assert (revived.status, revived.attempts, revived.next_attempt_at, revived.last_error) == (
        OutboxStatus.PENDING,
        0,
        later,
        None,
    )
    assert await _claim(uow_factory, "w3", now=later) == [dead]
