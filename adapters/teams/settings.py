"""Teams settings from the environment, checked at start-up.

Every problem is one line (a SettingsError) naming the setting and the fix. There is no
default secret and no silent anonymous mode: without MICROSOFT_APP_ID the bot refuses to
start unless TEAMS_ALLOW_ANONYMOUS=true, which is for the Bot Framework Emulator or the
Microsoft 365 Agents Playground on this machine only, so it may listen on loopback only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters import server_settings as server
from adapters.teams.transport import BOTBUILDER, SDKS
from bot.settings import SettingsError

DEFAULT_HOST = server.DEFAULT_HOST
DEFAULT_PORT = server.DEFAULT_PORT
# The Bot Framework's public cloud: where its signing keys are published, who issues its
# tokens, where the bot gets its own token for replies, and for what.
OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
EMULATOR_OPENID_METADATA_URL = (
    "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
)
TOKEN_ISSUER = "https://api.botframework.com"  # noqa: S105 - an issuer URL, not a secret
LOGIN_URL_PREFIX = "https://login.microsoftonline.com/"
MULTI_TENANT_AUTHORITY = "botframework.com"
OAUTH_SCOPE = "https://api.botframework.com"

APP_TYPES = {"singletenant": "SingleTenant", "multitenant": "MultiTenant"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_NAMES = (
    "MICROSOFT_APP_ID",
    "MICROSOFT_APP_PASSWORD",
    "MICROSOFT_APP_TYPE",
    "MICROSOFT_APP_TENANT_ID",
    "TEAMS_ALLOW_ANONYMOUS",
)
# TEAMS_INBOX alone does not mean Teams is wanted: it only says where reports go if it is.


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str | None  # None only in anonymous mode
    app_password: str | None
    app_type: str  # SingleTenant | MultiTenant
    tenant_id: str | None
    anonymous: bool
    openid_metadata_url: str
    host: str
    port: int
    inbox: bool = True  # TEAMS_INBOX: reports also go to a Teams channel the security team chooses
    evidence_download: bool = False  # EVIDENCE_DOWNLOAD, shared with Slack
    evidence_dir: Path = Path("var/evidence")
    login_url_setting: str | None = None  # TEAMS_LOGIN_URL: a sovereign cloud's Entra (or a stand-in)
    sdk: str = BOTBUILDER  # TEAMS_SDK: botbuilder (the default) or agents (Microsoft 365 Agents SDK)

    @property
    def login_url(self) -> str:
        """Where the bot gets its own token: its tenant for SingleTenant, else botframework.com."""
        if self.login_url_setting:
            return self.login_url_setting
        authority = self.tenant_id if self.app_type == "SingleTenant" and self.tenant_id else None
        return LOGIN_URL_PREFIX + (authority or MULTI_TENANT_AUTHORITY)

    def __repr__(self) -> str:  # never print the secret
        return (
            f"TeamsSettings(app_id={self.app_id!r}, app_type={self.app_type!r}, "
            f"tenant_id={self.tenant_id!r}, anonymous={self.anonymous}, host={self.host!r}, "
            f"port={self.port}, sdk={self.sdk!r})"
        )


def teams_configured(env: Mapping[str, str]) -> bool:
    """True when any Teams setting is given: the deployment means to run the Teams bot."""
    return any(env.get(name, "").strip() for name in _NAMES)


def load_teams_settings(env: Mapping[str, str], base_dir: Path | None = None) -> TeamsSettings:
    """`base_dir` (the working directory by default) anchors a relative EVIDENCE_DIR."""
    return replace(_load(env), sdk=_sdk(env), **_evidence(env, base_dir or Path.cwd()))


def _sdk(env: Mapping[str, str]) -> str:
    raw = _optional(env, "TEAMS_SDK")
    if raw is None:
        return BOTBUILDER
    if raw.lower() not in SDKS:
        raise SettingsError(
            f"TEAMS_SDK: '{raw}' is not one of {', '.join(SDKS)}; use agents (the Microsoft 365 Agents SDK, "
            "recommended for new deployments) or botbuilder (the default), or leave it unset"
        )
    return raw.lower()


def _load(env: Mapping[str, str]) -> TeamsSettings:
    anonymous = _flag(env, "TEAMS_ALLOW_ANONYMOUS")
    app_id = _optional(env, "MICROSOFT_APP_ID")
    host = server.host(env)
    if anonymous:
        _check_anonymous(env, app_id, host)
        return TeamsSettings(
            None, None, "MultiTenant", None, True, _metadata_url(env), host, server.port(env), _inbox(env)
        )
    if app_id is None:
        raise SettingsError(
            "MICROSOFT_APP_ID: missing; set it to your Azure Bot's Microsoft App ID (Azure portal: the "
            "bot's Configuration page), or TEAMS_ALLOW_ANONYMOUS=true to try the bot locally with the "
            "Bot Framework Emulator or the Microsoft 365 Agents Playground"
        )
    if not _GUID.match(app_id):
        raise SettingsError(
            f"MICROSOFT_APP_ID: '{app_id}' is not an app id; copy the Microsoft App ID "
            "(00000000-0000-0000-0000-000000000000) from the Azure Bot's Configuration page"
        )
    app_type = _app_type(env)
    tenant_id = _tenant(env, app_type)
    return TeamsSettings(
        app_id=app_id,
        app_password=_password(env),
        app_type=app_type,
        tenant_id=tenant_id,
        anonymous=False,
        openid_metadata_url=_metadata_url(env),
        host=host,
        port=server.port(env),
        inbox=_inbox(env),
        login_url_setting=_login_url(env),
    )


def _check_anonymous(env: Mapping[str, str], app_id: str | None, host: str) -> None:
    if app_id is not None:
        raise SettingsError(
            "TEAMS_ALLOW_ANONYMOUS: true while MICROSOFT_APP_ID is set; anonymous mode turns off the "
            "check that requests come from Microsoft, so remove TEAMS_ALLOW_ANONYMOUS (or the app id)"
        )
    if host not in _LOOPBACK:
        raise SettingsError(
            f"TEAMS_ALLOW_ANONYMOUS: anyone could send the bot requests, so it listens on this machine "
            f"only; set HOST=127.0.0.1 (not {host}) or configure MICROSOFT_APP_ID"
        )


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _app_type(env: Mapping[str, str]) -> str:
    raw = _optional(env, "MICROSOFT_APP_TYPE") or "SingleTenant"
    app_type = APP_TYPES.get(raw.lower())
    if app_type is None:
        raise SettingsError(
            f"MICROSOFT_APP_TYPE: '{raw}' is not supported; use SingleTenant (the default, and what new "
            "Azure Bots are) or MultiTenant, as the Azure Bot's Configuration page says"
        )
    return app_type


def _tenant(env: Mapping[str, str], app_type: str) -> str | None:
    tenant = _optional(env, "MICROSOFT_APP_TENANT_ID")
    if tenant is None and app_type == "SingleTenant":
        raise SettingsError(
            "MICROSOFT_APP_TENANT_ID: missing; a SingleTenant bot needs its Directory (tenant) ID from "
            "the Azure Bot's Configuration page (or set MICROSOFT_APP_TYPE=MultiTenant)"
        )
    if tenant is not None and not _GUID.match(tenant):
        raise SettingsError(
            f"MICROSOFT_APP_TENANT_ID: '{tenant}' is not a tenant id; copy the Directory (tenant) ID "
            "(00000000-0000-0000-0000-000000000000) from the app registration's Overview page"
        )
    return tenant


def _password(env: Mapping[str, str]) -> str:
    password = env.get("MICROSOFT_APP_PASSWORD", "")
    if not password.strip():
        raise SettingsError(
            "MICROSOFT_APP_PASSWORD: missing; create a client secret for the bot's app registration "
            "(Certificates & secrets) and set its value here"
        )
    return password


def _metadata_url(env: Mapping[str, str]) -> str:
    """Where the Bot Framework publishes the keys its tokens are signed with. Only a sovereign
    cloud (or a test's stand-in on this machine) has another."""
    url = _optional(env, "TEAMS_OPENID_METADATA_URL") or OPENID_METADATA_URL
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SettingsError(f"TEAMS_OPENID_METADATA_URL: '{url}' is not a web address; leave it unset")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise SettingsError(
            "TEAMS_OPENID_METADATA_URL: the keys that prove a request came from Microsoft must be "
            "fetched over https:// (plain http only on 127.0.0.1); leave it unset for the public cloud"
        )
    return url


def _login_url(env: Mapping[str, str]) -> str | None:
    """Where the bot asks Microsoft Entra for its token, when not the public cloud's."""
    url = _optional(env, "TEAMS_LOGIN_URL")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.path.strip("/") == "":
        raise SettingsError(
            f"TEAMS_LOGIN_URL: '{url}' is not an https:// authority with a tenant, such as "
            "https://login.microsoftonline.us/<tenant id>; leave it unset for the public cloud"
        )
    return url.rstrip("/")


def _evidence(env: Mapping[str, str], base: Path) -> dict[str, Any]:
    """EVIDENCE_DOWNLOAD / EVIDENCE_DIR, read as the Slack settings read them."""
    raw = (_optional(env, "EVIDENCE_DOWNLOAD") or "off").lower()
    if raw not in _TRUE + _FALSE:
        raise SettingsError(
            f"EVIDENCE_DOWNLOAD: '{raw}' is not on or off; use on or off (off is the default)"
        )
    folder = Path(_optional(env, "EVIDENCE_DIR") or "var/evidence").expanduser()
    folder = folder if folder.is_absolute() else base / folder
    if folder.exists() and not folder.is_dir():
        raise SettingsError(
            f"EVIDENCE_DIR: {folder} is a file, not a folder; name a folder for downloaded evidence"
        )
    return {"evidence_download": raw in _TRUE, "evidence_dir": folder}


def _inbox(env: Mapping[str, str]) -> bool:
    raw = (_optional(env, "TEAMS_INBOX") or "on").lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(
        f"TEAMS_INBOX: '{raw}' is not on or off; use off if the security team reads reports elsewhere "
        "(email, Slack, a case system), on (the default) for a Teams channel"
    )


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (_optional(env, name) or "false").lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(f"{name}: '{raw}' is not true or false; use true or false (false is the default)")
