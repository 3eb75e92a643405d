"""The recording Web API answers slack_sdk as Slack would; signed requests pass slack_sdk's verifier."""

import json
from urllib.parse import parse_qsl

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack import web_api


async def test_slack_sdk_calls_are_recorded_and_answered(slack_api):
    client = AsyncWebClient(token="xoxb-test", base_url=slack_api.url)
    auth = await client.auth_test()
    assert auth["user_id"] == "UBOT" and auth["bot_id"] == "BBOT"
    opened = await client.conversations_open(users="U123")
    channel = opened["channel"]["id"]
    assert channel.startswith("D")
    first = await client.chat_postMessage(channel=channel, text="hi", blocks=[{"type": "divider"}])
    second = await client.chat_postMessage(channel=channel, text="again")
    assert (first["ts"], second["ts"]) == ("1700000000.000100", "1700000000.000200")
    await client.chat_update(channel=channel, ts=first["ts"], text="changed")
    view = await client.views_publish(user_id="U123", view={"type": "home", "blocks": []})
    assert view["view"]["id"]
    user = await client.users_info(user="U123")
    assert user["user"]["real_name"]
    link = await client.chat_getPermalink(channel="C1", message_ts="1.2")
    assert link["permalink"].startswith("https://")
    assert slack_api.methods() == [
        "auth.test",
        "conversations.open",
        "chat.postMessage",
        "chat.postMessage",
        "chat.update",
        "views.publish",
        "users.info",
        "chat.getPermalink",
    ]
    assert slack_api.calls_to("chat.postMessage")[0]["blocks"] == [{"type": "divider"}]
    assert slack_api.calls_to("users.info") == [{"user": "U123"}]
    await slack_api.wait_for("chat.postMessage", 2, within=0.5)


async def test_canned_answers_and_rate_limits(slack_api):
    slack_api.fail("chat.postMessage", "channel_not_found")
    client = AsyncWebClient(token="xoxb-test", base_url=slack_api.url)
    with pytest.raises(SlackApiError) as failed:
        await client.chat_postMessage(channel="D1", text="x")
    assert failed.value.response["error"] == "channel_not_found"
    slack_api.rate_limit("chat.update", retry_after=0)
    with pytest.raises(SlackApiError) as limited:
        await client.chat_update(channel="D1", ts="1", text="x")
    assert limited.value.response.status_code == 429
    assert (await client.chat_update(channel="D1", ts="1", text="x"))["ok"]


def test_signed_requests_verify_as_slack_signs_them():
    body, content_type = web_api.encode_event(web_api.message_im("U1", "hello"))
    headers = web_api.signed_headers("secret", body, content_type)
    verifier = SignatureVerifier("secret")
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    form, _ = web_api.encode_interaction(web_api.block_actions("U1", [web_api.button("pick:0", "a", "b")]))
    assert json.loads(dict(parse_qsl(form))["payload"])["type"] == "block_actions"
