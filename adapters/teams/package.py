"""The Teams app package: the zip an admin uploads so staff can find Tipline in Teams.

`python app.py teams package` writes it. Teams rejects a package for a bad field with a vague
message well after the upload, so every constraint of the v1.17 manifest schema that this
manifest touches is checked here first, and a wrong value fails with one line naming the
field and the fix. Nothing here needs the database or botbuilder: it runs on the admin's
machine before the bot is deployed.

The package holds manifest.json, color.png and outline.png at the zip's root (Teams refuses
folders). The Teams app id is the bot's Microsoft App ID: one GUID to keep track of.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO
from urllib.parse import urlsplit

from adapters.teams.icons import color_icon, outline_icon

SCHEMA_URL: Final = "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
MANIFEST_VERSION: Final = "1.17"
DEFAULT_VERSION: Final = "1.0.0"
DEFAULT_SHORT_NAME: Final = "Tipline"
DEFAULT_ACCENT: Final = "#2E5C8A"
DEFAULT_OUTPUT: Final = Path("var/tipline-teams.zip")
MANIFEST_FILE: Final = "manifest.json"
COLOR_FILE: Final = "color.png"
OUTLINE_FILE: Final = "outline.png"
UPLOAD_STEP: Final = "upload it in Teams: Apps > Manage your apps > Upload an app"

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
_SCOPES: Final = frozenset({"personal", "team", "groupChat"})
_PERMISSIONS: Final = frozenset({"identity", "messageTeamMembers"})
_EXAMPLE_GUID: Final = "00000000-0000-0000-0000-000000000000"

SHORT_DESCRIPTION: Final = "Report a suspicious approach to your security team, privately."
FULL_DESCRIPTION: Final = (
    "Use {name} to tell your security team about an approach that didn't feel right: a "
    'headhunter or recruiter profile you can\'t place, an offer of paid "insight" or consulting '
    "work about your job, an invitation to a trip or conference abroad, or an offer of money, "
    "gifts or crypto. People who want what you know often start this way, and they approach "
    "many of us at once.\n\n"
    "Message {name} privately and it asks a few short questions: who contacted you, how, and "
    "what they asked for or offered. You can add screenshots. Your report goes straight to the "
    "security team, who will tell you what they find and whether you need to do anything.\n\n"
    "Being approached is not your fault, and reporting it protects you, even if you already "
    "replied. Nothing is too small: if it turns out to be genuine, that is a good outcome too.\n\n"
    "For the security team: add {name} to a team and, in the channel you want reports in, say "
    '"@{name} use this channel as the security inbox".'
)

# A command's title is what Teams types into the compose box when it is picked from the menu,
# so each must be a phrase the bot understands (bot.reporter_desk, adapters.teams.channel).
PERSONAL_COMMANDS: Final = (
    ("report", "Tell the security team about a suspicious approach"),
    ("my reports", "See the reports you have sent and what is happening with them"),
    ("my data", "A copy of everything Tipline holds about you"),
    (
        "check",
        "Check a contact before you reply: add their profile address, email, phone, or name and company",
    ),
    ("help", "What to report, and what happens after you do"),
)
# The schema allows 32 characters, too few for "use this channel as the security inbox";
# the channel handler accepts any "use ... security inbox".
TEAM_COMMANDS: Final = (
    (
        "use this as the security inbox",
        "Security team only: post new reports in this channel, with the buttons to handle them",
    ),
    ("add to the watchlist", "Security team only: add what a published alert names to the watchlist"),
)


class PackageError(ValueError):
    """A value Teams would refuse: `field` is the manifest field, the message says the fix."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, kw_only=True)
class PackageDetails:
    app_id: str  # the bot's Microsoft App ID; the Teams app id is the same GUID
    developer_name: str
    website_url: str
    privacy_url: str
    terms_url: str
    version: str = DEFAULT_VERSION
    short_name: str = DEFAULT_SHORT_NAME
    full_name: str | None = None  # default: "<short name>: report a suspicious approach"
    accent_color: str = DEFAULT_ACCENT
    valid_domains: tuple[str, ...] = ()


def manifest(details: PackageDetails) -> dict[str, Any]:
    """The manifest.json for these details, as Teams' v1.17 schema lays it out (not yet checked)."""
    full_name = details.full_name or f"{details.short_name}: report a suspicious approach"
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": details.version,
        "id": details.app_id,
        "developer": {
            "name": details.developer_name,
            "websiteUrl": details.website_url,
            "privacyUrl": details.privacy_url,
            "termsOfUseUrl": details.terms_url,
        },
        "name": {"short": details.short_name, "full": full_name},
        "description": {
            "short": SHORT_DESCRIPTION,
            "full": FULL_DESCRIPTION.format(name=details.short_name),
        },
        "icons": {"color": COLOR_FILE, "outline": OUTLINE_FILE},
        "accentColor": details.accent_color,
        "bots": [
            {
                "botId": details.app_id,
                "scopes": ["personal", "team"],
                "supportsFiles": True,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                    {"scopes": ["team"], "commands": _commands(TEAM_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": list(details.valid_domains),
    }


def _commands(commands: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "description": description} for title, description in commands]


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


def write_package(details: PackageDetails, path: Path) -> Path:
    """Check the details, then write the zip to `path` (replacing it whole); returns the path."""
    document = manifest(details)
    validate(document)
    files = {
        MANIFEST_FILE: (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        COLOR_FILE: color_icon(details.accent_color),
        OUTLINE_FILE: outline_icon(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target, then moved over it: an upload never picks up half a package.
    handle, temporary = tempfile.mkstemp(prefix=".tipline-teams-", suffix=".zip", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                # A fixed timestamp: the same details always make the same bytes.
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# ---- the command: python app.py teams package ------------------------------------------------

# (details field, flag, environment variable): where each value may come from, flag first.
_SOURCES: Final = (
    ("app_id", "--app-id", "MICROSOFT_APP_ID"),
    ("developer_name", "--developer-name", "TEAMS_DEVELOPER_NAME"),
    ("website_url", "--website-url", "TEAMS_WEBSITE_URL"),
    ("privacy_url", "--privacy-url", "TEAMS_PRIVACY_URL"),
    ("terms_url", "--terms-url", "TEAMS_TERMS_URL"),
)
# Which flag sets each manifest field, so an error names what the admin types.
_FLAG_FOR_FIELD: Final = {
    "id": "--app-id (or MICROSOFT_APP_ID)",
    "bots[0].botId": "--app-id (or MICROSOFT_APP_ID)",
    "developer.name": "--developer-name (or TEAMS_DEVELOPER_NAME)",
    "developer.websiteUrl": "--website-url (or TEAMS_WEBSITE_URL)",
    "developer.privacyUrl": "--privacy-url (or TEAMS_PRIVACY_URL)",
    "developer.termsOfUseUrl": "--terms-url (or TEAMS_TERMS_URL)",
    "version": "--version",
    "name.short": "--name",
    "name.full": "--name",
}


def run_package_command(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """`teams package`: resolve flags, then the environment; write the zip; say what to do next."""
    values: dict[str, str] = {}
    missing = []
    for field, flag, variable in _SOURCES:
        value = (getattr(args, field, None) or env.get(variable) or "").strip()
        if value:
            values[field] = value
        else:
            missing.append(f"{flag} (or set {variable})")
    if missing:
        print(f"tipline: teams package: missing {', '.join(missing)}", file=err)
        return 2
    name = (getattr(args, "name", None) or "").strip() or DEFAULT_SHORT_NAME
    version = (getattr(args, "app_version", None) or "").strip() or DEFAULT_VERSION
    output = Path(getattr(args, "output", None) or DEFAULT_OUTPUT)
    details = PackageDetails(
        app_id=values["app_id"],
        developer_name=values["developer_name"],
        website_url=values["website_url"],
        privacy_url=values["privacy_url"],
        terms_url=values["terms_url"],
        version=version,
        short_name=name,
    )
    if output.is_dir():
        print(
            f"tipline: --output: {output} is a folder; give a file name such as {output / 'tipline.zip'}",
            file=err,
        )
        return 2
    try:
        written = write_package(details, output)
    except PackageError as exc:
        print(f"tipline: {_FLAG_FOR_FIELD.get(exc.field, exc.field)}: {exc.problem}", file=err)
        return 2
    except OSError as exc:
        print(f"tipline: --output: cannot write {output} ({exc.strerror or exc})", file=err)
        return 2
    print(
        f"Wrote the Teams app package {written.resolve()} (version {version}, bot {details.app_id}).",
        file=out,
    )
    print(
        f"Next, {UPLOAD_STEP} (or Teams admin centre > Teams apps > Manage apps > Upload new app).", file=out
    )
    print("After a change, raise --version and upload the new package over the old one.", file=out)
    return 0
