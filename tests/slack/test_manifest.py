"""The app manifest asks Slack for exactly what the app listens to."""

from pathlib import Path

import yaml

from adapters.slack.bot import CHECK_SHORTCUT, COMMAND, SHORTCUT
from adapters.slack.watchlist_form import ADD_SHORTCUT
from adapters.web.server import SLACK_EVENTS

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "manifest.yaml").read_text())


def test_the_manifest_matches_the_listeners():
    features, settings = MANIFEST["features"], MANIFEST["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [
        ("message", SHORTCUT),
        ("message", CHECK_SHORTCUT),
        ("global", ADD_SHORTCUT),
    ]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == ["app_home_opened", "message.im"]
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"] is False
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        features["slash_commands"][0]["url"],
    ]
    assert urls == [f"https://YOUR-HOST{SLACK_EVENTS}"] * 3
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(
        ["chat:write", "im:history", "im:write", "commands", "users:read", "files:read", "files:write"]
    )
