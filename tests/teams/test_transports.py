"""TEAMS_SDK: the same settings drive either transport, anonymous mode is the same on both, and
a wrong value is refused at start-up in one line."""

from __future__ import annotations

import logging

import pytest

from adapters.teams.addresses import PLATFORM, key_for
from adapters.teams.settings import load_teams_settings
from adapters.teams.transport import AGENTS, BOTBUILDER
from adapters.teams.transport_agents import AgentsTransport
from adapters.teams.transport_agents_auth import EntraTokens
from bot.report import Reporter
from bot.settings import SettingsError
from tests.teams import activities as teams
from tests.teams.jwt_issuer import TokenIssuer
from tests.teams.tipline import running_tipline

SINGLE = {
    "MICROSOFT_APP_ID": teams.APP_ID,
    "MICROSOFT_APP_PASSWORD": "s3cret-value",
    "MICROSOFT_APP_TYPE": "SingleTenant",
    "MICROSOFT_APP_TENANT_ID": teams.TENANT,
}


def test_botbuilder_is_the_default_and_agents_is_chosen_by_one_setting():
    assert load_teams_settings(SINGLE).sdk == BOTBUILDER
    assert load_teams_settings({**SINGLE, "TEAMS_SDK": "Agents"}).sdk == AGENTS


@pytest.mark.parametrize("value", ["botframework", "teams", "2"])
def test_a_wrong_teams_sdk_is_one_line_naming_the_setting(value):
    with pytest.raises(SettingsError) as raised:
        load_teams_settings({**SINGLE, "TEAMS_SDK": value})
    message = str(raised.value)
    assert message.startswith(f"TEAMS_SDK: '{value}' is not one of botbuilder, agents")
    assert "\n" not in message


def test_the_agents_sdk_is_configured_from_the_same_settings():
    settings = load_teams_settings({**SINGLE, "TEAMS_SDK": "agents"})
    tokens = EntraTokens(settings)
    configuration = tokens.configuration
    assert configuration.CLIENT_ID == teams.APP_ID
    assert configuration.TENANT_ID == teams.TENANT
    assert f"https://login.microsoftonline.com/{teams.TENANT}" == configuration.AUTHORITY
    assert "s3cret-value" not in repr(tokens)
    transport = AgentsTransport(settings)
    assert transport.adapter.on_turn_error is None, "a failure reaches the caller, never the person"


def test_anonymous_mode_stays_loopback_only_whichever_the_sdk():
    for sdk in (BOTBUILDER, AGENTS):
        with pytest.raises(SettingsError, match=r"set HOST=127\.0\.0\.1"):
            load_teams_settings({"TEAMS_ALLOW_ANONYMOUS": "true", "HOST": "0.0.0.0", "TEAMS_SDK": sdk})


async def test_anonymous_mode_answers_without_tokens_either_way(
    tmp_path, empty_database, connector, teams_sdk
):
    async with running_tipline(tmp_path, empty_database, connector, None, sdk=teams_sdk) as tipline:
        activity = teams.personal_message("report", service_url=connector.url)
        assert await tipline.post(activity, token=None) == 200
        await tipline.settle()
        [reply, *_] = connector.posted()
        assert reply.authorization is None, "no bot token in anonymous mode"
        assert "In a sentence or two, what happened?" in "\n".join(connector.texts())


async def test_each_transport_stores_a_reporter_s_chat_in_the_bot_framework_s_shape(
    tmp_path, empty_database, connector, token_issuer, teams_sdk
):
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as tipline:
        await tipline.say("report")
        async with tipline.runtime.unit_of_work() as uow:
            stored = await uow.addresses.get(PLATFORM, key_for(_alice()))
    assert stored is not None
    assert "activityId" not in stored, "a message sent first is no reply to anything"
    assert stored["serviceUrl"] == connector.url and stored["channelId"] == "msteams"
    assert stored["conversation"]["id"] == teams.personal_conversation_id(teams.ALICE.teams_id)
    assert stored["user"]["aadObjectId"] == teams.ALICE.aad_object_id
    assert stored["bot"]["id"] == teams.BOT_ID


def _alice() -> Reporter:
    return Reporter(platform=PLATFORM, workspace=teams.TENANT, user_id=teams.ALICE.aad_object_id)


async def test_a_token_signed_by_a_key_not_endorsed_for_teams_gets_401(
    tmp_path, empty_database, connector, teams_sdk
):
    with TokenIssuer(endorsements=("webchat",)) as issuer:
        async with running_tipline(tmp_path, empty_database, connector, issuer, sdk=teams_sdk) as tipline:
            activity = teams.personal_message("report", service_url=connector.url)
            assert await tipline.post(activity) == 401
            await tipline.settle()
    assert connector.sent() == []


async def test_an_activity_neither_sdk_can_read_is_a_400_with_one_warning_and_no_trace(
    tipline_for_both, caplog
):
    tipline = tipline_for_both
    for broken in (
        {"type": "message", "conversation": "not an object", "serviceUrl": tipline.connector.url},
        {
            "type": "message",
            "from": ["a", "list"],
            "text": "CANARY-7731",
            "serviceUrl": tipline.connector.url,
        },
    ):
        assert await tipline.post(broken) == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert "CANARY-7731" not in caplog.text
    assert tipline.connector.sent() == []


@pytest.fixture
async def tipline_for_both(tmp_path, empty_database, connector, token_issuer, teams_sdk):
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running
