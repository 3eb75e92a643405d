"""Teams settings: what's wrong is said in one line, naming the setting and the fix; no
anonymous mode unless asked for, and then on this machine only."""

from __future__ import annotations

import pytest

from adapters.teams.settings import (
    OPENID_METADATA_URL,
    load_teams_settings,
    teams_configured,
)
from bot.settings import SettingsError

APP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SINGLE = {
    "MICROSOFT_APP_ID": APP_ID,
    "MICROSOFT_APP_PASSWORD": "s3cr3t~value",
    "MICROSOFT_APP_TENANT_ID": TENANT,
}


def test_a_single_tenant_bot_gets_its_token_from_its_own_tenant():
    settings = load_teams_settings(SINGLE)
    assert (settings.app_id, settings.app_type, settings.tenant_id) == (APP_ID, "SingleTenant", TENANT)
    assert settings.login_url == f"https://login.microsoftonline.com/{TENANT}"
    assert settings.openid_metadata_url == OPENID_METADATA_URL
    assert not settings.anonymous
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert "s3cr3t" not in repr(settings)


def test_a_multi_tenant_bot_needs_no_tenant():
    settings = load_teams_settings(
        {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "pw", "MICROSOFT_APP_TYPE": "multitenant"}
    )
    assert settings.app_type == "MultiTenant"
    assert settings.login_url == "https://login.microsoftonline.com/botframework.com"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "MICROSOFT_APP_ID: missing"),
        ({**SINGLE, "MICROSOFT_APP_ID": "Tipline"}, "MICROSOFT_APP_ID: 'Tipline' is not an app id"),
        ({**SINGLE, "MICROSOFT_APP_PASSWORD": " "}, "MICROSOFT_APP_PASSWORD: missing"),
        ({**SINGLE, "MICROSOFT_APP_TENANT_ID": ""}, "MICROSOFT_APP_TENANT_ID: missing"),
        ({**SINGLE, "MICROSOFT_APP_TENANT_ID": "contoso"}, "is not a tenant id"),
        (
            {**SINGLE, "MICROSOFT_APP_TYPE": "UserAssignedMSI"},
            "MICROSOFT_APP_TYPE: 'UserAssignedMSI' is not supported",
        ),
        (
            {**SINGLE, "TEAMS_ALLOW_ANONYMOUS": "true"},
            "TEAMS_ALLOW_ANONYMOUS: true while MICROSOFT_APP_ID is set",
        ),
        ({"TEAMS_ALLOW_ANONYMOUS": "true", "HOST": "0.0.0.0"}, "set HOST=127.0.0.1"),
        ({"TEAMS_ALLOW_ANONYMOUS": "maybe"}, "TEAMS_ALLOW_ANONYMOUS: 'maybe' is not true or false"),
        (
            {**SINGLE, "TEAMS_OPENID_METADATA_URL": "http://keys.example/openid"},
            "must be fetched over https://",
        ),
        ({**SINGLE, "PORT": "eighty"}, "PORT: 'eighty' is not a number"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(env, names):
    with pytest.raises(SettingsError) as raised:
        load_teams_settings(env)
    message = str(raised.value)
    assert names in message
    assert "\n" not in message


def test_anonymous_mode_only_when_asked_and_only_on_loopback():
    settings = load_teams_settings({"TEAMS_ALLOW_ANONYMOUS": "true"})
    assert settings.anonymous and settings.app_id is None and settings.app_password is None
    assert load_teams_settings({"TEAMS_ALLOW_ANONYMOUS": "yes", "HOST": "localhost"}).host == "localhost"


def test_a_test_issuer_on_this_machine_may_use_plain_http():
    url = "http://127.0.0.1:8123/v1/.well-known/openidconfiguration"
    assert load_teams_settings({**SINGLE, "TEAMS_OPENID_METADATA_URL": url}).openid_metadata_url == url


def test_teams_is_configured_by_any_teams_setting():
    assert not teams_configured({"SLACK_BOT_TOKEN": "xoxb-1", "TEAMS_OPENID_METADATA_URL": "https://x"})
    assert teams_configured({"MICROSOFT_APP_ID": APP_ID})
    assert teams_configured({"TEAMS_ALLOW_ANONYMOUS": "true"})
    assert not teams_configured({"MICROSOFT_APP_ID": "  "})


def test_the_teams_inbox_can_be_turned_off_for_a_team_that_reads_reports_elsewhere():
    assert load_teams_settings(SINGLE).inbox is True
    assert load_teams_settings({**SINGLE, "TEAMS_INBOX": "off"}).inbox is False
    with pytest.raises(SettingsError, match="TEAMS_INBOX: 'sometimes' is not on or off"):
        load_teams_settings({**SINGLE, "TEAMS_INBOX": "sometimes"})
    assert not teams_configured({"TEAMS_INBOX": "off"})


def test_a_sovereign_cloud_names_where_the_bot_gets_its_token():
    settings = load_teams_settings(
        {**SINGLE, "TEAMS_LOGIN_URL": f"https://login.microsoftonline.us/{TENANT}/"}
    )
    assert settings.login_url == f"https://login.microsoftonline.us/{TENANT}"


@pytest.mark.parametrize("url", ["http://login.example/tenant", "https://login.microsoftonline.us", "login"])
def test_a_login_url_must_be_an_https_authority_with_a_tenant(url):
    with pytest.raises(SettingsError) as refused:
        load_teams_settings({**SINGLE, "TEAMS_LOGIN_URL": url})
    assert str(refused.value).startswith("TEAMS_LOGIN_URL: ")
