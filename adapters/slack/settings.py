"""Slack settings from the environment, checked at start-up.

Every problem is one line (a SettingsError) naming the setting and the fix; there is no
default secret. HTTP mode needs SLACK_SIGNING_SECRET (Slack signs every request with it);
setting SLACK_APP_TOKEN switches to Socket Mode, where no public URL is needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from adapters import server_settings as server
from bot.settings import SettingsError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_HOST = server.DEFAULT_HOST
DEFAULT_PORT = server.DEFAULT_PORT
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_SECRET = re.compile(r"^[A-Za-z0-9]{16,}$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str | None
    app_token: str | None
    api_url: str
    security_channel: str | None
    host: str
    port: int
    evidence_download: bool
    evidence_dir: Path

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set; otherwise Slack posts to our HTTP endpoint."""
        return self.app_token is not None

    def __repr__(self) -> str:  # never print the secrets
        return (
            f"SlackSettings(api_url={self.api_url!r}, socket_mode={self.socket_mode}, "
            f"security_channel={self.security_channel!r}, host={self.host!r}, port={self.port}, "
            f"evidence_download={self.evidence_download}, evidence_dir={str(self.evidence_dir)!r})"
        )


def slack_configured(env: Mapping[str, str]) -> bool:
    """True when any SLACK_* setting is given: the deployment means to run the Slack bot."""
    return any(name.startswith("SLACK_") and value.strip() for name, value in env.items())


def load_slack_settings(env: Mapping[str, str], base_dir: Path | None = None) -> SlackSettings:
    """`base_dir` (the working directory by default) anchors the relative EVIDENCE_DIR."""
    base = base_dir or Path.cwd()
    app_token = _optional(env, "SLACK_APP_TOKEN")
    settings = SlackSettings(
        bot_token=_bot_token(env),
        signing_secret=_signing_secret(env, socket_mode=app_token is not None),
        app_token=_app_token(app_token),
        api_url=_api_url(env),
        security_channel=_channel(env),
        host=server.host(env),
        port=server.port(env),
        evidence_download=_flag(env, "EVIDENCE_DOWNLOAD"),
        evidence_dir=_dir(env, "EVIDENCE_DIR", base, base / "var" / "evidence"),
    )
    return settings


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _bot_token(env: Mapping[str, str]) -> str:
    token = _optional(env, "SLACK_BOT_TOKEN")
    where = "the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page"
    if token is None:
        raise SettingsError(f"SLACK_BOT_TOKEN: missing; set it to {where}")
    if token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_BOT_TOKEN: that is an app-level token (xapp-…); put it in SLACK_APP_TOKEN and set "
            f"SLACK_BOT_TOKEN to {where}"
        )
    if token.startswith("xoxp-"):
        raise SettingsError(f"SLACK_BOT_TOKEN: that is a user token (xoxp-…); use {where}")
    if not token.startswith("xoxb-") or len(token) < 10 or any(ch.isspace() for ch in token):
        raise SettingsError(f"SLACK_BOT_TOKEN: not a bot token (it should start with xoxb-); use {where}")
    return token


def _signing_secret(env: Mapping[str, str], socket_mode: bool) -> str | None:
    secret = _optional(env, "SLACK_SIGNING_SECRET")
    if secret is None:
        if socket_mode:
            return None
        raise SettingsError(
            "SLACK_SIGNING_SECRET: missing; HTTP mode needs the Signing Secret from your Slack app's "
            "Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode)"
        )
    if not _SECRET.match(secret):
        raise SettingsError(
            "SLACK_SIGNING_SECRET: that doesn't look like a signing secret; copy the Signing Secret "
            "(letters and digits) from your Slack app's Basic Information page"
        )
    return secret


def _app_token(token: str | None) -> str | None:
    if token is None:
        return None
    if not token.startswith("xapp-") or any(ch.isspace() for ch in token):
        raise SettingsError(
            "SLACK_APP_TOKEN: not an app-level token (it should start with xapp-); create one with the "
            "connections:write scope under Basic Information > App-Level Tokens, or remove the setting "
            "to use HTTP mode"
        )
    return token


def _api_url(env: Mapping[str, str]) -> str:
    url = _optional(env, "SLACK_API_URL") or DEFAULT_API_URL
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SettingsError(
            f"SLACK_API_URL: '{url}' is not a web address; use https://slack.com/api/ "
            "(or your GovSlack or proxy address)"
        )
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise SettingsError(
            "SLACK_API_URL: the bot token is sent to this address, so it must use https:// "
            "(plain http is allowed only for 127.0.0.1 and localhost)"
        )
    return url if url.endswith("/") else url + "/"


def _channel(env: Mapping[str, str]) -> str | None:
    channel = _optional(env, "SLACK_SECURITY_CHANNEL")
    if channel is None:
        return None
    if not _CHANNEL_ID.match(channel):
        raise SettingsError(
            f"SLACK_SECURITY_CHANNEL: '{channel}' is not a channel ID; use the ID (C… or G…) shown at the "
            "bottom of the channel's details in Slack, not its name"
        )
    return channel


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (_optional(env, name) or "off").lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(f"{name}: '{raw}' is not on or off; use on or off (off is the default)")


def _dir(env: Mapping[str, str], name: str, base: Path, default: Path) -> Path:
    raw = _optional(env, name)
    if raw is None:
        return default
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else base / path
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{name}: {path} is a file, not a folder; name a folder for downloaded evidence")
    return path
