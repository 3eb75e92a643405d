"""Whatever anyone sends to POST /slack/events or POST /api/messages (on either Teams transport)
of a running `app.py serve`, it answers 4xx (or 200 for a genuine Slack request), never 500; the
log gets one WARNING line per refusal naming the kind of problem, never a traceback nor the body."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
from urllib.parse import quote

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.teams.transport import SDKS
from tests.slack.test_serve_process import SECRET
from tests.slack.web_api import signature
from tests.teams import activities as teams

CANARY = "Platypus-Ledger-4471"  # in every body: it must never reach the log
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
HEADER_TEXT = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
SLACK_TYPES = st.sampled_from(
    ["event_callback", "url_verification", "block_actions", "view_submission", "shortcut", "message_action"]
)


@st.composite
def slack_bodies(draw):
    """What reaches /slack/events: JSON and forms (well-formed or cut short) and plain bytes."""
    shape = draw(st.sampled_from(["json", "truncated", "form", "form-bad", "bytes"]))
    if shape == "bytes":
        return draw(st.binary(max_size=200)) + CANARY.encode()
    envelope = {"type": draw(SLACK_TYPES | JSON_VALUES), "text": CANARY}
    envelope.update(
        draw(st.dictionaries(st.sampled_from(["event", "actions", "view", "team", "user"]), JSON_VALUES))
    )
    text = json.dumps(envelope)
    if shape == "json":
        return text.encode()
    if shape == "truncated":
        return text[: draw(st.integers(1, max(1, len(text) - 1)))].encode() + CANARY.encode()
    if shape == "form":
        return ("payload=" + quote(text)).encode()
    return ("payload=%7Bnot-json" + quote(CANARY) + draw(st.text(max_size=20))).encode("utf-8", "replace")


@st.composite
def slack_headers(draw, body: bytes) -> tuple[dict[str, str], bool]:
    """Headers, and whether they carry Slack's genuine signature for `body` (signed now)."""
    now = int(time.time())
    content_type = draw(
        st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]) | HEADER_TEXT
    )
    headers = {"Content-Type": content_type or "application/json"}
    timestamp = draw(
        st.sampled_from(["now"] * 6 + ["stale", "future", "missing", "not-a-number"])
        | HEADER_TEXT
        | st.integers().map(str)
    )
    ts = {"now": str(now), "stale": str(now - 301), "future": str(now + 400)}.get(timestamp, timestamp)
    if timestamp != "missing":
        headers["X-Slack-Request-Timestamp"] = ts
    how = draw(st.sampled_from(["genuine", "other-secret", "garbage", "missing"]))
    secret = {"genuine": SECRET, "other-secret": "a-rotated-or-foreign-secret"}.get(how)
    if secret is not None:
        headers["X-Slack-Signature"] = signature(secret, body, ts)
    elif how == "garbage":
        headers["X-Slack-Signature"] = draw(HEADER_TEXT)
    genuine = how == "genuine" and timestamp == "now"
    return headers, genuine


@st.composite
def teams_requests(draw, tokens: list[str]) -> tuple[bytes, dict[str, str]]:
    shape = draw(st.sampled_from(["activity", "json", "truncated", "bytes"]))
    if shape == "activity":
        activity = teams.personal_message(CANARY, service_url="http://127.0.0.1:9/")
        activity.update(
            draw(st.dictionaries(st.sampled_from(["type", "from", "conversation", "channelId"]), JSON_VALUES))
        )
        body = json.dumps(activity).encode()
    elif shape == "json":
        body = json.dumps({"text": CANARY, "x": draw(JSON_VALUES)}).encode()
    elif shape == "truncated":
        body = (
            json.dumps({"type": "message", "text": CANARY})[: draw(st.integers(1, 30))].encode()
            + CANARY.encode()
        )
    else:
        body = draw(st.binary(max_size=200)) + CANARY.encode()
    content_type = draw(st.sampled_from(["application/json"] * 6 + ["text/plain", "other"]))
    headers = {"Content-Type": draw(HEADER_TEXT) or "x/y" if content_type == "other" else content_type}
    auth = draw(st.sampled_from(["missing", "garbage", "bearer-garbage", "bearer-jwt-shaped", "signed"]))
    if auth == "garbage":
        headers["Authorization"] = draw(HEADER_TEXT)
    elif auth == "bearer-garbage":
        headers["Authorization"] = "Bearer " + draw(HEADER_TEXT)
    elif auth == "bearer-jwt-shaped":
        headers["Authorization"] = "Bearer eyJhbGciOiJSUzI1NiJ9." + draw(HEADER_TEXT) + ".c2ln"
    elif auth == "signed":  # by the real issuer, but for another bot, expired, or for another serviceUrl
        headers["Authorization"] = "Bearer " + draw(st.sampled_from(tokens))
    return body, headers


async def post(session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]) -> int:
    async with session.post(url, data=body, headers=headers, skip_auto_headers=["Content-Type"]) as response:
        await response.read()
        return response.status


def assert_logged_without_trace(log: str) -> None:
    assert "Traceback" not in log, log[-3000:]
    assert CANARY not in log, "a request body reached the log"
    assert " ERROR " not in log, [line for line in log.splitlines() if " ERROR " in line][:5]


async def test_the_probe_requests_are_refused_with_a_4xx_and_one_warning_each(served):
    """The three requests of the adversarial probe, unsigned and signed: 401 then 400, no 500."""
    now = str(int(time.time()))
    cut = b'{"type": "event_callback", "event": {"text": "' + CANARY.encode()
    form = b"payload=%7Bnot-json" + CANARY.encode()
    async with aiohttp.ClientSession() as session:
        url = f"{served.base}/slack/events"
        assert await post(session, url, cut, {"Content-Type": "application/json"}) == 401
        assert await post(session, url, form, {"Content-Type": "application/x-www-form-urlencoded"}) == 401
        bad_ts = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": "not-a-number",
            "X-Slack-Signature": "v0=00",
        }
        assert await post(session, url, cut, bad_ts) == 401
        stale = str(int(now) - 6 * 60)
        signed_stale = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stale,
            "X-Slack-Signature": signature(SECRET, cut, stale),
        }
        assert await post(session, url, cut, signed_stale) == 401
        for body, kind in ((cut, "application/json"), (form, "application/x-www-form-urlencoded")):
            signed = {
                "Content-Type": kind,
                "X-Slack-Request-Timestamp": now,
                "X-Slack-Signature": signature(SECRET, body, now),
            }
            assert await post(session, url, body, signed) == 400
        async with session.get(f"{served.base}/healthz") as health:
            assert health.status == 200, "still serving"
    assert await served.stop() == 0
    log = served.log()
    assert_logged_without_trace(log)
    refusals = [line for line in log.splitlines() if "slack: refused" in line]
    assert len(refusals) == 6, refusals
    assert all(" WARNING " in line for line in refusals)
    assert sum("stale" in line for line in refusals) == 1
    assert sum("unreadable timestamp" in line for line in refusals) == 1
    assert sum("does not parse" in line for line in refusals) == 2


def http_post(base: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    """A plain blocking POST: hypothesis drives examples one by one; the server is another process."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


async def test_fuzzed_requests_to_the_slack_endpoint_never_get_a_500_nor_leave_a_trace(served):
    @FUZZ
    @given(data=st.data())
    def slack(data):
        body = data.draw(slack_bodies())
        headers, genuine = data.draw(slack_headers(body))
        status = http_post(served.base, "/slack/events", body, headers)
        assert status < 500
        if not genuine:
            assert status == 401, "nothing unsigned, stale or mis-signed is parsed"

    # In a thread: this loop serves the Slack Web API double the server calls (auth.test).
    await asyncio.to_thread(slack)
    await assert_still_serving_and_logged_without_trace(served)


@pytest.mark.parametrize("served", SDKS, indirect=True)
async def test_fuzzed_requests_to_the_teams_endpoint_never_get_a_500_nor_leave_a_trace(
    served, token_issuer, request
):
    """On each Teams transport (TEAMS_SDK): each SDK reads and authenticates the request itself."""
    served_sdk = request.node.callspec.params["served"]
    service_url = "http://127.0.0.1:9/"
    tokens = [
        token_issuer.token("another-bots-app-id", service_url),
        token_issuer.token(teams.APP_ID, service_url, expires_in=-3600),
        token_issuer.token(teams.APP_ID, "http://127.0.0.1:10/"),
    ]

    @FUZZ
    @given(request=teams_requests(tokens))
    def teams_endpoint(request):
        body, headers = request
        assert http_post(served.base, "/api/messages", body, headers) in (400, 401, 413, 415)

    await asyncio.to_thread(teams_endpoint)
    await assert_still_serving_and_logged_without_trace(served)
    assert f"(TEAMS_SDK={served_sdk})" in served.log(), "the server ran on the transport asked for"


async def assert_still_serving_and_logged_without_trace(served) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{served.base}/healthz") as health:
        assert health.status == 200, "still serving"
    assert await served.stop() == 0
    log = served.log()
    assert_logged_without_trace(log)
    refusals = [line for line in log.splitlines() if "refused" in line]
    assert refusals and all(" WARNING " in line for line in refusals)


async def test_signed_clicks_bolt_cannot_route_are_refused_with_a_400(served):
    """Signed bodies the fuzzer found: Bolt picks a listener by the first action's id, a view's
    or shortcut's callback_id and an event's type, and answered 500 when one was missing or not
    a string. Slack never sends such a body; each gets a 400 and one WARNING, and a body that
    has no listener at all still gets Bolt's 404."""
    now = str(int(time.time()))
    refused = [
        {"type": "block_actions", "text": CANARY, "actions": []},
        {"type": "block_actions", "text": CANARY, "actions": [{}]},
        {"type": "block_actions", "text": CANARY, "actions": [{"action_id": 7}]},
        {"type": "interactive_message", "text": CANARY, "actions": [{"name": CANARY}]},
        {"type": "view_submission", "text": CANARY, "view": {"callback_id": 5}},
        {"type": "shortcut", "text": CANARY, "callback_id": 3},
        {"type": "event_callback", "text": CANARY, "event": {"type": 4}},
    ]
    async with aiohttp.ClientSession() as session:
        url = f"{served.base}/slack/events"
        for payload in refused:
            for kind, body in (
                ("application/json", json.dumps(payload).encode()),
                ("application/x-www-form-urlencoded", ("payload=" + quote(json.dumps(payload))).encode()),
            ):
                headers = {
                    "Content-Type": kind,
                    "X-Slack-Request-Timestamp": now,
                    "X-Slack-Signature": signature(SECRET, body, now),
                }
                assert await post(session, url, body, headers) == 400, (payload, kind)
        no_listener = json.dumps({"type": "block_actions", "text": CANARY}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": now,
            "X-Slack-Signature": signature(SECRET, no_listener, now),
        }
        assert await post(session, url, no_listener, headers) == 404
    assert await served.stop() == 0
    log = served.log()
    assert_logged_without_trace(log)
    refusals = [line for line in log.splitlines() if "slack: refused" in line]
    assert len(refusals) == 2 * len(refused), refusals
    assert all(" WARNING " in line for line in refusals)
