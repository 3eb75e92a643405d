"""Where reports go: each destination in the file checked, with its secrets read from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from bot.net import is_loopback_host
from bot.reporter_push import REPORTER_DESTINATION
from bot.security.errors import Problem
from bot.security.model import (
    DestinationConfig,
    EmailDestinationConfig,
    FileDestinationConfig,
    WebhookDestinationConfig,
)
from bot.security.schema import RawEmail, RawFile, RawWebhook

_SMTP_PORTS: Final[Mapping[str, int]] = {"starttls": 587, "tls": 465, "none": 25}
_MIN_SECRET_LENGTH: Final = 16
_DESTINATION_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def destination(
    name: str, spec: RawFile | RawEmail | RawWebhook, env: Mapping[str, str], config_dir: Path
) -> DestinationConfig:
    here = f"destinations.{name}"
    if not _DESTINATION_NAME.fullmatch(name):
        raise Problem(here, "a destination name uses lower-case letters, digits, '-' and '_' only; rename it")
    if name == REPORTER_DESTINATION:
        raise Problem(here, f"'{name}' is reserved for messages to reporters; choose another name")
    if isinstance(spec, RawFile):
        if not spec.path.strip():
            raise Problem(f"{here}.path", "empty; give the file to write, such as ./var/inbox.jsonl")
        path = Path(spec.path.strip()).expanduser()
        return FileDestinationConfig(path if path.is_absolute() else config_dir / path)
    if isinstance(spec, RawEmail):
        return _email(here, spec, env)
    return _webhook(here, spec, env)


def _email(here: str, spec: RawEmail, env: Mapping[str, str]) -> EmailDestinationConfig:
    host = spec.host.strip()
    if not host or any(c.isspace() for c in host) or "/" in host:
        raise Problem(f"{here}.host", "give the mail server's host name only, such as smtp.example.org")
    if not spec.recipients:
        raise Problem(f"{here}.to", "nobody to send to; list at least one address")
    if (spec.username_env is None) != (spec.password_env is None):
        missing = "password_env" if spec.password_env is None else "username_env"
        raise Problem(
            f"{here}.{missing}",
            "missing; give both username_env and password_env, or neither for a server without login",
        )
    username = _secret(env, spec.username_env, f"{here}.username_env", "the SMTP user name")
    password = _secret(env, spec.password_env, f"{here}.password_env", "the SMTP password")
    if password is not None and spec.security == "none" and not is_loopback_host(host):
        raise Problem(
            f"{here}.security",
            "a password would be sent unencrypted; use starttls or tls (or a relay on this machine)",
        )
    return EmailDestinationConfig(
        host=host,
        port=spec.port or _SMTP_PORTS[spec.security],
        security=spec.security,
        username=username,
        password=password,
        sender=str(spec.sender),
        recipients=tuple(dict.fromkeys(str(r) for r in spec.recipients)),
        timeout=spec.timeout_seconds,
    )


def _webhook(here: str, spec: RawWebhook, env: Mapping[str, str]) -> WebhookDestinationConfig:
    url = spec.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Problem(
            f"{here}.url", "not a web address; write it in full, such as https://cases.example.org/hook"
        )
    if parts.username or parts.password:
        raise Problem(
            f"{here}.url",
            "has a user name or password in it; secrets never go in this file, and the request is "
            "signed with secret_env instead",
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise Problem(
            f"{here}.url", "reports would travel unencrypted; use https (plain http only for this machine)"
        )
    secret = _secret(env, spec.secret_env, f"{here}.secret_env", "the webhook signing secret")
    assert secret is not None
    if len(secret) < _MIN_SECRET_LENGTH:
        raise Problem(
            f"{here}.secret_env",
            f"{spec.secret_env} is shorter than {_MIN_SECRET_LENGTH} characters; use a long random "
            "value, such as the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    return WebhookDestinationConfig(url=url, secret=secret.encode("utf-8"), timeout=spec.timeout_seconds)


def _secret(env: Mapping[str, str], variable: str | None, place: str, what: str) -> str | None:
    if variable is None:
        return None
    variable = variable.strip()
    if not _ENV_NAME.fullmatch(variable):
        raise Problem(
            place,
            f"{variable!r} is not an environment variable name; name the variable that holds {what} "
            "(the value itself never goes in this file)",
        )
    value = env.get(variable, "")
    if not value.strip():
        raise Problem(place, f"the environment variable {variable} is not set or empty; set it to {what}")
    return value
