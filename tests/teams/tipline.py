"""Tipline's Teams server as app.py builds it (app.runtime: real storage, the delivery worker,
the reporter inbox, routing), served on 127.0.0.1 and driven like the Bot Framework drives it:
activities in Teams' shapes, each with a token signed by the stand-in issuer, replies going
to the recording Connector API."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

import app
from adapters.slack.app import SlackChat
from adapters.slack.settings import load_slack_settings
from adapters.teams.endpoint import MESSAGES, MessagesEndpoint
from adapters.teams.settings import load_teams_settings
from adapters.teams.transport import AGENTS
from adapters.web.server import bound_port, build_web_app
from bot.ports import OutboxStatus
from bot.security import load_security_config
from bot.settings import load_settings
from tests.teams import activities as teams
from tests.teams.connector import FixedToken, FixedTokenCredentialFactory, RecordingConnector, submit_actions
from tests.teams.jwt_issuer import TokenIssuer

BOT_TOKEN = "bot-token-from-entra"


def fixed_token(sdk: str, app_id: str, token: str) -> Any:
    """The bot's own token for a stand-in Connector, in the transport's terms."""
    if sdk == AGENTS:
        return FixedToken(app_id, token)
    return FixedTokenCredentialFactory(app_id, token)


REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")


@dataclass
class Tipline:
    url: str
    runtime: app.Runtime
    endpoint: MessagesEndpoint
    connector: RecordingConnector
    issuer: TokenIssuer | None
    session: aiohttp.ClientSession
    slack: SlackChat | None = None

    async def post(self, activity: dict[str, Any], token: str | bool | None = True) -> int:
        """POST the activity as the Bot Framework does; token True: a valid one for it."""
        headers = {"Content-Type": "application/json"}
        if token is True:
            assert self.issuer is not None
            token = self.issuer.token(teams.APP_ID, activity["serviceUrl"])
        if isinstance(token, str):
            headers["Authorization"] = f"Bearer {token}"
        async with self.session.post(self.url + MESSAGES, json=activity, headers=headers) as response:
            return response.status

    async def invoke(self, activity: dict[str, Any], token: str | bool | None = True) -> tuple[int, Any]:
        """POST an invoke as the Bot Framework does: (status, the JSON answer Teams would show)."""
        headers = {"Content-Type": "application/json"}
        if token is True:
            assert self.issuer is not None
            token = self.issuer.token(teams.APP_ID, activity["serviceUrl"])
        if isinstance(token, str):
            headers["Authorization"] = f"Bearer {token}"
        async with self.session.post(self.url + MESSAGES, json=activity, headers=headers) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return response.status, body

    async def say(self, text: str, user: teams.Person = teams.ALICE, **kwargs: Any) -> dict[str, Any]:
        activity = teams.personal_message(text, user=user, service_url=self.connector.url, **kwargs)
        assert await self.post(activity) == 200
        await self.settle()
        return activity

    async def settle(self, within: float = 10.0) -> None:
        """Let the acknowledged turns, and the deliveries due now that they queued, finish
        (the background worker may hold some of them: wait until none is left due)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            await self.endpoint.turns.drain()
            if self.slack is not None:
                await self.slack.drain()
            await self.runtime.worker.drain(timeout=within)
            async with self.runtime.unit_of_work() as uow:
                pending = await uow.outbox.list(OutboxStatus.PENDING)
            now = app.utc_now()
            if not [e for e in pending if e.next_attempt_at <= now]:
                return
            assert asyncio.get_running_loop().time() < deadline, "deliveries did not finish"
            await asyncio.sleep(0.02)

    def last_card(self, conversation_id: str | None = None) -> tuple[str, dict[str, Any]]:
        """The newest card the bot posted (its activity id and content)."""
        posted = [
            r for r in self.connector.posted(conversation_id) if r.activity and r.activity.get("attachments")
        ]
        assert posted, "the bot posted no card"
        record = posted[-1]
        assert record.activity_id is not None
        return record.activity_id, record.activity["attachments"][0]["content"]

    async def press(
        self,
        title: str,
        *,
        inputs: dict[str, str] | None = None,
        user: teams.Person = teams.ALICE,
        card: tuple[str, dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Press a button of a card in the personal chat, as Teams sends it: the button's data
        merged with the card's inputs."""
        activity_id, content = card or self.last_card(teams.personal_conversation_id(user.teams_id))
        value = dict(_action(content, title)["data"])
        value.update(inputs or {})
        submit = teams.card_submit(value, reply_to_id=activity_id, user=user, service_url=self.connector.url)
        assert await self.post(submit) == 200
        await self.settle()
        return submit


def _action(card: dict[str, Any], title: str) -> dict[str, Any]:
    for action in submit_actions(card):
        if action.get("title") == title:
            return action
    titles = [a.get("title") for a in submit_actions(card)]
    raise AssertionError(f"no {title!r} button on the card; it has {titles}")


def environment(tmp_path: Path, database_url: str, issuer: TokenIssuer | None) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "INBOX_FILE": str(tmp_path / "inbox.jsonl"),
        "SECURITY_TEAM": f"teams:{teams.SAM.aad_object_id}",
        # The scripted reports answer every question in turn; the tests of the confirm step turn it on.
        "UNDERSTAND_ANSWERS": "off",
        "TIPLINE_DATA_KEY": os.environ["TIPLINE_DATA_KEY"],  # the suite's key (tests/conftest.py)
    }
    if issuer is None:
        env["TEAMS_ALLOW_ANONYMOUS"] = "true"
    else:
        env.update(
            MICROSOFT_APP_ID=teams.APP_ID,
            MICROSOFT_APP_PASSWORD="not-used-the-stand-in-hands-out-the-token",
            MICROSOFT_APP_TENANT_ID=teams.TENANT,
            TEAMS_OPENID_METADATA_URL=issuer.metadata_url,
        )
    return env


@asynccontextmanager
async def running_tipline(
    tmp_path: Path,
    database_url: str,
    connector: RecordingConnector,
    issuer: TokenIssuer | None,
    slack_env: dict[str, str] | None = None,
    extra_env: dict[str, str] | None = None,
    entra: bool = False,
    *,
    sdk: str,
) -> AsyncIterator[Tipline]:
    """`slack_env`: Slack settings too, for Slack and Teams served side by side as `serve` does;
    `extra_env`: any other settings; `entra`: the bot gets its token as in production, from the
    Entra authority the settings name (TEAMS_LOGIN_URL: a stand-in), not a fixed one; `sdk`: the
    transport (TEAMS_SDK), from the `teams_sdk` fixture (each test runs on both)."""
    env = {**environment(tmp_path, database_url, issuer), "TEAMS_SDK": sdk, **(extra_env or {})}
    if slack_env:
        slack_env = dict(slack_env)
        env["SECURITY_TEAM"] += "," + slack_env.pop("SECURITY_TEAM", "")
        env.update(slack_env)
    settings = load_settings(env, tmp_path)
    security = load_security_config(env, settings, tmp_path)
    teams_settings = load_teams_settings(env, tmp_path)
    slack = load_slack_settings(env, tmp_path) if slack_env else None
    credentials = None if issuer is None or entra else fixed_token(sdk, teams.APP_ID, BOT_TOKEN)
    if issuer is not None:
        connector.require_token(BOT_TOKEN)
    async with app.runtime(settings, security, slack, teams_settings, credentials) as rt:
        apps = app.chat_apps(rt, slack)
        assert apps.teams is not None
        endpoint = apps.teams
        runner = web.AppRunner(
            build_web_app(apps.slack.app if apps.slack else None, rt.ready, apps.posts), access_log=None
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            url = f"http://127.0.0.1:{bound_port(runner)}"
            async with rt.background(), aiohttp.ClientSession() as session:
                yield Tipline(url, rt, endpoint, connector, issuer, session, apps.slack)
                await endpoint.turns.drain()
                if apps.slack is not None:
                    await apps.slack.drain()
        finally:
            await runner.cleanup()
