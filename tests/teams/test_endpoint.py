"""POST /api/messages: with an app id configured, only requests with a valid Bot Framework
token are handled; everything else is a 401 (or a 4xx for a bad body) and changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.teams import activities as teams
from tests.teams.tipline import Tipline, running_tipline


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


async def conversations(tipline: Tipline) -> int:
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    return 0 if stored is None else stored.version


async def test_a_signed_request_is_handled(tipline):
    await tipline.say("report")
    assert await conversations(tipline) == 1
    [reply, *_] = tipline.connector.posted()
    assert reply.authorization == "Bearer bot-token-from-entra"  # the bot's own token, from Entra


@pytest.mark.parametrize(
    "bad",
    [
        "none",
        "expired",
        "another key",
        "unknown key",
        "for another bot",
        "another service url",
        "another issuer",
        "not a token",
    ],
)
async def test_a_request_without_a_valid_token_gets_401_and_changes_nothing(tipline, token_issuer, bad):
    url = tipline.connector.url
    token: str | None = {
        "none": None,
        "expired": token_issuer.token(teams.APP_ID, url, expires_in=-3600),
        "another key": token_issuer.token(teams.APP_ID, url, sign_with_other_key=True),
        "unknown key": token_issuer.token(teams.APP_ID, url, kid="no-such-key"),
        "for another bot": token_issuer.token("11111111-2222-3333-4444-555555555555", url),
        "another service url": token_issuer.token(teams.APP_ID, "https://elsewhere.example/"),
        "another issuer": token_issuer.token(teams.APP_ID, url, issuer="https://evil.example"),
        "not a token": "not-a-jwt",
    }[bad]
    activity = teams.personal_message("report", service_url=url)
    assert await tipline.post(activity, token=token) == 401
    await tipline.settle()
    assert await conversations(tipline) == 0
    assert tipline.connector.sent() == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'["an", "array"]', "application/json", 400),
        (b'{"text": "no type"}', "application/json", 400),
        (b"type=message", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_a_body_that_is_not_an_activity_is_a_clear_4xx(tipline, body, content_type, status):
    async with tipline.session.post(
        tipline.url + "/api/messages", data=body, headers={"Content-Type": content_type}
    ) as response:
        assert response.status == status
        assert "error" in await response.json()
    assert tipline.connector.sent() == []


async def test_the_same_activity_delivered_twice_is_handled_once(tipline):
    activity = teams.personal_message("report", service_url=tipline.connector.url)
    assert await tipline.post(activity) == 200
    await tipline.settle()
    replies = len(tipline.connector.posted())
    assert replies >= 1
    assert await tipline.post(activity) == 200  # the Bot Framework tries again
    await tipline.settle()
    assert len(tipline.connector.posted()) == replies
    assert await conversations(tipline) == 1


async def test_the_same_message_id_from_two_people_is_two_messages(tipline):
    """Teams' message ids are unique only within a conversation: both people get their answer."""
    url = tipline.connector.url
    for person in (teams.ALICE, teams.EVE):
        activity = teams.personal_message("report", user=person, service_url=url, activity_id="1796000000001")
        assert await tipline.post(activity) == 200
    await tipline.settle()
    for person in (teams.ALICE, teams.EVE):
        chat = teams.personal_conversation_id(person.teams_id)
        assert "In a sentence or two, what happened?" in "\n".join(
            tipline.connector.texts(conversation_id=chat)
        )
