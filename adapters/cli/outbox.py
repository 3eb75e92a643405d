"""`app.py outbox ...`: see and retry deliveries to the security inbox.

The payload (the report itself) is never printed: an operator checking deliveries need
not read what staff reported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from adapters.cli.terminal import print_table, safe, when
from bot.delivery import requeue, requeue_all_dead
from bot.ports import OutboxEntry, OutboxStatus, UnitOfWorkFactory


async def list_outbox(uow_factory: UnitOfWorkFactory, status: OutboxStatus | None, out: TextIO) -> int:
    async with uow_factory() as uow:
        entries = list(await uow.outbox.list(status))
    if not entries:
        print("No deliveries." if status is None else f"No {status.value} deliveries.", file=out)
        return 0
    headers = [
        "ID",
        "REFERENCE",
        "DESTINATION",
        "EVENT",
        "STATUS",
        "ATTEMPTS",
        "NEXT TRY / DELIVERED",
        "LAST ERROR",
    ]
    print_table(headers, [_row(entry) for entry in entries], out)
    return 0


def _row(entry: OutboxEntry) -> list[str]:
    if entry.status is OutboxStatus.DELIVERED:
        timing = when(entry.delivered_at)
    elif entry.status is OutboxStatus.PENDING:
        timing = when(entry.next_attempt_at)
    else:
        timing = "not until retried"
    return [
        str(entry.id),
        safe(entry.report_reference),
        safe(entry.destination),
        safe(entry.event),
        entry.status.value,
        str(entry.attempts),
        timing,
        safe(entry.last_error) or "-",
    ]


async def retry_outbox(
    uow_factory: UnitOfWorkFactory,
    entry_id: int | None,
    all_dead: bool,
    clock: Callable[[], datetime],
    out: TextIO,
    err: TextIO,
    *,
    force: bool = False,
) -> int:
    """Requeue one delivery (exit 1 if it could not be) or every dead one (always exit 0).
    `force`: also one a worker holds a lease on (a crashed worker's, not yet run out)."""
    if all_dead:
        count = await requeue_all_dead(uow_factory, clock())
        if count:
            plural = "y" if count == 1 else "ies"
            print(f"Requeued {count} dead deliver{plural}; the running app will send them.", file=out)
        else:
            print("No dead deliveries to retry.", file=out)
        return 0
    if entry_id is None:
        raise ValueError("give an entry id, or all_dead=True")
    if await requeue(uow_factory, entry_id, clock(), force=force):
        print(f"Delivery {entry_id} requeued; the running app will send it.", file=out)
        return 0
    print(await _why_not(uow_factory, entry_id), file=err)
    return 1


async def _why_not(uow_factory: UnitOfWorkFactory, entry_id: int) -> str:
    async with uow_factory() as uow:
        entry = await uow.outbox.get(entry_id)
    if entry is None:
        return f"No delivery {entry_id}."
    if entry.status is OutboxStatus.DELIVERED:
        return f"Delivery {entry_id} was already delivered ({when(entry.delivered_at)}); nothing to retry."
    if entry.status is OutboxStatus.PENDING:
        return (
            f"Delivery {entry_id} is being sent right now; nothing to retry. If the worker sending it "
            f"has stopped, 'outbox retry {entry_id} --force' takes it over (never a second copy)."
        )
    return f"Delivery {entry_id} could not be requeued; try again."
