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
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

from adapters.teams.icons import color_icon, outline_icon
from adapters.teams.message_actions import CHECK as CHECK_COMMAND
from adapters.teams.message_actions import REPORT as REPORT_COMMAND
from adapters.teams.package_checks import (
    DEFAULT_ACCENT,
    MANIFEST_VERSION,
    SCHEMA_URL,
    PackageError,
    validate,
)

DEFAULT_VERSION: Final = "1.0.0"
DEFAULT_SHORT_NAME: Final = "Tipline"
DEFAULT_OUTPUT: Final = Path("var/tipline-teams.zip")
MANIFEST_FILE: Final = "manifest.json"
COLOR_FILE: Final = "color.png"
OUTLINE_FILE: Final = "outline.png"
UPLOAD_STEP: Final = "upload it in Teams: Apps > Manage your apps > Upload an app"

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
# On every message's "…" menu (adapters.teams.message_extension answers them).
MESSAGE_COMMANDS: Final = (
    (REPORT_COMMAND, "Report this message", "Send this message to your security team as part of a report"),
    (CHECK_COMMAND, "Check this contact", "Check who sent this against your security team's alerts"),
)


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
        "composeExtensions": [
            {
                "botId": details.app_id,
                "commands": [_message_command(c, t, d) for c, t, d in MESSAGE_COMMANDS],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": list(details.valid_domains),
    }


def _message_command(command_id: str, title: str, description: str) -> dict[str, Any]:
    """An action on any message's "…" menu: Teams asks the bot for its dialog (fetchTask)."""
    return {
        "id": command_id,
        "type": "action",
        "title": title,
        "description": description,
        "context": ["message"],
        "fetchTask": True,
    }


def _commands(commands: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "description": description} for title, description in commands]


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
