"""Slack settings: what's wrong is said in one line, naming the setting and the fix."""

from __future__ import annotations

import pytest

from adapters.slack.settings import DEFAULT_API_URL, load_slack_settings, slack_configured
from bot.settings import SettingsError

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"}


def test_http_mode_defaults():
    settings = load_slack_settings(HTTP)
    assert not settings.socket_mode
    assert settings.api_url == DEFAULT_API_URL
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.security_channel is None and settings.evidence_download is False
    assert "xoxb" not in repr(settings) and "8f74" not in repr(settings)


def test_socket_mode_needs_no_signing_secret():
    settings = load_slack_settings({"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-A1-xyz"})
    assert settings.socket_mode and settings.signing_secret is None


def test_everything_set(tmp_path):
    settings = load_slack_settings(
        {
            "EVIDENCE_DIR": "kept/evidence",
            **HTTP,
            "SLACK_API_URL": "https://slack-gov.com/api",
            "SLACK_SECURITY_CHANNEL": "C0123ABCD",
            "HOST": "0.0.0.0",
            "PORT": "8080",
            "EVIDENCE_DOWNLOAD": "on",
        },
        tmp_path,
    )
    assert settings.api_url == "https://slack-gov.com/api/"
    assert settings.security_channel == "C0123ABCD"
    assert (settings.host, settings.port, settings.evidence_download) == ("0.0.0.0", 8080, True)
    assert settings.evidence_dir == tmp_path / "kept" / "evidence"


def test_the_evidence_folder_must_be_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(SettingsError, match=r"^EVIDENCE_DIR: .* is a file"):
        load_slack_settings({**HTTP, "EVIDENCE_DIR": "file"}, tmp_path)


@pytest.mark.parametrize(
    ("env", "named", "says"),
    [
        ({}, "SLACK_BOT_TOKEN", "missing"),
        ({"SLACK_BOT_TOKEN": "xoxp-1-2"}, "SLACK_BOT_TOKEN", "user token"),
        ({"SLACK_BOT_TOKEN": "xapp-1-2"}, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "token"}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({"SLACK_BOT_TOKEN": "xoxb-1-2-abc"}, "SLACK_SIGNING_SECRET", "Socket Mode"),
        ({**HTTP, "SLACK_SIGNING_SECRET": "not a secret!"}, "SLACK_SIGNING_SECRET", "Basic Information"),
        ({**HTTP, "SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN", "xapp-"),
        ({**HTTP, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL", "https://slack.com/api/"),
        ({**HTTP, "SLACK_API_URL": "http://proxy.example/api/"}, "SLACK_API_URL", "https://"),
        ({**HTTP, "SLACK_SECURITY_CHANNEL": "#security"}, "SLACK_SECURITY_CHANNEL", "channel ID"),
        ({**HTTP, "PORT": "web"}, "PORT", "not a number"),
        ({**HTTP, "PORT": "70000"}, "PORT", "between 1 and 65535"),
        ({**HTTP, "EVIDENCE_DOWNLOAD": "maybe"}, "EVIDENCE_DOWNLOAD", "on or off"),
    ],
)
def test_a_bad_setting_is_one_clear_line(env, named, says):
    with pytest.raises(SettingsError) as raised:
        load_slack_settings(env)
    message = str(raised.value)
    assert message.startswith(f"{named}:") and says in message
    assert "\n" not in message


def test_plain_http_is_allowed_only_on_this_machine():
    settings = load_slack_settings({**HTTP, "SLACK_API_URL": "http://127.0.0.1:9999/api/"})
    assert settings.api_url == "http://127.0.0.1:9999/api/"


def test_configured_when_any_slack_setting_is_given():
    assert not slack_configured({"DATABASE_URL": "x", "SLACK_BOT_TOKEN": "  "})
    assert slack_configured({"SLACK_SIGNING_SECRET": "x"})
