"""POST /api/messages: the Bot Framework's requests, verified, answered, then handled.

Every request is authenticated by the transport (botbuilder or the Agents SDK, TEAMS_SDK) before
anything else happens: the JWT's signature against the Bot Framework's published keys, its
issuer, its audience (our app id) and its serviceurl claim against the activity's serviceUrl, so
the bot never sends its own token to an address a forged activity names. Whatever goes wrong
there is a 401 and changes nothing. A body that isn't a JSON activity is a 400 (415 for another
content type). Then the request is answered (200) and the turn runs after it, one conversation
at a time in order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.teams.transport import Conversation, Transport, Unauthenticated
from adapters.turn_order import BackgroundTurns, KeyedLocks

log = logging.getLogger("tipline.teams")

MESSAGES = "/api/messages"


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
        transport: Transport,
        on_turn: Callable[[Conversation, dict[str, Any]], Awaitable[None]],
        on_invoke: Invoked | None = None,
    ) -> None:
        """`on_turn(conversation, body)`: the body as received, since the SDKs' models drop what
        they don't model (a mention's `mentioned`, for one). `on_invoke(body)`: an invoke whose
        answer Teams waits for (a dialog); None from it sends the invoke to on_turn."""
        self._transport = transport
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
        header = request.headers.get("Authorization", "").strip() or None
        try:
            identity = await self._transport.authenticate(body, header)
        except Unauthenticated as exc:
            # Expired, forged, for another bot, from another service URL, or no token at all.
            log.warning("teams: refused an unauthenticated request (%s)", exc)
            return web.json_response({"error": "unauthorized"}, status=401)
        except Exception:
            # The activity's own fields would not parse as an activity (a wrong type somewhere).
            return _problem(400, "the body is not a Bot Framework activity")
        if body.get("type") == "invoke" and self._on_invoke is not None:
            answer = await self._on_invoke(body)
            if answer is not None:
                if answer.then is not None:
                    self.turns.spawn(self._after(answer.conversation or _conversation_of(body), answer.then))
                return web.json_response(answer.body or {}, status=answer.status)
        self.turns.spawn(self._run(_conversation_of(body), identity, body))
        return web.Response(status=200)

    async def _after(self, conversation: str, then: Callable[[], Awaitable[None]]) -> None:
        async with self._locks.hold(conversation):
            try:
                await then()
            except Exception as exc:
                log.error("a Teams invoke's follow-up failed: %s", type(exc).__name__)

    async def _run(self, conversation: str, identity: object, body: dict[str, Any]) -> None:
        async def turn(replies: Conversation) -> None:
            await self._on_turn(replies, body)

        async with self._locks.hold(conversation):
            try:
                await self._transport.run_turn(identity, body, turn)
            except Exception as exc:
                # The class only: the message may quote what the person wrote.
                log.error("a Teams turn failed: %s", type(exc).__name__)


def _conversation_of(body: dict[str, Any]) -> str:
    conversation = body.get("conversation")
    if isinstance(conversation, dict) and isinstance(conversation.get("id"), str):
        return str(conversation["id"])
    return json.dumps(body.get("from"), sort_keys=True, default=str)
