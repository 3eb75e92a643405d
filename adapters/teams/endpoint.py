"""POST /api/messages: the Bot Framework's requests, verified, answered, then handled.

Every request is authenticated by botbuilder before anything else happens: the JWT's
signature against the Bot Framework's published keys, its issuer, its audience (our app id)
and its serviceurl claim against the activity's serviceUrl, so the bot never sends its own
token to an address a forged activity names. Whatever goes wrong there is a 401 and changes
nothing. A body that isn't a JSON activity is a 400 (415 for another content type). Then the
request is answered (200) and the turn runs after it, one conversation at a time in order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication, ServiceClientCredentialsFactory

from adapters.teams import msrest_speed
from adapters.teams import settings as cloud
from adapters.teams.credentials import EntraCredentialFactory
from adapters.teams.settings import TeamsSettings
from adapters.turn_order import BackgroundTurns, KeyedLocks

log = logging.getLogger("tipline.teams")
msrest_speed.apply()

MESSAGES = "/api/messages"


def authentication(
    settings: TeamsSettings, credentials: ServiceClientCredentialsFactory | None = None
) -> BotFrameworkAuthentication:
    """The Bot Framework's checks, with every endpoint named (the public cloud's unless
    TEAMS_OPENID_METADATA_URL says otherwise). `credentials` gets the bot's own token for
    replies; by default from Microsoft Entra with the app id and secret, one cached token."""
    if credentials is None and settings.app_id and settings.app_password:
        credentials = EntraCredentialFactory(
            settings.app_id,
            settings.app_password,
            settings.tenant_id,
            trusted_login_url=settings.login_url_setting is not None,
        )
    config = SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.tenant_id,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.openid_metadata_url,
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=cloud.EMULATOR_OPENID_METADATA_URL,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=cloud.TOKEN_ISSUER,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=settings.login_url,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=cloud.OAUTH_SCOPE,
        OAUTH_URL=cloud.OAUTH_SCOPE,
        VALIDATE_AUTHORITY=True,
    )
    return ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials, logger=log)


def cloud_adapter(auth: BotFrameworkAuthentication) -> CloudAdapter:
    """No on_turn_error: a failure must reach the caller (a proactive send that failed is
    retried by the outbox; a failed turn is logged by the endpoint), never be swallowed."""
    return CloudAdapter(auth)


def _problem(status: int, message: str) -> web.Response:
    # One line naming the problem, never the body: it may be what a reporter wrote.
    log.warning("teams: refused a request (%d): %s", status, message)
    return web.json_response({"error": message}, status=status)


@dataclass(frozen=True)
class InvokeAnswer:
    """An invoke's HTTP answer (Teams shows its body: a dialog), and the slow part to run after
    it, in `conversation`'s order."""

    status: int
    body: dict[str, Any] | None
    then: Callable[[], Awaitable[None]] | None = None
    conversation: str | None = None


Invoked = Callable[[Mapping[str, Any]], Awaitable[InvokeAnswer | None]]


class MessagesEndpoint:
    """The aiohttp handler for POST /api/messages."""

    def __init__(
        self,
        auth: BotFrameworkAuthentication,
        adapter: CloudAdapter,
        on_turn: Callable[[TurnContext, dict[str, Any]], Awaitable[None]],
        on_invoke: Invoked | None = None,
    ) -> None:
        """`on_turn(context, body)`: the body as received, since botbuilder's Activity model
        drops what it doesn't model (a mention's `mentioned`, for one). `on_invoke(body)`: an
        invoke whose answer Teams waits for (a dialog); None from it sends the invoke to on_turn."""
        self._auth = auth
        self._adapter = adapter
        self._on_turn = on_turn
        self._on_invoke = on_invoke
        self._locks = KeyedLocks()
        self.turns = BackgroundTurns(log, "a Teams turn")

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return _problem(415, "send the activity as application/json")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "the body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return _problem(400, "the body is not a Bot Framework activity")
        try:
            activity = Activity().deserialize(body)
        except Exception:
            return _problem(400, "the body is not a Bot Framework activity")
        header = request.headers.get("Authorization", "").strip() or None
        try:
            result = await self._auth.authenticate_request(activity, header)
        except Exception as exc:
            # Expired, forged, for another bot, from another service URL, or no token at all.
            log.warning("teams: refused an unauthenticated request (%s)", type(exc).__name__)
            return web.json_response({"error": "unauthorized"}, status=401)
        if body.get("type") == "invoke" and self._on_invoke is not None:
            answer = await self._on_invoke(body)
            if answer is not None:
                if answer.then is not None:
                    self.turns.spawn(self._after(answer.conversation or _conversation_of(body), answer.then))
                return web.json_response(answer.body or {}, status=answer.status)
        self.turns.spawn(self._run(_conversation_of(body), result, activity, body))
        return web.Response(status=200)

    async def _after(self, conversation: str, then: Callable[[], Awaitable[None]]) -> None:
        async with self._locks.hold(conversation):
            try:
                await then()
            except Exception as exc:
                log.error("a Teams invoke's follow-up failed: %s", type(exc).__name__)

    async def _run(self, conversation: str, result: Any, activity: Activity, body: dict[str, Any]) -> None:
        async def turn(context: TurnContext) -> None:
            await self._on_turn(context, body)

        async with self._locks.hold(conversation):
            try:
                await self._adapter.process_activity(result, activity, turn)
            except Exception as exc:
                # The class only: the message may quote what the person wrote.
                log.error("a Teams turn failed: %s", type(exc).__name__)


def _conversation_of(body: dict[str, Any]) -> str:
    conversation = body.get("conversation")
    if isinstance(conversation, dict) and isinstance(conversation.get("id"), str):
        return str(conversation["id"])
    return json.dumps(body.get("from"), sort_keys=True, default=str)
