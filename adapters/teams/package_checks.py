"""Checking a Teams app manifest against the v1.17 schema before Teams sees it: the first value
Teams would refuse raises PackageError naming the field and the fix (adapters.teams.package
builds the manifest and the zip)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

SCHEMA_URL: Final = "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
MANIFEST_VERSION: Final = "1.17"
DEFAULT_ACCENT: Final = "#2E5C8A"
# The v1.17 schema's limits, for the fields this manifest uses.
_GUID: Final = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER: Final = re.compile(r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$")
_HEX_COLOUR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
_DOMAIN: Final = re.compile(
    r"^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*(?::\d+)?$"
)
_MAX_URL: Final = 2048
_MAX_DEVELOPER_NAME: Final = 32
_MAX_SHORT_NAME: Final = 30
_MAX_FULL_NAME: Final = 100
_MAX_SHORT_DESCRIPTION: Final = 80
_MAX_FULL_DESCRIPTION: Final = 4000
_MAX_COMMAND_TITLE: Final = 32
_MAX_COMMAND_DESCRIPTION: Final = 128
_MAX_COMMANDS: Final = 10
_MAX_COMMAND_LISTS: Final = 3
_MAX_VALID_DOMAINS: Final = 16
_MAX_COMMAND_ID: Final = 64
_MAX_EXTENSION_COMMANDS: Final = 10
_COMMAND_CONTEXTS: Final = frozenset({"compose", "commandBox", "message"})
_SCOPES: Final = frozenset({"personal", "team", "groupChat"})
_PERMISSIONS: Final = frozenset({"identity", "messageTeamMembers"})
_EXAMPLE_GUID: Final = "00000000-0000-0000-0000-000000000000"


class PackageError(ValueError):
    """A value Teams would refuse: `field` is the manifest field, the message says the fix."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def validate(document: Mapping[str, Any]) -> None:
    """Raise PackageError for the first value Teams would refuse."""
    if document.get("$schema") != SCHEMA_URL or document.get("manifestVersion") != MANIFEST_VERSION:
        raise PackageError("manifestVersion", f"must be {MANIFEST_VERSION} with the matching $schema")
    version = _text(document, "version")
    if not _SEMVER.match(version):
        raise PackageError("version", f"{version!r} is not a version like 1.0.0 (three whole numbers)")
    _guid(_text(document, "id"), "id")

    developer = _object(document, "developer")
    _sized(_text(developer, "name", "developer.name"), "developer.name", _MAX_DEVELOPER_NAME)
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        _https(_text(developer, key, f"developer.{key}"), f"developer.{key}")

    name = _object(document, "name")
    _sized(_text(name, "short", "name.short"), "name.short", _MAX_SHORT_NAME)
    _sized(_text(name, "full", "name.full"), "name.full", _MAX_FULL_NAME)
    description = _object(document, "description")
    _sized(_text(description, "short", "description.short"), "description.short", _MAX_SHORT_DESCRIPTION)
    _sized(_text(description, "full", "description.full"), "description.full", _MAX_FULL_DESCRIPTION)

    icons = _object(document, "icons")
    for key in ("color", "outline"):
        icon = _text(icons, key, f"icons.{key}")
        if "/" in icon or "\\" in icon:
            raise PackageError(f"icons.{key}", f"{icon!r} must be a file at the package's root")
    accent = _text(document, "accentColor")
    if not _HEX_COLOUR.match(accent):
        raise PackageError("accentColor", f"{accent!r} is not a colour like {DEFAULT_ACCENT}")

    bots = document.get("bots")
    if not isinstance(bots, list) or len(bots) != 1 or not isinstance(bots[0], Mapping):
        raise PackageError("bots", "must hold exactly one bot")
    _validate_bot(bots[0], document["id"])
    _validate_extensions(document.get("composeExtensions", []), document["id"])
    _validate_lists(document)


def _validate_bot(bot: Mapping[str, Any], app_id: str) -> None:
    bot_id = _text(bot, "botId", "bots[0].botId")
    _guid(bot_id, "bots[0].botId")
    if bot_id.lower() != app_id.lower():
        raise PackageError("bots[0].botId", "must be the app id: the bot's Microsoft App ID")
    _scopes(bot.get("scopes"), "bots[0].scopes")
    lists = bot.get("commandLists", [])
    if not isinstance(lists, list) or len(lists) > _MAX_COMMAND_LISTS:
        raise PackageError("bots[0].commandLists", f"at most {_MAX_COMMAND_LISTS} lists, one per scope")
    for i, entry in enumerate(lists):
        where = f"bots[0].commandLists[{i}]"
        if not isinstance(entry, Mapping):
            raise PackageError(where, "must be an object with scopes and commands")
        _scopes(entry.get("scopes"), f"{where}.scopes")
        commands = entry.get("commands")
        if not isinstance(commands, list) or not 1 <= len(commands) <= _MAX_COMMANDS:
            raise PackageError(f"{where}.commands", f"must list 1 to {_MAX_COMMANDS} commands")
        for j, command in enumerate(commands):
            at = f"{where}.commands[{j}]"
            if not isinstance(command, Mapping):
                raise PackageError(at, "must be an object with a title and a description")
            _sized(_text(command, "title", f"{at}.title"), f"{at}.title", _MAX_COMMAND_TITLE)
            _sized(
                _text(command, "description", f"{at}.description"),
                f"{at}.description",
                _MAX_COMMAND_DESCRIPTION,
            )


def _validate_extensions(extensions: object, app_id: str) -> None:
    if not isinstance(extensions, list) or len(extensions) > 1:
        raise PackageError("composeExtensions", "at most one message extension")
    for i, extension in enumerate(extensions):
        where = f"composeExtensions[{i}]"
        if not isinstance(extension, Mapping):
            raise PackageError(where, "must be an object with botId and commands")
        if _text(extension, "botId", f"{where}.botId").lower() != app_id.lower():
            raise PackageError(f"{where}.botId", "must be the app id: the bot's Microsoft App ID")
        commands = extension.get("commands")
        if not isinstance(commands, list) or not 1 <= len(commands) <= _MAX_EXTENSION_COMMANDS:
            raise PackageError(f"{where}.commands", f"must list 1 to {_MAX_EXTENSION_COMMANDS} commands")
        seen: set[str] = set()
        for j, command in enumerate(commands):
            _validate_extension_command(command, f"{where}.commands[{j}]", seen)


def _validate_extension_command(command: object, at: str, seen: set[str]) -> None:
    if not isinstance(command, Mapping):
        raise PackageError(at, "must be an object with an id, a type, a title and a description")
    command_id = _text(command, "id", f"{at}.id")
    _sized(command_id, f"{at}.id", _MAX_COMMAND_ID)
    if command_id in seen:
        raise PackageError(f"{at}.id", f"{command_id!r} is used twice: each command needs its own id")
    seen.add(command_id)
    if command.get("type") not in ("action", "query"):
        raise PackageError(f"{at}.type", "must be action or query")
    _sized(_text(command, "title", f"{at}.title"), f"{at}.title", _MAX_COMMAND_TITLE)
    _sized(_text(command, "description", f"{at}.description"), f"{at}.description", _MAX_COMMAND_DESCRIPTION)
    context = command.get("context", [])
    if not isinstance(context, list) or not set(context) <= _COMMAND_CONTEXTS:
        raise PackageError(f"{at}.context", f"must be some of {', '.join(sorted(_COMMAND_CONTEXTS))}")


def _validate_lists(document: Mapping[str, Any]) -> None:
    permissions = document.get("permissions", [])
    if not isinstance(permissions, list) or not set(permissions) <= _PERMISSIONS:
        raise PackageError("permissions", f"only {', '.join(sorted(_PERMISSIONS))} are allowed")
    domains = document.get("validDomains", [])
    if not isinstance(domains, list) or len(domains) > _MAX_VALID_DOMAINS:
        raise PackageError("validDomains", f"at most {_MAX_VALID_DOMAINS} domains")
    for domain in domains:
        if not isinstance(domain, str) or len(domain) > _MAX_URL or not _DOMAIN.match(domain):
            raise PackageError(
                "validDomains", f"{domain!r} is not a domain: give the name only, like tipline.example.com"
            )


def _object(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, Mapping):
        raise PackageError(key, "is missing")
    return value


def _text(parent: Mapping[str, Any], key: str, field: str | None = None) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PackageError(field or key, "is missing or empty")
    return value


def _sized(value: str, field: str, limit: int) -> None:
    if len(value) > limit:
        raise PackageError(field, f"is {len(value)} characters; Teams allows at most {limit}: shorten it")


def _guid(value: str, field: str) -> None:
    if not _GUID.match(value):
        raise PackageError(
            field,
            f"{value!r} is not a GUID: use the bot's Microsoft App ID (Azure Bot > Configuration), "
            f"like {_EXAMPLE_GUID}",
        )


def _https(value: str, field: str) -> None:
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in value):
        raise PackageError(
            field,
            f"{value!r} is not an https:// address; Teams accepts only https: give the page's https address",
        )
    if len(value) > _MAX_URL:
        raise PackageError(field, f"is {len(value)} characters; Teams allows at most {_MAX_URL}")


def _scopes(value: object, field: str) -> None:
    if not isinstance(value, list) or not value or not set(value) <= _SCOPES:
        raise PackageError(field, f"must be some of {', '.join(sorted(_SCOPES))}")
