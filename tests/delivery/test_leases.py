"""Leases, against a real database: a worker holds only the delivery it is sending, keeps holding
it while the delivery runs, and gives it back (undelivered, retryable) when cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from adapters.inbox.file_inbox import FileInbox
from bot.delivery import DeliveryWorker
from bot.ports import OutboxEntry, OutboxStatus
from storage.models import OutboxRow
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock, make_entry

UowFactory = Callable[[], SqlUnitOfWork]


class Gate:
    """A destination that holds each delivery until `release()`, then writes it to a file inbox."""

    name = "file"

    def __init__(self, path: Path) -> None:
        self.inbox = FileInbox(path)
        self.entered = asyncio.Event()
        self.open = asyncio.Event()
        self.started: list[str] = []

    async def deliver(self, entry: OutboxEntry) -> None:
        self.started.append(entry.idempotency_key)
        self.entered.set()
        await self.open.wait()
        await self.inbox.deliver(entry)

    def release(self) -> None:
        self.open.set()


def worker(
    uow_factory: UowFactory, destination, clock: Clock, owner: str, lease: float = 30
) -> DeliveryWorker:
    return DeliveryWorker(
        uow_factory,
        {"file": destination},
        clock,
        owner=owner,
        lease=timedelta(seconds=lease),
        poll_interval=0.05,
    )


async def queue(uow_factory: UowFactory, count: int) -> list[OutboxEntry]:
    entries = [make_entry() for _ in range(count)]
    async with uow_factory() as uow:
        for entry in entries:
            await uow.outbox.add(entry)
        await uow.commit()
    return entries


@dataclass(frozen=True)
class Row:
    status: str
    attempts: int
    lease_owner: str | None
    lease_until: datetime | None


async def rows(uow_factory: UowFactory) -> list[Row]:
    """The outbox as stored, leases included (which the repository's entries don't show)."""
    async with uow_factory() as uow:
        result = await uow.session.execute(
            select(
                OutboxRow.status, OutboxRow.attempts, OutboxRow.lease_owner, OutboxRow.lease_until
            ).order_by(OutboxRow.id)
        )
        return [Row(*values) for values in result.all()]


async def test_a_worker_leases_only_the_delivery_it_is_sending(uow_factory, tmp_path):
    clock = Clock()
    gate = Gate(tmp_path / "a.jsonl")
    await queue(uow_factory, 3)
    sending = asyncio.create_task(worker(uow_factory, gate, clock, "worker-a").run_once())
    await asyncio.wait_for(gate.entered.wait(), 10)

    leased = [row for row in await rows(uow_factory) if row.lease_owner is not None]
    assert [row.lease_owner for row in leased] == ["worker-a"], "one lease: the delivery in flight"

    # So if this worker died now, another could send the other two at once.
    other = Gate(tmp_path / "b.jsonl")
    other.release()
    assert await worker(uow_factory, other, clock, "worker-b").run_once() == 2
    gate.release()
    assert await asyncio.wait_for(sending, 10) == 1
    assert {row.status for row in await rows(uow_factory)} == {OutboxStatus.DELIVERED.value}


async def test_the_lease_is_renewed_while_a_delivery_runs(uow_factory, tmp_path):
    clock = Clock()
    gate = Gate(tmp_path / "a.jsonl")
    [entry] = await queue(uow_factory, 1)
    sending = asyncio.create_task(worker(uow_factory, gate, clock, "worker-a", lease=0.3).run_once())
    await asyncio.wait_for(gate.entered.wait(), 10)
    [row] = await rows(uow_factory)
    first_lease = row.lease_until
    clock.advance(timedelta(seconds=5))  # long past the first lease

    async def renewed() -> bool:
        [row] = await rows(uow_factory)
        return row.lease_until is not None and row.lease_until.replace(tzinfo=None) > (
            clock.now.replace(tzinfo=None)
        )

    for _ in range(200):
        if await renewed():
            break
        await asyncio.sleep(0.05)
    assert await renewed(), f"the lease was not renewed (first {first_lease})"
    idle = Gate(tmp_path / "b.jsonl")
    assert await worker(uow_factory, idle, clock, "worker-b").run_once() == 0, "nobody else takes it"
    gate.release()
    await asyncio.wait_for(sending, 10)
    assert gate.started == [entry.idempotency_key] and idle.started == []


async def test_a_cancelled_delivery_gives_its_lease_back_undelivered(uow_factory, tmp_path):
    clock = Clock()
    gate = Gate(tmp_path / "a.jsonl")
    [entry] = await queue(uow_factory, 1)
    sending = asyncio.create_task(worker(uow_factory, gate, clock, "worker-a").run_once())
    await asyncio.wait_for(gate.entered.wait(), 10)
    sending.cancel()
    await asyncio.gather(sending, return_exceptions=True)

    [row] = await rows(uow_factory)
    assert (row.status, row.attempts, row.lease_owner, row.lease_until) == ("pending", 0, None, None)
    after = Gate(tmp_path / "b.jsonl")
    after.release()
    assert await worker(uow_factory, after, clock, "worker-b").run_once() == 1, "retried at once"
    assert after.started == [entry.idempotency_key]
