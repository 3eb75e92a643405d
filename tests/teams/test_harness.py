"""The Teams test harness behaves like the real Bot Framework where it matters, checked with
botbuilder's own client and validation (our bot is not involved here)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import jwt
import pytest
import requests
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.core.teams import teams_get_channel_id
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ErrorResponseException,
)
from botbuilder.schema.teams import TeamsChannelData
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    EmulatorValidation,
    JwtTokenExtractor,
    MicrosoftAppCredentials,
    SkillValidation,
)
from msrest.exceptions import ClientRequestError

from adapters.web.server import bound_port
from tests.teams import activities as A
from tests.teams.connector import (
    ADAPTIVE_CARD,
    FixedTokenCredentialFactory,
    FixedTokenCredentials,
    RecordingConnector,
    card_texts,
)
from tests.teams.jwt_issuer import ISSUER, TokenIssuer

BOT_TOKEN = "outgoing-bot-token"  # what the bot's outgoing calls must carry


def client_for(connector: RecordingConnector, token: str | None = BOT_TOKEN) -> ConnectorClient:
    credentials = FixedTokenCredentials(A.APP_ID, token) if token else MicrosoftAppCredentials.empty()
    return ConnectorClient(credentials, base_url=connector.url)


def card(*body: dict[str, Any]) -> Attachment:
    content = {"type": "AdaptiveCard", "version": "1.5", "body": list(body)}
    return Attachment(content_type=ADAPTIVE_CARD, content=content)


def text_block(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True}


# ---- the Connector double ----------------------------------------------------------------------------


async def test_botbuilder_client_sends_and_the_record_shows_it(connector):
    connector.require_token(BOT_TOKEN)
    client = client_for(connector)
    chat = A.personal_conversation_id(A.ALICE.teams_id)

    sent = await client.conversations.send_to_conversation(
        chat, Activity(type="message", text="Thanks, Alice")
    )

    [record] = connector.sent()
    assert record.method == "POST" and record.operation == "send"
    assert record.conversation_id == chat  # decoded: the client sent "a%3A1…"
    assert record.activity_id == sent.id
    assert record.activity["text"] == "Thanks, Alice"
    assert record.authorization == f"Bearer {BOT_TOKEN}"
    assert connector.current(sent.id)["text"] == "Thanks, Alice"
    assert connector.texts() == ["Thanks, Alice"]


async def test_reply_in_a_channel_thread_decodes_the_conversation_id(connector):
    client = client_for(connector)
    thread = A.thread_conversation_id(A.CHANNEL_ID, "1712345678901")

    reply = await client.conversations.reply_to_activity(
        thread, "1712345678901", Activity(type="message", text="Triaged")
    )

    [record] = connector.sent(thread)
    assert (
        record.conversation_id == "19:8c2f4a6b1d3e5f7a9b0c2d4e6f8a1b3c@thread.tacv2;messageid=1712345678901"
    )
    assert record.reply_to == "1712345678901"
    assert record.activity_id == reply.id != "1712345678901"
    assert record.operation == "reply"


async def test_update_replaces_the_current_card_and_delete_removes_it(connector):
    client = client_for(connector)
    chat = A.personal_conversation_id(A.SAM.teams_id)
    posted = await client.conversations.send_to_conversation(
        chat,
        Activity(
            type="message",
            attachments=[
                card(
                    text_block("New report"),
                    {"type": "FactSet", "facts": [{"title": "Severity", "value": "High"}]},
                )
            ],
        ),
    )

    await client.conversations.update_activity(
        chat,
        posted.id,
        Activity(type="message", id=posted.id, attachments=[card(text_block("Claimed by Sam"))]),
    )

    assert [r.method for r in connector.sent(chat)] == ["POST", "PUT"]
    assert card_texts(connector.cards(as_posted=True)[0]) == ["New report", "Severity: High"]
    assert connector.texts(connector.cards()[0]) == ["Claimed by Sam"]
    assert connector.texts(conversation_id=chat) == ["Claimed by Sam"]
    assert connector.current(posted.id)["id"] == posted.id

    await client.conversations.delete_activity(chat, posted.id)

    assert connector.sent()[-1].method == "DELETE"
    assert connector.cards() == []
    with pytest.raises(KeyError):
        connector.current(posted.id)


async def test_updating_an_unknown_activity_is_a_404(connector):
    client = client_for(connector)
    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.update_activity("a:1x", "999", Activity(type="message", text="?"))
    assert caught.value.response.status_code == 404
    assert caught.value.error.error.code == "ActivityNotFound"


async def test_create_conversation_in_a_channel_starts_a_thread(connector):
    client = client_for(connector)
    parameters = ConversationParameters(
        is_group=True,
        bot=ChannelAccount(id=A.BOT_ID, name=A.BOT_NAME),
        channel_data={"channel": {"id": A.CHANNEL_ID}, "tenant": {"id": A.TENANT}},
        activity=Activity(type="message", attachments=[card(text_block("Report #7"))]),
        tenant_id=A.TENANT,
    )

    created = await client.conversations.create_conversation(parameters)

    assert created.id == f"{A.CHANNEL_ID};messageid={created.activity_id}"
    assert created.service_url == connector.url
    [record] = connector.posted(created.id)
    assert record.activity_id == created.activity_id
    assert connector.texts(conversation_id=created.id) == ["Report #7"]
    assert connector.conversations[created.id]["channelData"]["channel"]["id"] == A.CHANNEL_ID


async def test_create_conversation_for_a_user_returns_their_stable_personal_chat(connector):
    client = client_for(connector)
    parameters = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=A.BOT_ID),
        members=[ChannelAccount(id=A.ALICE.teams_id)],
        channel_data={"tenant": {"id": A.TENANT}},
        tenant_id=A.TENANT,
    )

    first = await client.conversations.create_conversation(parameters)
    again = await client.conversations.create_conversation(parameters)

    incoming = A.personal_message("hi", service_url=connector.url)
    assert first.id == again.id == incoming["conversation"]["id"]
    assert first.activity_id is None
    assert connector.sent() == []


async def test_fail_next_429_carries_retry_after_and_the_error_body(connector):
    client = client_for(connector)
    chat = A.personal_conversation_id(A.ALICE.teams_id)
    connector.fail_next(429, retry_after="7")

    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.send_to_conversation(chat, Activity(type="message", text="x"))

    error = caught.value
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.error.error.code == "Throttled"
    assert [(r.status, r.retry_after) for r in connector.failures()] == [(429, "7")]
    assert connector.sent() == []

    again = await client.conversations.send_to_conversation(chat, Activity(type="message", text="x"))
    assert [r.activity_id for r in connector.sent()] == [again.id]


async def test_fail_next_matches_path_and_method_and_counts_down(connector):
    client = client_for(connector)
    chat = A.personal_conversation_id(A.ALICE.teams_id)
    posted = await client.conversations.send_to_conversation(chat, Activity(type="message", text="a"))
    connector.fail_next(403, times=2, path_contains=f"/activities/{posted.id}", method="DELETE")

    other = await client.conversations.send_to_conversation(chat, Activity(type="message", text="b"))
    for _ in range(2):
        with pytest.raises(ErrorResponseException) as caught:
            await client.conversations.delete_activity(chat, posted.id)
        assert caught.value.response.status_code == 403
        assert caught.value.error.error.code == "BotNotInConversationRoster"
    await client.conversations.delete_activity(chat, posted.id)

    assert other.id
    assert len(connector.failures()) == 2
    assert connector.deleted == {posted.id}


async def test_botbuilder_retries_5xx_on_put_but_not_on_post(connector):
    """msrest's urllib3 Retry retries 5xx (and 429 with Retry-After) on PUT/DELETE/GET, not POST."""
    client = client_for(connector)
    chat = A.personal_conversation_id(A.ALICE.teams_id)
    posted = await client.conversations.send_to_conversation(chat, Activity(type="message", text="a"))

    connector.fail_next(502, method="PUT")
    await client.conversations.update_activity(chat, posted.id, Activity(type="message", text="b"))
    assert [r.status for r in connector.requests if r.method == "PUT"] == [502, 200]

    connector.fail_next(502, method="POST")
    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.send_to_conversation(chat, Activity(type="message", text="c"))
    assert caught.value.response.status_code == 502
    assert [r.status for r in connector.requests if r.method == "POST"] == [201, 502]


@pytest.mark.parametrize("status", [502, 504])
async def test_a_put_that_keeps_failing_surfaces_as_client_request_error(connector, status):
    client = client_for(connector)
    chat = A.personal_conversation_id(A.ALICE.teams_id)
    posted = await client.conversations.send_to_conversation(chat, Activity(type="message", text="a"))
    client.config.retry_policy.backoff_factor = 0  # the default 0.8 s backoff makes this take ~5 s
    connector.fail_next(status, times=4, method="PUT")

    with pytest.raises(ClientRequestError) as caught:
        await client.conversations.update_activity(chat, posted.id, Activity(type="message", text="b"))

    assert isinstance(caught.value.inner_exception, requests.exceptions.RetryError)
    assert len(connector.failures()) == 4


async def test_require_token_refuses_calls_without_the_bots_token(connector):
    connector.require_token(BOT_TOKEN)
    chat = A.personal_conversation_id(A.ALICE.teams_id)
    for client in (client_for(connector, token=None), client_for(connector, token="someone-else")):
        with pytest.raises(ErrorResponseException) as caught:
            await client.conversations.send_to_conversation(chat, Activity(type="message", text="x"))
        assert caught.value.response.status_code == 401
    assert [r.authorization for r in connector.failures()] == [None, "Bearer someone-else"]
    assert connector.sent() == []


async def test_members_and_hosted_files(connector):
    client = client_for(connector)
    connector.add_member(
        A.SAM.teams_id, name=A.SAM.name, aad_object_id=A.SAM.aad_object_id, tenant_id=A.TENANT
    )

    member = await client.conversations.get_conversation_member("a:1x", A.SAM.teams_id)
    assert member.id == A.SAM.teams_id
    assert member.aad_object_id == A.SAM.aad_object_id
    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.get_conversation_member("a:1x", A.EVE.teams_id)
    assert caught.value.response.status_code == 404

    connector.require_token(BOT_TOKEN)  # download URLs are pre-authenticated
    url = connector.host_file("evidence.png", b"\x89PNG...", "image/png")
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert await response.read() == b"\x89PNG..."


async def test_wait_for_sees_requests_that_arrive_later_and_times_out_readably(connector):
    client = client_for(connector)
    chat = A.personal_conversation_id(A.ALICE.teams_id)

    async def later() -> None:
        await asyncio.sleep(0.1)
        await client.conversations.send_to_conversation(chat, Activity(type="message", text="late"))

    task = asyncio.create_task(later())
    found = await connector.wait_for(lambda: connector.texts(), timeout=5)
    await task
    assert found == ["late"]
    assert [r.activity["text"] for r in await connector.wait_for_sent(1)] == ["late"]

    with pytest.raises(AssertionError, match="POST /v3/conversations"):
        await connector.wait_for(lambda: len(connector.sent()) > 1, timeout=0.2)


# ---- the token issuer and botbuilder's real validation -----------------------------------------------


def activity_for(service_url: str) -> Activity:
    return Activity().deserialize(A.personal_message("hello", service_url=service_url))


async def test_a_token_from_the_issuer_is_accepted_by_botbuilder(token_issuer, connector):
    auth = token_issuer.authentication(A.APP_ID)
    token = token_issuer.token(A.APP_ID, connector.url)

    result = await auth.authenticate_request(activity_for(connector.url), f"Bearer {token}")

    claims = result.claims_identity.claims
    assert result.claims_identity.is_authenticated
    assert claims["aud"] == A.APP_ID and claims["iss"] == ISSUER and claims["serviceurl"] == connector.url
    assert result.audience == "https://api.botframework.com"
    assert token_issuer.requests == ["/v1/.well-known/openidconfiguration", "/v1/keys"]
    assert jwt.get_unverified_header(token)["kid"] == token_issuer.kid


def test_issuer_tokens_are_channel_tokens_not_emulator_or_skill_tokens(token_issuer):
    header = "Bearer " + token_issuer.token(A.APP_ID, "http://127.0.0.1:1/")
    assert not EmulatorValidation.is_token_from_emulator(header)
    assert not SkillValidation.is_skill_token(header)


def bad_headers(issuer: TokenIssuer, service_url: str) -> dict[str, tuple[str | None, type[BaseException]]]:
    """Every way an Authorization header can be wrong, with what botbuilder raises for it."""
    app, url = A.APP_ID, service_url
    return {
        "expired": ("Bearer " + issuer.token(app, url, expires_in=-301), jwt.ExpiredSignatureError),
        "not yet valid": (
            "Bearer " + issuer.token(app, url, not_before=2**31 - 1),
            jwt.ImmatureSignatureError,
        ),
        "wrong audience": ("Bearer " + issuer.token("another-app", url), PermissionError),
        "wrong serviceurl": ("Bearer " + issuer.token(app, "https://evil.example/"), PermissionError),
        "no serviceurl": ("Bearer " + issuer.token(app, url, omit_claims=("serviceurl",)), PermissionError),
        "wrong issuer": ("Bearer " + issuer.token(app, url, issuer="https://evil.example"), PermissionError),
        "signed by another key": (
            "Bearer " + issuer.token(app, url, sign_with_other_key=True),
            jwt.InvalidSignatureError,
        ),
        "unknown kid": ("Bearer " + issuer.token(app, url, kid="no-such-key"), IndexError),
        "not a JWT": ("Bearer not-a-jwt", jwt.DecodeError),
        "bearer without token": ("Bearer ", jwt.DecodeError),
        "lower-case scheme": ("bearer " + issuer.token(app, url), PermissionError),
        "basic auth": ("Basic dXNlcjpwYXNz", PermissionError),
        "no header (None)": (None, PermissionError),
        # CloudAdapter.process passes "" when the request has no Authorization header.
        "no header (empty string)": ("", AttributeError),
        "three parts": ("Bearer a b", AttributeError),
    }


BAD = [
    "expired",
    "not yet valid",
    "wrong audience",
    "wrong serviceurl",
    "no serviceurl",
    "wrong issuer",
    "signed by another key",
    "unknown kid",
    "not a JWT",
    "bearer without token",
    "lower-case scheme",
    "basic auth",
    "no header (None)",
    "no header (empty string)",
    "three parts",
]


@pytest.mark.parametrize("case", BAD)
async def test_bad_tokens_are_refused_by_botbuilder(token_issuer, connector, case):
    auth = token_issuer.authentication(A.APP_ID)
    header, raised = bad_headers(token_issuer, connector.url)[case]

    with pytest.raises(Exception) as caught:  # the exact type is checked below
        await auth.authenticate_request(activity_for(connector.url), header)

    assert type(caught.value) is raised


async def test_a_key_without_the_msteams_endorsement_is_refused():
    with TokenIssuer(endorsements=["webchat"]) as issuer:
        auth = issuer.authentication(A.APP_ID)
        with pytest.raises(Exception, match="Could not validate endorsement key") as caught:
            await auth.authenticate_request(
                activity_for("http://127.0.0.1:1/"), "Bearer " + issuer.token(A.APP_ID, "http://127.0.0.1:1/")
            )
        assert type(caught.value) is Exception


def test_each_issuer_has_its_own_metadata_cache_entry():
    with TokenIssuer() as first, TokenIssuer() as second:
        assert first.metadata_url != second.metadata_url
        JwtTokenExtractor.get_open_id_metadata(first.metadata_url)
        assert first.metadata_url in JwtTokenExtractor.metadataCache
    assert first.metadata_url not in JwtTokenExtractor.metadataCache


# ---- activities, as botbuilder reads them ----------------------------------------------------------


def test_activities_deserialize_as_teams_activities():
    url = "http://127.0.0.1:1/"
    personal = Activity().deserialize(A.personal_message("hi", service_url=url, user=A.SAM))
    assert personal.channel_id == "msteams" and personal.recipient.id == A.BOT_ID
    assert personal.from_property.aad_object_id == A.SAM.aad_object_id
    assert personal.conversation.conversation_type == "personal"
    assert TeamsChannelData().deserialize(personal.channel_data).tenant.id == A.TENANT

    posted = A.channel_message("phishing?", user=A.ALICE, service_url=url)
    channel = Activity().deserialize(posted)
    assert channel.conversation.id == f"{A.CHANNEL_ID};messageid={posted['id']}"
    assert channel.conversation.is_group and channel.conversation.conversation_type == "channel"
    assert teams_get_channel_id(channel) == A.CHANNEL_ID
    assert TeamsChannelData().deserialize(channel.channel_data).team.id == A.TEAM_ID
    [mention] = channel.get_mentions()  # an Entity: its fields are in additional_properties
    assert mention.additional_properties == {
        "mentioned": {"id": A.BOT_ID, "name": "Tipline"},
        "text": "<at>Tipline</at>",
    }
    assert TurnContext.remove_mention_text(channel, A.BOT_ID).strip() == "phishing?"

    reply = A.channel_message("more", user=A.SAM, service_url=url, reply_to_message_id=posted["id"])
    assert reply["conversation"]["id"] == channel.conversation.id and reply["id"] != posted["id"]

    submit = Activity().deserialize(
        A.card_submit({"action": "claim"}, reply_to_id="1700000000001", service_url=url)
    )
    assert (
        submit.text is None and submit.value == {"action": "claim"} and submit.reply_to_id == "1700000000001"
    )

    shared = A.file_share("mail.eml", download_url="http://127.0.0.1:1/files/x/mail.eml", service_url=url)
    [info] = [a for a in shared["attachments"] if a["contentType"] == A.FILE_DOWNLOAD_INFO]
    assert info["content"]["fileType"] == "eml" and info["name"] == "mail.eml"

    install = A.install_personal(url)
    assert install["type"] == "conversationUpdate" and install["membersAdded"] == [{"id": A.BOT_ID}]
    assert len({A.personal_message("x", service_url=url)["id"] for _ in range(50)}) == 50


# ---- all of it together, through botbuilder's real CloudAdapter (a bare echo bot, not ours) --------


class EchoBot:
    async def on_turn(self, turn_context: TurnContext) -> None:
        if turn_context.activity.type == "message":
            await turn_context.send_activity(f"echo: {turn_context.activity.text}")


@pytest.fixture
async def echo_endpoint(token_issuer, connector):
    adapter = CloudAdapter(
        token_issuer.authentication(A.APP_ID, FixedTokenCredentialFactory(A.APP_ID, BOT_TOKEN))
    )
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{bound_port(runner)}"
    finally:
        await runner.cleanup()


async def test_cloud_adapter_accepts_issuer_tokens_and_replies_through_the_connector(
    echo_endpoint, token_issuer, connector
):
    connector.require_token(BOT_TOKEN)
    activity = A.personal_message("hello", service_url=connector.url)

    status, _ = await A.post_activity(echo_endpoint, activity, token_issuer.token(A.APP_ID, connector.url))

    assert status in (200, 201)
    [reply] = await connector.wait_for_sent(1)
    assert reply.activity["text"] == "echo: hello"
    assert reply.reply_to == activity["id"]
    assert reply.conversation_id == activity["conversation"]["id"]
    assert reply.authorization == f"Bearer {BOT_TOKEN}"


async def test_cloud_adapter_on_bad_tokens(echo_endpoint, token_issuer, connector):
    """What a bare CloudAdapter answers: 401 only for PermissionError; other failures become 500s."""
    async with aiohttp.ClientSession() as session:

        async def post(token: str | None) -> int:
            activity = A.personal_message("hello", service_url=connector.url)
            status, _ = await A.post_activity(session, activity, token, base_url=echo_endpoint)
            return status

        assert await post(token_issuer.token("another-app", connector.url)) == 401
        assert await post(token_issuer.token(A.APP_ID, connector.url, expires_in=-301)) == 500
        assert await post(None) == 500  # no Authorization header: AttributeError inside botbuilder
    assert connector.sent() == []
