"""A recording Slack Web API on 127.0.0.1, and Slack's real request shapes, signed as Slack signs them.

`RecordingSlackApi` answers every `POST/GET /api/<method>` with a plausible Slack answer and records
`(method, params)`; params are parsed from a JSON body, a form body or the query string, and the
fields Slack takes as JSON strings in form bodies (blocks, attachments, view) are decoded, so tests
read the same shapes whichever way slack_sdk sent them. `POST /hooks/<anything>` stands in for
response_url and is recorded under the method name "response_url".

The builders below return the bodies Slack sends to an app (Events API envelopes, interaction
payloads, slash-command forms); `encode_*` turns them into (body, content type), `signed_headers`
signs a body exactly as Slack does (v0, HMAC-SHA256 over "v0:{timestamp}:{body}"), and `deliver`
posts a signed body to an endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

TEAM_ID = "T0001"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
JSON_STRING_FIELDS = ("blocks", "attachments", "view", "metadata", "files")

Params = dict[str, Any]
Answer = Params | Callable[[Params], Params]


@dataclass
class Override:
    """A canned answer that replaces the default one, once (or forever when `times` is None)."""

    body: Answer
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    times: int | None = 1


class RecordingSlackApi:
    """The Web API double. Start with `await api.start()`, stop with `await api.stop()`."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Params]] = []
        self.posted: list[dict[str, Any]] = []  # chat.postMessage'd messages, as chat.update left them
        self.headers: list[tuple[str, dict[str, str]]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.file_bytes: dict[str, bytes] = {}  # served at /files-pri/<path>; unknown paths get 404
        self.uploaded: dict[str, bytes] = {}  # file id -> the bytes sent to its upload URL
        self.overrides: dict[str, list[Override]] = {}
        self.holds: dict[str, asyncio.Event] = {}  # method -> released when set (see `hold`)
        self.team_id = TEAM_ID
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/{tail:.*}", self._hook)
        app.router.add_get("/files-pri/{tail:.*}", self._file)
        app.router.add_post("/upload/{file_id}", self._upload)
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

    @property
    def url(self) -> str:
        """The base URL for SLACK_API_URL / AsyncWebClient(base_url=...): ends in "/api/"."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hook_url(self) -> str:
        """A response_url that lands here (recorded as method "response_url")."""
        return f"http://127.0.0.1:{self.port}/hooks/T0001/1/response"

    # ---- reading what was called -----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Params]:
        return [params for name, params in self.calls if name == method]

    def methods(self) -> list[str]:
        return [name for name, _ in self.calls]

    def clear(self) -> None:
        self.calls.clear()
        self.headers.clear()
        self.posted.clear()

    def message(self, ts: str) -> dict[str, Any]:
        """A posted message as it is now (after any chat.update)."""
        return next(m for m in self.posted if m["ts"] == ts)

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Params]:
        """Wait until `method` has been called at least `count` times (slow work runs after the ack)."""

        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)

        try:
            await asyncio.wait_for(reached(), within)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} call(s) to {method} within {within}s; calls were {self.methods()}"
            ) from None
        return self.calls_to(method)

    async def wait_until(self, check: Callable[[], bool], within: float = 15.0, what: str = "") -> None:
        """Wait until `check()` holds after some call (the delivery worker posts after the turn)."""

        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(check)

        try:
            await asyncio.wait_for(reached(), within)
        except TimeoutError:
            raise AssertionError(
                f"{what or 'the condition'} not met within {within}s; calls were {self.methods()}"
            ) from None

    async def settle(self, quiet: float = 0.2, within: float = 5.0) -> None:
        """Wait until no call has arrived for `quiet` seconds (to check that nothing more happens)."""
        deadline = time.monotonic() + within
        seen = -1
        while time.monotonic() < deadline:
            if len(self.calls) == seen:
                return
            seen = len(self.calls)
            await asyncio.sleep(quiet)

    # ---- shaping answers -------------------------------------------------------------------------

    def answer(
        self,
        method: str,
        body: Answer,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer `method` with `body` (a dict, or a function of the params) for the next `times` calls."""
        self.overrides.setdefault(method, []).append(Override(body, status, dict(headers or {}), times))

    def hold(self, method: str) -> asyncio.Event:
        """Calls to `method` are recorded, then wait (a slow Slack) until the returned event is set."""
        self.holds[method] = asyncio.Event()
        return self.holds[method]

    def fail(self, method: str, error: str, *, times: int | None = 1) -> None:
        self.answer(method, {"ok": False, "error": error}, times=times)

    def rate_limit(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        self.answer(
            method,
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(retry_after)},
            times=times,
        )

    # ---- the server ------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)
        await self._record(method, params, dict(request.headers))
        if method in self.holds:
            await self.holds[method].wait()
        override = self._take_override(method)
        if override is not None:
            body = override.body(params) if callable(override.body) else override.body
            return web.json_response(body, status=override.status, headers=dict(override.headers))
        return web.json_response(self._default_answer(method, params))

    async def _hook(self, request: web.Request) -> web.Response:
        params = await _read_params(request)
        await self._record("response_url", params, dict(request.headers))
        return web.Response(text="ok")

    async def _file(self, request: web.Request) -> web.Response:
        """A file download (url_private_download), recorded as "files.download" with its auth header."""
        path = request.match_info["tail"]
        await self._record(
            "files.download", {"path": path, "authorization": request.headers.get("Authorization")}, {}
        )
        if path not in self.file_bytes:
            return web.Response(status=404)
        return web.Response(body=self.file_bytes[path], content_type="application/octet-stream")

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal handed out (recorded as "files.upload")."""
        file_id = request.match_info["file_id"]
        self.uploaded[file_id] = await request.read()
        await self._record("files.upload", {"file_id": file_id}, dict(request.headers))
        return web.Response(text=f"OK - {len(self.uploaded[file_id])}")

    async def _record(self, method: str, params: Params, headers: dict[str, str]) -> None:
        async with self._changed:
            self.calls.append((method, params))
            self.headers.append((method, headers))
            self._changed.notify_all()

    def _take_override(self, method: str) -> Override | None:
        queue = self.overrides.get(method)
        if not queue:
            return None
        override = queue[0]
        if override.times is not None:
            override.times -= 1
            if override.times <= 0:
                queue.pop(0)
        return override

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts) * 100:06d}"

    def _default_answer(self, method: str, params: Params) -> Params:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://tipline-test.slack.com/",
                "team": "Tipline Test",
                "user": "tipline",
                "team_id": self.team_id,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "conversations.open":
            users = str(params.get("users", "")).split(",")[0]
            channel_id = "D" + ("".join(ch for ch in users if ch.isalnum()) or "0000")
            return {"ok": True, "channel": {"id": channel_id}}
        if method == "chat.postMessage":
            ts = self._next_ts()
            channel = params.get("channel", "")
            message = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "ts": ts,
                "text": params.get("text", ""),
                "blocks": params.get("blocks", []),
            }
            if "thread_ts" in params:
                message["thread_ts"] = params["thread_ts"]
            self.posted.append({**message, "channel": channel})
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.calls_to(method)):04d}"
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            shared = json.loads(params["files"]) if isinstance(params.get("files"), str) else params["files"]
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in shared]}
        if method == "chat.update":
            for posted in self.posted:
                if posted["ts"] == params.get("ts") and posted["channel"] == params.get("channel"):
                    posted.update({k: params[k] for k in ("text", "blocks") if k in params})
            return {
                "ok": True,
                "channel": params.get("channel", ""),
                "ts": params.get("ts", ""),
                "text": params.get("text", ""),
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            given = params.get("view")
            view: dict[str, Any] = given if isinstance(given, dict) else {}
            view_id = params.get("view_id") or f"V{next(self._view_ids):07d}"
            return {
                "ok": True,
                "view": {**view, "id": view_id, "team_id": self.team_id, "app_id": APP_ID, "hash": "h1"},
            }
        if method == "users.info":
            user_id = str(params.get("user", ""))
            user = self.users.get(user_id) or {
                "id": user_id,
                "team_id": self.team_id,
                "name": user_id.lower(),
                "real_name": f"Person {user_id}",
                "is_bot": False,
                "profile": {"real_name": f"Person {user_id}", "display_name": user_id.lower()},
            }
            return {"ok": True, "user": user}
        if method == "files.info":
            file_id = str(params.get("file", ""))
            file = self.files.get(file_id) or {
                "id": file_id,
                "name": f"{file_id}.png",
                "title": f"{file_id}.png",
                "mimetype": "image/png",
                "filetype": "png",
                "size": 1234,
                "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{file_id}/x.png",
                "permalink": f"https://tipline-test.slack.com/files/U0/{file_id}/x.png",
            }
            return {"ok": True, "file": file}
        if method == "chat.getPermalink":
            channel = params.get("channel", "")
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://tipline-test.slack.com/archives/{channel}/p{ts}",
            }
        return {"ok": True}


async def _read_params(request: web.Request) -> Params:
    params: Params = dict(request.query)
    raw = await request.read()
    if raw:
        content_type = request.content_type
        if content_type == "application/json":
            body = json.loads(raw)
            if isinstance(body, dict):
                params.update(body)
        elif content_type == "multipart/form-data":
            form = await request.post()
            params.update({key: value for key, value in form.items() if isinstance(value, str)})
        else:
            params.update(dict(parse_qsl(raw.decode(), keep_blank_values=True)))
    for key in JSON_STRING_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


# ---- signing ---------------------------------------------------------------------------------------


def signature(secret: str, body: str | bytes, timestamp: int | str) -> str:
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: str | bytes,
    content_type: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """The headers Slack sends with a request: its timestamp and the v0 signature over the body."""
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, body, ts),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


@dataclass(frozen=True)
class Delivered:
    status: int
    text: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


async def deliver(
    url: str,
    body: str,
    content_type: str,
    secret: str | None,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    headers: Mapping[str, str] | None = None,
    session: aiohttp.ClientSession | None = None,
) -> Delivered:
    """POST a body to an app endpoint, signed with `secret` (None: unsigned)."""
    sent = (
        signed_headers(secret, body, content_type, timestamp=timestamp, retry_num=retry_num)
        if secret is not None
        else {"Content-Type": content_type}
    )
    sent.update(headers or {})
    own = session is None
    client = session or aiohttp.ClientSession()
    try:
        async with client.post(url, data=body.encode(), headers=sent) as response:
            return Delivered(response.status, await response.text(), dict(response.headers))
    finally:
        if own:
            await client.close()


# ---- encoders --------------------------------------------------------------------------------------

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def encode_event(envelope: Mapping[str, Any]) -> tuple[str, str]:
    """Events API deliveries (event_callback, url_verification) are JSON bodies."""
    return json.dumps(envelope), JSON


def encode_interaction(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Interactivity (block_actions, view_submission, message_action) is a form with one field, payload."""
    return urlencode({"payload": json.dumps(payload)}), FORM


def encode_form(fields: Mapping[str, str]) -> tuple[str, str]:
    """Slash commands are a plain form."""
    return urlencode(fields), FORM


# ---- builders: Slack's request shapes ----------------------------------------------------------------

_ids = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_ids):08d}"


def _now_ts() -> str:
    return f"{time.time():.6f}"


def url_verification(
    challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
) -> dict[str, Any]:
    return {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"}


def event_callback(
    event: Mapping[str, Any], *, team_id: str = TEAM_ID, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "token": "XXYYZZ",
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or _next("Ev"),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    }


def message_im(
    user: str,
    text: str,
    *,
    team_id: str = TEAM_ID,
    channel: str | None = None,
    ts: str | None = None,
    event_id: str | None = None,
    subtype: str | None = None,
    bot_id: str | None = None,
    files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message.im event envelope: a person (or, with bot_id, a bot) wrote in the app's DM."""
    stamp = ts or _now_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel or f"D{user}",
        "user": user,
        "text": text,
        "ts": stamp,
        "event_ts": stamp,
        "channel_type": "im",
        "team": team_id,
    }
    if subtype is None and bot_id is None:
        event["client_msg_id"] = _next("cm-")
        event["blocks"] = [
            {
                "type": "rich_text",
                "block_id": _next("b"),
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ]
    if subtype is not None:
        event["subtype"] = subtype
    if bot_id is not None:
        event["bot_id"] = bot_id
    if files is not None:
        event["files"] = files
        event.setdefault("subtype", "file_share")
        event["upload"] = False
    return event_callback(event, team_id=team_id, event_id=event_id)


def slack_file(
    file_id: str, name: str = "screenshot.png", *, mimetype: str = "image/png", files_base: str | None = None
) -> dict[str, Any]:
    """A file object as it appears in a file_share message's files[] (`files_base`: where its
    url_private_download points, e.g. the recording API's `base`, which serves /files-pri/)."""
    download_base = files_base or "https://files.slack.com"
    return {
        "id": file_id,
        "created": int(time.time()),
        "timestamp": int(time.time()),
        "name": name,
        "title": name,
        "mimetype": mimetype,
        "filetype": name.rsplit(".", 1)[-1],
        "pretty_type": name.rsplit(".", 1)[-1].upper(),
        "user": "U0",
        "size": 48213,
        "mode": "hosted",
        "is_external": False,
        "url_private": f"https://files.slack.com/files-pri/{TEAM_ID}-{file_id}/{name}",
        "url_private_download": f"{download_base}/files-pri/{TEAM_ID}-{file_id}/download/{name}",
        "permalink": f"https://tipline-test.slack.com/files/U0/{file_id}/{name}",
    }


def app_home_opened(
    user: str, *, team_id: str = TEAM_ID, tab: str = "home", event_id: str | None = None
) -> dict[str, Any]:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": tab,
        "event_ts": _now_ts(),
    }
    return event_callback(event, team_id=team_id, event_id=event_id)


def _user(user: str, team_id: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id}


def button(action_id: str, value: str, block_id: str, text: str = "") -> dict[str, Any]:
    """One entry of block_actions.actions[] for a button click."""
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text or value, "emoji": True},
        "value": value,
        "action_ts": _now_ts(),
    }


def _option(value: str, text: str = "") -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def checkboxes(
    action_id: str, block_id: str, values: list[str], labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """An actions[] entry for a checkbox change (the full current selection)."""
    return {
        "type": "checkboxes",
        "action_id": action_id,
        "block_id": block_id,
        "selected_options": [_option(v, (labels or {}).get(v, "")) for v in values],
        "action_ts": _now_ts(),
    }


def multi_static_select(action_id: str, block_id: str, values: list[str]) -> dict[str, Any]:
    return {
        "type": "multi_static_select",
        "action_id": action_id,
        "block_id": block_id,
        "selected_options": [_option(v) for v in values],
        "action_ts": _now_ts(),
    }


def checkbox_state(
    block_id: str, action_id: str, values: list[str], labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """state.values as Slack sends it with a message's block_actions (e.g. the "Done" click)."""
    selected = [_option(v, (labels or {}).get(v, "")) for v in values]
    return {block_id: {action_id: {"type": "checkboxes", "selected_options": selected}}}


def block_actions(
    user: str,
    actions: list[dict[str, Any]],
    *,
    team_id: str = TEAM_ID,
    channel: str | None = None,
    message_ts: str = "1700000000.000100",
    message: dict[str, Any] | None = None,
    state: dict[str, Any] | None = None,
    trigger_id: str | None = None,
    response_url: str = "https://hooks.slack.com/actions/T0001/1/response",
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A block_actions payload: a click in a message (default) or, with `view`, in a modal/home tab."""
    channel_id = channel or f"D{user}"
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team_id),
        "api_app_id": APP_ID,
        "token": "XXYYZZ",
        "trigger_id": trigger_id or f"{next(_ids)}.{next(_ids)}.abcdef0123456789",
        "team": {"id": team_id, "domain": "tipline-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": state or {}},
        "actions": actions,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0000001")}
        payload["view"] = view
        return payload
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    payload["channel"] = {"id": channel_id, "name": "directmessage"}
    payload["message"] = message or {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "ts": message_ts,
        "text": "",
        "blocks": [],
    }
    payload["response_url"] = response_url
    return payload


def text_input_state(values: Mapping[str, str], action_id: str = "value") -> dict[str, Any]:
    """view.state.values for plain_text_input fields keyed by block_id."""
    return {
        block_id: {action_id: {"type": "plain_text_input", "value": value}}
        for block_id, value in values.items()
    }


def view_submission(
    user: str,
    callback_id: str,
    values: dict[str, Any],
    *,
    private_metadata: str = "",
    team_id: str = TEAM_ID,
    view_id: str = "V0000001",
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A view_submission payload; `values` is view.state.values ({block_id: {action_id: {...}}})."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "tipline-test"},
        "user": _user(user, team_id),
        "api_app_id": APP_ID,
        "token": "XXYYZZ",
        "trigger_id": f"{next(_ids)}.{next(_ids)}.abcdef0123456789",
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1700000000.abcdef",
            "title": {"type": "plain_text", "text": "Tipline", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Send", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def slash_command(
    user: str,
    *,
    command: str = "/report",
    text: str = "",
    team_id: str = TEAM_ID,
    channel_id: str = "C0GENERAL",
    response_url: str = "https://hooks.slack.com/commands/T0001/1/response",
) -> dict[str, str]:
    """The form fields of a slash command (encode with encode_form)."""
    return {
        "token": "XXYYZZ",
        "team_id": team_id,
        "team_domain": "tipline-test",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{next(_ids)}.{next(_ids)}.abcdef0123456789",
    }


def message_action(
    user: str,
    *,
    callback_id: str = "report_message",
    text: str,
    message_ts: str = "1699999999.000200",
    message_user: str = "U0STRANGER",
    channel_id: str = "C0GENERAL",
    team_id: str = TEAM_ID,
    response_url: str = "https://hooks.slack.com/app/T0001/1/response",
) -> dict[str, Any]:
    """A message shortcut ("Report this message") payload."""
    return {
        "type": "message_action",
        "token": "XXYYZZ",
        "action_ts": _now_ts(),
        "team": {"id": team_id, "domain": "tipline-test"},
        "user": _user(user, team_id),
        "channel": {"id": channel_id, "name": "general"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": f"{next(_ids)}.{next(_ids)}.abcdef0123456789",
        "response_url": response_url,
        "message_ts": message_ts,
        "message": {
            "type": "message",
            "user": message_user,
            "text": text,
            "ts": message_ts,
            "team": team_id,
        },
    }


def global_shortcut(user: str, *, callback_id: str, team_id: str = TEAM_ID) -> dict[str, Any]:
    """A global shortcut payload (from the shortcuts menu, in no particular channel)."""
    return {
        "type": "shortcut",
        "token": "XXYYZZ",
        "action_ts": "1700000000.123456",
        "team": {"id": team_id, "domain": "tipline-test"},
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": f"{next(_ids)}.{next(_ids)}.abcdef0123456789",
    }
