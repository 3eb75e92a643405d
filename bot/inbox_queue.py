"""Queue an inbox event for each destination a report was routed to, in the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.inbox_events import InboxEvent
from bot.ports import OutboxEntry, UnitOfWork

log = logging.getLogger(__name__)


async def queue_event(
    uow: UnitOfWork, event: InboxEvent, key: str, now: datetime, destinations: Sequence[str] | None = None
) -> int:
    """`key` names this event uniquely for the report (e.g. "r2", "msg17"): with the destination
    it forms the idempotency key, so queuing the same event twice delivers it once."""
    targets = list(destinations if destinations is not None else event.report.routed_to)
    if not targets:
        log.warning("report %s has no destinations for %s", event.reference, event.event.value)
        return 0
    payload = event.model_dump(mode="json")
    for destination in targets:
        await uow.outbox.add(
            OutboxEntry(
                report_reference=event.reference,
                destination=destination,
                event=event.event.value,
                payload=payload,
                idempotency_key=f"{event.reference}.{key}.{destination}",
                created_at=now,
                next_attempt_at=now,
            )
        )
    return len(targets)
