"""Inbox events for the tests, built the way the service builds them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.inbox_events import EventKind, InboxEvent
from bot.ports import OutboxEntry
from bot.report import Report, Reporter
from tests.factories import CREATED_AT, make_report

# Nothing of these may reach a subject line, a header or a rendered body.
IDENTITY = Reporter(
    platform="slack", user_id="U0IDSENTINEL", display_name="Sentinel Reporter Name", workspace="T0WSSENTINEL"
)
IDENTITY_PARTS = ("U0IDSENTINEL", "Sentinel Reporter Name", "T0WSSENTINEL")


def event(
    kind: EventKind = EventKind.SUBMITTED,
    report: Report | None = None,
    now: datetime = CREATED_AT,
    **parts: Any,
) -> InboxEvent:
    return InboxEvent.about(kind, report or make_report(reporter=IDENTITY), now, **parts)


def entry_for(inbox_event: InboxEvent, destination: str, *, suffix: str = "") -> OutboxEntry:
    report = inbox_event.report
    key = f"{report.reference}:{inbox_event.event}:r{report.revision}{suffix}:{destination}"
    return OutboxEntry(
        report_reference=report.reference,
        destination=destination,
        event=str(inbox_event.event),
        payload=inbox_event.model_dump(mode="json"),
        idempotency_key=key,
        created_at=inbox_event.occurred_at,
        next_attempt_at=inbox_event.occurred_at,
    )
