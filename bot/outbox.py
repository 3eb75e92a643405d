"""The one writer of the outbox: every delivery (to the security team's destinations, a push to
the reporter, a deadline reminder) is queued here, in the caller's transaction.

An entry's idempotency key is `<reference>.<name>.<destination>`, where `name` says which event
of the report it is ("r2", "msg17", "triage.ack.<random>", a reminder's kind, stage and due
time): queuing the same event twice delivers it once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.campaigns.membership import campaign_of
from bot.inbox_events import InboxEvent
from bot.ports import OutboxEntry, UnitOfWork
from bot.report import Report

log = logging.getLogger(__name__)

REPORTER_DESTINATION = "reporter"
REPORTER_EVENT = "reporter.news"


def idempotency_key(reference: str, name: str, destination: str) -> str:
    return f"{reference}.{name}.{destination}"


async def queue(
    uow: UnitOfWork,
    reference: str,
    event: str,
    payload: Mapping[str, Any],
    name: str,
    destinations: Sequence[str],
    now: datetime,
) -> int:
    """One entry per destination (repeats dropped); how many were queued."""
    targets = list(dict.fromkeys(destinations))
    for destination in targets:
        await uow.outbox.add(
            OutboxEntry(
                report_reference=reference,
                destination=destination,
                event=event,
                payload=dict(payload),
                idempotency_key=idempotency_key(reference, name, destination),
                created_at=now,
                next_attempt_at=now,
            )
        )
    return len(targets)


async def queue_event(
    uow: UnitOfWork, event: InboxEvent, name: str, now: datetime, destinations: Sequence[str] | None = None
) -> int:
    """An inbox event for each destination the report was routed to (or `destinations`), naming
    the campaign the report is in now (its card links it)."""
    targets = list(destinations if destinations is not None else event.report.routed_to)
    if not targets:
        log.warning("report %s has no destinations for %s", event.reference, event.event.value)
        return 0
    if event.campaign is None:
        event = event.model_copy(update={"campaign": await campaign_of(uow, event.reference)})
    # A report in no campaign: the envelope stays as it was before campaigns (no "campaign" key).
    payload = event.model_dump(mode="json", exclude={"campaign"} if event.campaign is None else None)
    return await queue(uow, event.reference, event.event.value, payload, name, targets, now)


async def queue_for_reporter(uow: UnitOfWork, report: Report, message_id: int, now: datetime) -> None:
    """A push of the security team's message `message_id` to the reporter, on their platform."""
    # Only who to tell: the words stay in the thread and are read when the push happens.
    payload = {"reporter": report.reporter.model_dump(mode="json"), "message_id": message_id}
    await queue(
        uow, report.reference, REPORTER_EVENT, payload, f"msg{message_id}", [REPORTER_DESTINATION], now
    )
