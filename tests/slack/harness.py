"""The reporter's Slack app, served for real on 127.0.0.1 and driven over HTTP with signed
requests in Slack's shapes; its Web API calls go to the recording Slack API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from slack_sdk.models.blocks import Block

from adapters.slack.app import build_slack_chat
from adapters.slack.settings import load_slack_settings
from adapters.web.server import bound_port, build_web_app
from bot.conversation import ConversationKey
from bot.flow_files import load_flow
from bot.ports import ConversationStore
from bot.report import Reporter
from bot.reporter_desk import ReporterDesk
from bot.service import ReportingService
from bot.watchlist.check import ContactCheck
from bot.watchlist.intake import IntakeScreen
from flows.engine import Engine
from tests.keys import TEST_SEALER
from tests.slack import web_api
from tests.slack.web_api import RecordingSlackApi

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # test signing secret
ALICE = "U0ALICE"
TEAM = web_api.TEAM_ID


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_service(
    uow_factory, conversations: ConversationStore | None = None, understand: bool = False
) -> ReportingService:
    """Built as app.py's runtime builds it, routed to the file inbox; `understand`: UNDERSTAND_ANSWERS."""
    flow, screen = load_flow(), IntakeScreen()
    return ReportingService(
        Engine(flow, understand=understand),
        uow_factory,
        utc_now,
        route=lambda report: ["file"],
        desk=ReporterDesk("The security team has a question for you"),
        conversations=conversations,
        watchlist=screen,
        checks=ContactCheck(screen, flow, utc_now),
    )


def key_of(user: str = ALICE) -> ConversationKey:
    return ConversationKey("slack", TEAM, user)


def reporter_of(user: str = ALICE) -> Reporter:
    return Reporter(platform="slack", user_id=user, workspace=TEAM)


class Harness:
    def __init__(self, api: RecordingSlackApi, service: ReportingService, uow_factory, **env: str) -> None:
        self.api = api
        self.service = service
        self.uow_factory = uow_factory
        env = {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api.url,
            **env,
        }
        self.settings = load_slack_settings(env)
        self.chat = build_slack_chat(self.settings, service, evidence=TEST_SEALER)
        self.app = self.chat.app
        self.ready = True
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> None:
        async def ready() -> bool:
            return self.ready

        self._runner = web.AppRunner(build_web_app(self.app, ready), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base = f"http://127.0.0.1:{bound_port(self._runner)}"

    async def stop(self) -> None:
        await self.chat.drain()
        if self._runner is not None:
            await self._runner.cleanup()

    async def stop_work(self) -> None:
        """Wait for the turns already acknowledged."""
        await self.chat.drain()

    @property
    def events_url(self) -> str:
        return self.base + "/slack/events"

    # ---- sending ---------------------------------------------------------------------------------

    async def deliver(self, body: str, content_type: str, **kw: Any) -> web_api.Delivered:
        kw.setdefault("secret", SECRET)
        secret = kw.pop("secret")
        return await web_api.deliver(self.events_url, body, content_type, secret, **kw)

    async def event(self, envelope: dict[str, Any], *, settle: bool = True, **kw: Any) -> web_api.Delivered:
        delivered = await self.deliver(*web_api.encode_event(envelope), **kw)
        if settle:
            await self.chat.drain()
        return delivered

    async def interact(self, payload: dict[str, Any], *, settle: bool = True, **kw: Any) -> web_api.Delivered:
        delivered = await self.deliver(*web_api.encode_interaction(payload), **kw)
        if settle:
            await self.chat.drain()
        return delivered

    async def command(self, form: dict[str, str], **kw: Any) -> web_api.Delivered:
        delivered = await self.deliver(*web_api.encode_form(form), **kw)
        await self.chat.drain()
        return delivered

    async def say(self, text: str, user: str = ALICE) -> web_api.Delivered:
        """The reporter types in the app's DM (Slack escapes & < > in what people type)."""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return await self.event(web_api.message_im(user, escaped))

    # ---- what Slack now shows --------------------------------------------------------------------

    def last(self) -> dict[str, Any]:
        return self.api.posted[-1]

    def texts(self) -> str:
        """Every posted message's blocks as one text (what the reporter sees)."""
        return "\n".join(json.dumps(m["blocks"], ensure_ascii=False) for m in self.api.posted)

    def with_action(self, predicate) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """(message, block, element) of the newest posted interactive element matching `predicate`."""
        for message in reversed(self.api.posted):
            for block in message["blocks"]:
                elements = list(block.get("elements") or [])
                if block.get("accessory"):
                    elements.append(block["accessory"])
                for element in elements:
                    if isinstance(element, dict) and element.get("action_id") and predicate(element):
                        return message, block, element
        raise AssertionError("no such button in what was posted")

    async def click(self, value: str | None = None, *, label: str | None = None, user: str = ALICE):
        """Click the newest posted button with this value (or label), as Slack would send it."""

        def matches(element: dict[str, Any]) -> bool:
            if element.get("type") != "button":
                return False
            if value is not None:
                return element.get("value") == value
            return bool(element.get("text", {}).get("text") == label)

        message, block, element = self.with_action(matches)
        action = web_api.button(
            element["action_id"], element["value"], block["block_id"], element["text"]["text"]
        )
        payload = web_api.block_actions(
            user,
            [action],
            channel=message["channel"],
            message_ts=message["ts"],
            message={k: message[k] for k in ("type", "user", "bot_id", "ts", "text", "blocks")},
        )
        return await self.interact(payload)

    async def tick_and_done(self, values: list[str], user: str = ALICE):
        """Tick checkboxes, then click Done (Slack sends the ticks in state.values)."""
        message, block, checkboxes = self.with_action(lambda e: e.get("type") == "checkboxes")
        block_id = block["block_id"]
        labels = {o["value"]: o["text"]["text"] for o in checkboxes["options"]}
        await self.interact(
            web_api.block_actions(
                user,
                [web_api.checkboxes(checkboxes["action_id"], block_id, values, labels)],
                channel=message["channel"],
                message_ts=message["ts"],
                message=message,
            )
        )
        done = next(e for e in block["elements"] if e.get("action_id") == "done")
        payload = web_api.block_actions(
            user,
            [web_api.button("done", done["value"], block_id, "Done")],
            channel=message["channel"],
            message_ts=message["ts"],
            message=message,
            state=web_api.checkbox_state(block_id, checkboxes["action_id"], values, labels),
        )
        return await self.interact(payload)

    async def conversation(self, user: str = ALICE):
        async with self.uow_factory() as uow:
            return await uow.conversations.get(str(key_of(user)))


def valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """Every block parses as a slack_sdk model and passes its validation (Slack's limits)."""
    assert len(blocks) <= 50
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()
        assert block.to_dict()


async def harness(
    api: RecordingSlackApi,
    uow_factory,
    conversations: ConversationStore | None = None,
    understand: bool = False,
    **env: str,
) -> AsyncIterator[Harness]:
    running = Harness(api, make_service(uow_factory, conversations, understand), uow_factory, **env)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
