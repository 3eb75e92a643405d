"""End to end over the real HTTP endpoint: a member of staff reports through the Slack app,
the card appears in the security channel, the team triages from the card, and the reporter
hears back; Bolt as the app runs it (acknowledged first, the work after), real storage, the
real delivery worker, the recording Web API."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from adapters.slack.app import build_slack_chat
from adapters.slack.inbox.channel_inbox import SlackChannelInbox, inbox_client
from adapters.slack.inbox.modals import CLOSE_OUTCOME
from adapters.slack.reporter_channel import SlackReporterChannel
from adapters.slack.triage_listeners import REFUSAL, register_triage_listeners
from bot.delivery import DeliveryWorker
from bot.flow_files import load_flow
from bot.ports import MessageKind
from bot.report import Outcome, Status
from bot.reporter_desk import ReporterDesk
from bot.reporter_push import REPORTER_DESTINATION, ReporterInbox
from bot.security import Templates
from bot.service import ReportingService
from bot.triage import TriageService
from flows.engine import Engine
from storage.unit_of_work import SqlUnitOfWork
from tests.slack import web_api
from tests.slack.harness import ALICE, Harness, utc_now
from tests.slack.web_api import RecordingSlackApi
from tests.slack_inbox.support import CHANNEL, MEMBER, OUTSIDER, Team, stored, texts

UowFactory = Callable[[], SqlUnitOfWork]
REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")


class Inbox:
    """The Slack app with the triage listeners, served on 127.0.0.1, and a delivery worker."""

    def __init__(self, slack: Harness, worker: DeliveryWorker, triage: TriageService) -> None:
        self.slack = slack
        self.api = slack.api
        self.worker = worker
        self.triage = triage

    def card(self, reference: str) -> dict[str, Any]:
        [card] = [m for m in self.api.posted if m["channel"] == CHANNEL and "thread_ts" not in m]
        assert reference in card["text"]
        return card

    def thread(self, card: dict[str, Any]) -> list[str]:
        return [texts(m) for m in self.api.posted if m.get("thread_ts") == card["ts"]]

    async def click(self, card: dict[str, Any], label: str, user: str) -> web_api.Delivered:
        """Click a button of the card as it is now, as Slack sends it."""
        now = self.api.message(card["ts"])
        for block in now["blocks"]:
            for element in block.get("elements") or []:
                if element.get("type") == "button" and element["text"]["text"] == label:
                    action = web_api.button(element["action_id"], element["value"], block["block_id"], label)
                    payload = web_api.block_actions(
                        user, [action], channel=CHANNEL, message_ts=card["ts"], message=now
                    )
                    return await self.slack.interact(payload)
        raise AssertionError(f"the card has no {label!r} button now")

    async def submit(self, user: str, values: dict[str, Any]) -> web_api.Delivered:
        """Submit the modal opened last."""
        [opened] = (await self.api.wait_for("views.open"))[-1:]
        view = opened["view"]
        payload = web_api.view_submission(
            user, view["callback_id"], values, private_metadata=view["private_metadata"]
        )
        self.api.calls.remove(("views.open", opened))
        return await self.slack.interact(payload)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """The listener acknowledges first and works after: wait for the work to show."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("it did not happen in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def inbox(slack_api: RecordingSlackApi, uow_factory: UowFactory) -> AsyncIterator[Inbox]:
    templates = Templates()
    service = ReportingService(
        Engine(load_flow()),
        uow_factory,
        utc_now,
        route=lambda report: ["slack"],
        desk=ReporterDesk(templates.question_intro),
    )
    triage = TriageService(
        uow_factory,
        utc_now,
        Team(("slack", MEMBER)),
        templates.acknowledged,
        {outcome: templates.closing_for(outcome) for outcome in Outcome},
    )
    slack = Harness(slack_api, service, uow_factory, SLACK_SECURITY_CHANNEL=CHANNEL)
    settings = slack.settings
    slack.chat = build_slack_chat(
        settings,
        service,
        register_extra=lambda app: register_triage_listeners(app, triage, templates, settings),
    )
    slack.app = slack.chat.app
    destinations = {
        "slack": SlackChannelInbox(
            "slack", inbox_client(settings.bot_token, settings.api_url), CHANNEL, uow_factory
        ),
        REPORTER_DESTINATION: ReporterInbox(
            service.push_news, {"slack": SlackReporterChannel(slack.app.client)}
        ),
    }
    worker = DeliveryWorker(uow_factory, destinations, utc_now, owner="http-test")
    await slack.start()
    try:
        yield Inbox(slack, worker, triage)
    finally:
        await slack.stop()


async def _report(slack: Harness) -> str:
    await slack.say("report")
    await slack.say("A recruiter offered paid <!channel> insight reports")
    await slack.say("Anna Smith, Global Insight Partners")
    await slack.click("send_now")
    await slack.click("send")
    await slack.click("done")
    found: list[str] = REFERENCE.findall(slack.texts())
    return found[-1]


async def test_report_card_triage_and_the_reporter_hears_back(inbox: Inbox, uow_factory: UowFactory) -> None:
    api = inbox.api
    reference = await _report(inbox.slack)
    assert await inbox.worker.run_once() == 1
    card = inbox.card(reference)
    shown = texts(card)
    assert f"<@{ALICE}>" in shown and "Anna Smith" in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown

    # Acknowledge: answered at once, the work after; the card follows on the worker's pass.
    delivered = await inbox.click(card, "Acknowledge", MEMBER)
    assert delivered.status == 200

    async def acknowledged() -> bool:
        return (await stored(uow_factory, reference)).status is Status.ACKNOWLEDGED

    await eventually(acknowledged)
    await inbox.worker.run_once()
    now = api.message(card["ts"])
    assert "*Status: Acknowledged*" in texts(now)
    assert any("Acknowledged by" in line for line in inbox.thread(card))
    assert any(m["channel"] == f"D{ALICE}" and "has your report" in texts(m) for m in api.posted)

    # Ask the reporter: the modal, the question in the thread and in the reporter's DM, the answer back.
    await inbox.click(card, "Ask reporter…", MEMBER)
    answered = await inbox.submit(
        MEMBER, {"text": {"value": {"type": "plain_text_input", "value": "Any files?"}}}
    )
    assert answered.status == 200 and answered.text == ""
    await inbox.worker.run_once()
    assert any("*Question to the reporter* · Security team" in line for line in inbox.thread(card))
    assert any(m["channel"] == f"D{ALICE}" and "Any files?" in texts(m) for m in api.posted)
    await inbox.slack.say("Yes, a PDF called brief.pdf")
    await inbox.worker.run_once()
    assert "*Answer from the reporter* · Reporter" in inbox.thread(card)[-1]
    assert "brief.pdf" in inbox.thread(card)[-1]

    # Close with an outcome: the card shows it, with only Add note and Reopen left.
    await inbox.click(card, "Close…", MEMBER)
    chosen = {"type": "static_select", "selected_option": {"value": "benign"}}
    closed = await inbox.submit(MEMBER, {"outcome": {CLOSE_OUTCOME: chosen}})
    assert closed.status == 200 and closed.text == ""
    report = await stored(uow_factory, reference)
    assert report.status is Status.CLOSED and report.outcome is Outcome.BENIGN
    await inbox.worker.run_once()
    now = api.message(card["ts"])
    assert "*Status: Closed* — Benign" in texts(now)
    labels = [e["text"]["text"] for b in now["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Add note…", "Reopen", "Share as STIX"]
    closing = Templates().closing_for(Outcome.BENIGN)[:40]
    assert any(m["channel"] == f"D{ALICE}" and closing in json.dumps(m["blocks"]) for m in api.posted)
    async with uow_factory() as uow:
        kinds = [m.kind for m in await uow.messages.for_report(reference)]
    assert kinds == [
        MessageKind.ACKNOWLEDGEMENT,
        MessageKind.QUESTION,
        MessageKind.ANSWER,
        MessageKind.CLOSING,
    ]


async def test_someone_outside_the_team_is_refused_privately(inbox: Inbox, uow_factory: UowFactory) -> None:
    reference = await _report(inbox.slack)
    await inbox.worker.run_once()
    card = inbox.card(reference)
    for label in ("Acknowledge", "Add note…"):
        delivered = await inbox.click(card, label, OUTSIDER)
        assert delivered.status == 200
    told = await inbox.api.wait_for("chat.postEphemeral", 2)
    assert [(t["channel"], t["user"], t["text"]) for t in told] == [(CHANNEL, OUTSIDER, REFUSAL)] * 2
    assert inbox.api.calls_to("views.open") == []
    assert (await stored(uow_factory, reference)).status is Status.NEW
