"""Shared by the Slack inbox tests: the people, the channel, signed interactions, and storage helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.inbox.cards import all_text
from bot.inbox_events import EventKind, InboxEvent
from bot.inbox_queue import queue_event
from bot.ports import DestinationThread, OutboxEntry
from bot.report import Report, Reporter
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import make_report
from tests.slack import web_api

UowFactory = Callable[[], SqlUnitOfWork]

CHANNEL = "C0SECURITY"
MEMBER = "U0MEMBER01"
OUTSIDER = "U0OUTSIDER"
REPORTER_ID = "U0REPORTER"
TOKEN = "xoxb-test-token-0123456789"
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
SLACK_REPORTER = Reporter(
    platform="slack", user_id=REPORTER_ID, display_name="Rita Reporter", workspace="T0001"
)


@dataclass(frozen=True)
class Settings:
    security_channel: str | None


class Team:
    def __init__(self, *members: tuple[str, str]) -> None:
        self.members = frozenset(members)

    def allows(self, platform: str, user_id: str) -> bool:
        return (platform, user_id) in self.members


async def submit(uow_factory: UowFactory, now: datetime, **overrides: Any) -> Report:
    """A report as the service stores it: the report and its report.submitted event for "slack"."""
    overrides.setdefault("reporter", SLACK_REPORTER)
    overrides.setdefault("routed_to", ["slack"])
    report = make_report(**overrides)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await queue_event(uow, InboxEvent.about(EventKind.SUBMITTED, report, now), f"r{report.revision}", now)
        await uow.commit()
    return report


async def stored(uow_factory: UowFactory, reference: str) -> Report:
    async with uow_factory() as uow:
        report = await uow.reports.get(reference)
    assert report is not None
    return report


async def card_of(uow_factory: UowFactory, reference: str, destination: str = "slack") -> DestinationThread:
    async with uow_factory() as uow:
        thread = await uow.threads.get(destination, reference)
    assert thread is not None
    return thread


async def outbox(uow_factory: UowFactory) -> list[OutboxEntry]:
    async with uow_factory() as uow:
        return list(await uow.outbox.list())


def entry(event: InboxEvent, key: str, destination: str = "slack") -> OutboxEntry:
    return OutboxEntry(
        report_reference=event.reference,
        destination=destination,
        event=event.event.value,
        payload=event.model_dump(mode="json"),
        idempotency_key=f"{event.reference}.{key}.{destination}",
        created_at=event.occurred_at,
        next_attempt_at=event.occurred_at,
    )


# ---- interactions, signed as Slack signs them ---------------------------------------------------


async def interact(app: AsyncApp, payload: dict[str, Any], *, secret: str = SIGNING_SECRET) -> BoltResponse:
    """Dispatch an interaction payload to the Bolt app as a signed HTTP request would arrive."""
    body, content_type = web_api.encode_interaction(payload)
    headers = web_api.signed_headers(secret, body, content_type)
    return await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))


def click(
    user: str, action_id: str, reference: str, *, message_ts: str = "1700000000.000100"
) -> dict[str, Any]:
    return web_api.block_actions(
        user,
        [web_api.button(action_id, reference, "triage")],
        channel=CHANNEL,
        message_ts=message_ts,
    )


def texts(params: dict[str, Any]) -> str:
    """All the text of a chat.postMessage / chat.update call's blocks, and its fallback text."""
    return all_text(params.get("blocks") or []) + "\n" + str(params.get("text", ""))
