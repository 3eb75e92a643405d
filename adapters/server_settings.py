"""Settings every chat server reads alike: where to listen (HOST, PORT, shared by Slack and Teams)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.settings import SettingsError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3978


def host(env: Mapping[str, str]) -> str:
    return env.get("HOST", "").strip() or DEFAULT_HOST


def port(env: Mapping[str, str]) -> int:
    raw = env.get("PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    try:
        number = int(raw)
    except ValueError:
        raise SettingsError(f"PORT: '{raw}' is not a number; use a port such as {DEFAULT_PORT}") from None
    if not 1 <= number <= 65535:
        raise SettingsError(f"PORT: {number} is out of range; use a port between 1 and 65535")
    return number
