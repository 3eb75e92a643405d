"""A recording Bot Framework Connector API on 127.0.0.1, answering as the Teams Connector service does.

Put `connector.url` ("http://127.0.0.1:PORT/") in activities' serviceUrl: botbuilder's ConnectorClient
appends "v3/conversations/…". Conversation and activity ids arrive percent-encoded (Teams ids hold
":" ";" "@"); they are decoded here, so records carry the ids as the bot knows them.

Every request is kept in `requests` (with the status it got); `sent()` lists the successful
activity operations (POST send/reply, PUT update, DELETE) in order. `current(id)` is an activity as
the PUTs left it. `fail_next` makes the next matching requests fail the way the service fails;
`require_token` answers 401 to requests without the expected bearer token.

`FixedTokenCredentials` / `FixedTokenCredentialFactory` give botbuilder outgoing credentials whose
token is known (no call to login.microsoftonline.com), so tests can prove what the bot sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

from aiohttp import web
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory
from microsoft_agents.hosting.core import AgentAuthConfiguration, AnonymousTokenProvider

from tests.teams.activities import ADAPTIVE_CARD, new_message_id, personal_conversation_id

T = TypeVar("T")

# The error codes the Connector service answers with, by status.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadArgument", "Invalid activity"),
    401: ("Unauthorized", "Authorization has been denied for this request."),
    403: ("BotNotInConversationRoster", "The bot is not part of the conversation roster."),
    404: ("ConversationNotFound", "Conversation not found."),
    412: ("PreconditionFailed", "The activity was modified concurrently; retry."),
    413: ("MessageSizeTooBig", "Activity resulted into multiple skype activities"),
    429: ("Throttled", "Too many requests: the bot has exceeded the rate limit for this conversation."),
    500: ("ServiceError", "An internal error occurred."),
    502: ("ServiceError", "Bad gateway: upstream service failed."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable."),
    504: ("GatewayTimeout", "The upstream service did not answer in time."),
}


@dataclass
class Recorded:
    """One request the connector got. For activity operations, `activity_id` is the id the activity
    has (assigned by the connector for POSTs), `reply_to` the parent for reply_to_activity."""

    method: str
    path: str
    status: int
    authorization: str | None
    body: Any = None
    conversation_id: str | None = None
    activity: dict[str, Any] | None = None
    activity_id: str | None = None
    reply_to: str | None = None
    operation: str = ""  # send | reply | update | delete | create_conversation | get_member(s) | unknown
    retry_after: str | None = None
    raw: bytes = b""  # the body as sent
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: str | None
    path_contains: str | None
    method: str | None
    code: str | None
    message: str | None
    hits: list[Recorded] = field(default_factory=list)

    path_is: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (
            (self.path_contains is None or self.path_contains in path)
            and (self.path_is is None or self.path_is == path)
            and (self.method is None or self.method.upper() == method)
        )


class RecordingConnector:
    """The Connector double. `async with RecordingConnector() as connector:` or start()/stop()."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.conversations: dict[str, dict[str, Any]] = {}  # created conversations: id -> request body
        self.members: dict[str, dict[str, Any]] = {}  # answered by GET …/members[/{id}]: teams id -> account
        self.deleted: set[str] = set()
        self.files: dict[str, tuple[bytes, str]] = {}  # served at GET /files/<key>/<name>
        self._activities: dict[str, dict[str, Any]] = {}  # activity id -> current copy
        self._failures: list[_Failure] = []
        self._token: str | None = None
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> RecordingConnector:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The serviceUrl to put in activities (ends in "/")."""
        return f"http://127.0.0.1:{self.port}/"

    # ---- shaping answers -------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        times: int = 1,
        retry_after: str | None = None,
        path_contains: str | None = None,
        *,
        method: str | None = None,
        code: str | None = None,
        message: str | None = None,
        path_is: str | None = None,
    ) -> None:
        """Answer the next `times` matching requests with `status` and a Connector error body
        {"error": {"code", "message"}} (plus a Retry-After header when given). `path_contains` matches
        the decoded path (e.g. "/activities/<id>" or a conversation id), `method` the HTTP method.
        `path_is` matches the whole decoded path (e.g. "/v3/conversations", creating one).
        Failed requests are recorded (status = the injected one); see `failures()`."""
        self._failures.append(
            _Failure(status, times, retry_after, path_contains, method, code, message, path_is=path_is)
        )

    def recover(self) -> None:
        """The service is back: no more injected failures."""
        self._failures.clear()

    def require_token(self, token: str | None) -> None:
        """When set, requests whose Authorization isn't "Bearer <token>" get 401 (None: accept all)."""
        self._token = token

    def add_member(
        self, teams_id: str, *, name: str, aad_object_id: str, email: str | None = None, tenant_id: str = ""
    ) -> None:
        """Make GET /v3/conversations/{id}/members[/{teams_id}] know a user, as TeamsChannelAccount."""
        email = email or f"{name.split()[0].lower()}@contoso.example"
        self.members[teams_id] = {
            "id": teams_id,
            "name": name,
            "aadObjectId": aad_object_id,
            "email": email,
            "userPrincipalName": email,
            "givenName": name.split()[0],
            "surname": name.split()[-1],
            "tenantId": tenant_id,
            "userRole": "user",
        }

    def host_file(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Serve bytes at a pre-authenticated URL, like a FileDownloadInfo downloadUrl; returns the URL."""
        key = secrets.token_urlsafe(12)
        self.files[key] = (data, content_type)
        return f"{self.url}files/{key}/{name}"

    # ---- reading what happened -------------------------------------------------------------------

    def sent(self, conversation_id: str | None = None) -> list[Recorded]:
        """Successful activity operations (send, reply, update, delete, and the first activity of a
        created conversation), oldest first, optionally in one conversation."""
        return [
            r
            for r in self.requests
            if r.operation in ("send", "reply", "update", "delete")
            and r.status < 300
            and (conversation_id is None or r.conversation_id == conversation_id)
        ]

    def posted(self, conversation_id: str | None = None) -> list[Recorded]:
        """Only the new activities (send, reply, first activity of a created conversation)."""
        return [r for r in self.sent(conversation_id) if r.method == "POST"]

    def uploads(self) -> list[Recorded]:
        """Files PUT to an upload URL under /uploads/ (file consent)."""
        return [r for r in self.requests if r.operation == "upload"]

    def failures(self) -> list[Recorded]:
        """Requests answered with an injected failure or a 401 from require_token."""
        return [r for r in self.requests if r.status >= 400]

    def current(self, activity_id: str) -> dict[str, Any]:
        """An activity as it is now (after any PUTs). KeyError when unknown or deleted."""
        if activity_id in self.deleted:
            raise KeyError(f"activity {activity_id} was deleted")
        return self._activities[activity_id]

    def cards(self, conversation_id: str | None = None, *, as_posted: bool = False) -> list[dict[str, Any]]:
        """The Adaptive Cards of posted activities, oldest first, as they are now (after updates, and
        leaving deleted ones out) unless as_posted=True."""
        found: list[dict[str, Any]] = []
        for record in self.posted(conversation_id):
            if as_posted:
                activity = record.activity or {}
            elif record.activity_id in self.deleted:
                continue
            else:
                activity = self._activities.get(record.activity_id or "", record.activity or {})
            found.extend(adaptive_cards(activity))
        return found

    def texts(self, card: dict[str, Any] | None = None, conversation_id: str | None = None) -> list[str]:
        """Readable text: of one card, or of every posted activity now (its text, then its cards')."""
        if card is not None:
            return card_texts(card)
        out: list[str] = []
        for record in self.posted(conversation_id):
            if record.activity_id in self.deleted:
                continue
            activity = self._activities.get(record.activity_id or "", record.activity or {})
            if activity.get("text"):
                out.append(activity["text"])
            for found in adaptive_cards(activity):
                out.extend(card_texts(found))
        return out

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Wait until predicate() is truthy (re-checked whenever a request arrives, and every 50 ms);
        return its value. AssertionError naming the requests seen when it times out."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [f"{r.method} {r.path} -> {r.status}" for r in self.requests]
                raise AssertionError(f"condition not met within {timeout}s; connector requests were {seen}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def wait_for_sent(
        self,
        count: int = 1,
        conversation_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Recorded]:
        """Wait until at least `count` activity operations succeeded; return them."""
        return await self.wait_for(
            lambda: found if len(found := self.sent(conversation_id)) >= count else None, timeout
        )

    # ---- the service -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.raw_path.split("?", 1)[0]
        segments = [unquote(s) for s in raw_path.strip("/").split("/")]
        path = "/" + "/".join(segments)
        method = request.method
        authorization = request.headers.get("Authorization")
        body: Any = None
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        record = Recorded(method, path, 0, authorization, body, raw=raw, headers=dict(request.headers))
        self.requests.append(record)  # _answer never awaits: nobody sees it before it is complete
        try:
            return self._answer(record, segments)
        finally:
            self._changed.set()

    def _answer(self, record: Recorded, segments: list[str]) -> web.StreamResponse:
        method = record.method
        if method == "PUT" and len(segments) == 2 and segments[0] == "uploads":
            # A file-consent uploadUrl (OneDrive's, in Teams): the bytes kept, as OneDrive answers.
            record.operation = "upload"
            record.status = 201
            return web.json_response({"id": segments[1], "name": segments[1]}, status=201)
        if method == "GET" and len(segments) == 3 and segments[0] == "files":
            record.operation = "download"
            if segments[1] not in self.files:
                return self._error(record, 404, "NotFound", "No such file")
            data, content_type = self.files[segments[1]]
            record.status = 200
            return web.Response(body=data, content_type=content_type)

        if self._token is not None and record.authorization != f"Bearer {self._token}":
            record.operation = "unauthorized"
            record.status = 401
            return web.json_response({"message": ERRORS[401][1]}, status=401)

        failure = next((f for f in self._failures if f.matches(method, record.path)), None)
        if failure is not None:
            failure.times -= 1
            if failure.times <= 0:
                self._failures.remove(failure)
            failure.hits.append(record)
            self._classify(record, segments)
            code, message = ERRORS.get(failure.status, ("ServiceError", "Request failed"))
            record.retry_after = failure.retry_after
            headers = {"Retry-After": failure.retry_after} if failure.retry_after is not None else {}
            return self._error(
                record, failure.status, failure.code or code, failure.message or message, headers
            )

        self._classify(record, segments)
        handler = {
            "create_conversation": self._create_conversation,
            "send": self._send,
            "reply": self._send,
            "update": self._update,
            "delete": self._delete,
            "get_members": self._get_members,
            "get_member": self._get_member,
        }.get(record.operation)
        if handler is None:
            return self._error(record, 404, "NotFound", f"No route for {method} {record.path}")
        return handler(record)

    @staticmethod
    def _classify(record: Recorded, segments: list[str]) -> None:
        method, n = record.method, len(segments)
        if n < 2 or segments[0] != "v3" or segments[1] != "conversations":
            record.operation = "unknown"
            return
        if n == 2:
            record.operation = "create_conversation" if method == "POST" else "unknown"
            return
        record.conversation_id = segments[2]
        if n >= 4 and segments[3] == "activities":
            if n == 4 and method == "POST":
                record.operation = "send"
            elif n == 5:
                record.activity_id = segments[4]
                record.operation = {"POST": "reply", "PUT": "update", "DELETE": "delete"}.get(
                    method, "unknown"
                )
                if method == "POST":
                    record.reply_to, record.activity_id = segments[4], None
            else:
                record.operation = "unknown"
        elif n >= 4 and segments[3] in ("members", "pagedmembers") and method == "GET":
            record.operation = "get_member" if n == 5 else "get_members"
        else:
            record.operation = "unknown"
        if isinstance(record.body, dict) and record.operation in ("send", "reply", "update"):
            record.activity = record.body

    def _error(
        self, record: Recorded, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> web.Response:
        record.status = status
        return web.json_response(
            {"error": {"code": code, "message": message}}, status=status, headers=headers
        )

    def _store(self, activity_id: str, activity: dict[str, Any], conversation_id: str) -> None:
        stored = copy.deepcopy(activity)
        stored["id"] = activity_id
        stored.setdefault("conversation", {})
        if isinstance(stored["conversation"], dict):
            stored["conversation"]["id"] = conversation_id
        self._activities[activity_id] = stored

    def _send(self, record: Recorded) -> web.Response:
        if not isinstance(record.body, dict) or not record.body.get("type"):
            return self._error(record, 400, "BadSyntax", "Activity is missing or has no type")
        record.activity_id = new_message_id()
        self._store(record.activity_id, record.body, record.conversation_id or "")
        record.status = 201
        return web.json_response({"id": record.activity_id}, status=201)

    def _update(self, record: Recorded) -> web.Response:
        activity_id = record.activity_id or ""
        if activity_id not in self._activities or activity_id in self.deleted:
            return self._error(record, 404, "ActivityNotFound", f"Activity {activity_id} not found")
        if not isinstance(record.body, dict) or not record.body.get("type"):
            return self._error(record, 400, "BadSyntax", "Activity is missing or has no type")
        self._store(activity_id, record.body, record.conversation_id or "")
        record.status = 200
        return web.json_response({"id": activity_id}, status=200)

    def _delete(self, record: Recorded) -> web.Response:
        activity_id = record.activity_id or ""
        if activity_id not in self._activities or activity_id in self.deleted:
            return self._error(record, 404, "ActivityNotFound", f"Activity {activity_id} not found")
        self.deleted.add(activity_id)
        record.status = 200
        return web.Response(status=200)

    def _create_conversation(self, record: Recorded) -> web.Response:
        params = record.body if isinstance(record.body, dict) else {}
        channel_data = params.get("channelData") or {}
        channel_id = (channel_data.get("channel") or {}).get("id")
        members = params.get("members") or []
        activity = params.get("activity")
        activity_id = new_message_id() if activity else None
        if channel_id:
            if not activity:
                return self._error(
                    record, 400, "BadArgument", "An activity is required to start a channel thread"
                )
            conversation_id = f"{channel_id};messageid={activity_id}"
        elif len(members) == 1 and not params.get("isGroup"):
            conversation_id = personal_conversation_id(members[0]["id"])
        else:
            return self._error(record, 400, "BadArgument", "Incorrect conversation creation parameters")
        self.conversations[conversation_id] = params
        record.conversation_id = conversation_id
        answer: dict[str, Any] = {"id": conversation_id, "serviceUrl": self.url}
        if activity and activity_id:
            answer["activityId"] = activity_id
            self._store(activity_id, activity, conversation_id)
            # The first activity counts as posted in the new conversation.
            self.requests.append(
                Recorded(
                    "POST",
                    record.path,
                    201,
                    record.authorization,
                    activity,
                    conversation_id=conversation_id,
                    activity=activity,
                    activity_id=activity_id,
                    operation="send",
                )
            )
        record.status = 201
        return web.json_response(answer, status=201)

    def _get_members(self, record: Recorded) -> web.Response:
        record.status = 200
        members = list(self.members.values())
        if record.path.split("/")[4] == "pagedmembers":
            return web.json_response({"members": members})
        return web.json_response(members)

    def _get_member(self, record: Recorded) -> web.Response:
        member_id = record.path.split("/")[-1]
        if member_id not in self.members:
            return self._error(record, 404, "MemberNotFoundInConversation", "The member was not found.")
        record.status = 200
        return web.json_response(self.members[member_id])


# ---- reading cards ----------------------------------------------------------------------------------


def adaptive_cards(activity: dict[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Card contents attached to an activity."""
    return [
        a["content"]
        for a in activity.get("attachments") or []
        if isinstance(a, dict)
        and a.get("contentType") == ADAPTIVE_CARD
        and isinstance(a.get("content"), dict)
    ]


def card_texts(card: Any) -> list[str]:
    """Every TextBlock / TextRun text and every Fact ("Title: value") of a card, in document order,
    including nested containers, columns and Action.ShowCard cards."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if kind in ("TextBlock", "TextRun") and isinstance(node.get("text"), str):
                out.append(node["text"])
            if kind == "FactSet":
                out.extend(
                    f"{fact.get('title', '')}: {fact.get('value', '')}" for fact in node.get("facts", [])
                )
            for key, child in node.items():
                if key != "facts" and isinstance(child, dict | list):
                    walk(child)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return out


def inputs(card: Any) -> dict[str, dict[str, Any]]:
    """The card's Input.* elements by id (to check what a form asks for)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def submit_actions(card: Any) -> list[dict[str, Any]]:
    """The card's Action.Submit / Action.Execute actions (their "data" is what a submit sends)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("Action.Submit", "Action.Execute"):
                found.append(node)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


# ---- outgoing credentials with a known token ---------------------------------------------------------


class FixedTokenCredentials(AppCredentials):  # type: ignore[misc]  # botframework is untyped
    """Bot credentials that sign every Connector call with "Bearer <token>" and never log in."""

    def __init__(self, app_id: str, token: str, oauth_scope: str | None = None) -> None:
        super().__init__(app_id=app_id, oauth_scope=oauth_scope)
        self.token = token

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self.token


class FixedTokenCredentialFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """A credential factory for BotFrameworkAuthenticationFactory.create / CloudAdapter: validates
    inbound audiences against `app_id` and hands out FixedTokenCredentials for outgoing calls."""

    def __init__(self, app_id: str, token: str) -> None:
        self.app_id = app_id
        self.token = token

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> FixedTokenCredentials:
        if app_id != self.app_id:
            raise PermissionError(f"Invalid app_id {app_id!r}")
        return FixedTokenCredentials(app_id, self.token, oauth_scope)


class FixedToken(AnonymousTokenProvider):
    """The Agents SDK's token provider for the stand-in Connector: this token, whatever is asked
    (the other grants, on-behalf-of and agentic, stay the anonymous provider's empty answers)."""

    def __init__(self, app_id: str, token: str) -> None:
        self._configuration = AgentAuthConfiguration(client_id=app_id)
        self._token = token

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return self._token
