"""The security inbox's view of triage: thread messages and status changes as inbox events."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Literal

from bot.actors import Actor
from bot.inbox_events import EventKind, InboxEvent, StatusChange, ThreadMessage
from bot.inbox_queue import queue_event
from bot.ports import ReportMessage, UnitOfWork
from bot.report import Report

StatusAction = Literal["acknowledged", "assigned", "closed", "reopened", "linked"]


async def queue_message(
    uow: UnitOfWork, report: Report, message: ReportMessage, label: str, now: datetime
) -> None:
    assert message.id is not None
    thread = ThreadMessage(id=message.id, kind=message.kind, body=message.body, from_label=label)
    await queue_event(
        uow, InboxEvent.about(EventKind.MESSAGE, report, now, message=thread), f"msg{message.id}", now
    )


async def queue_status(
    uow: UnitOfWork,
    before: Report,
    after: Report,
    actor: Actor,
    now: datetime,
    action: StatusAction,
    **details: Any,
) -> None:
    change = StatusChange(
        action=action, by=actor.id, from_status=before.status, to_status=after.status, **details
    )
    event = InboxEvent.about(EventKind.STATUS, after, now, status_change=change)
    # Each status change is its own event: a random part keeps two in the same instant apart.
    await queue_event(uow, event, f"{action}.{secrets.token_hex(8)}", now)
