"""Security officers' ids: the form each platform uses, checked so a display name is caught."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.security.errors import Problem

_SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_AAD_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CLI_NAME = re.compile(r"[^\s:]+")


def team_ids(ids: Sequence[str], platform: str, place: str) -> tuple[str, ...]:
    found: list[str] = []
    for i, raw_id in enumerate(ids):
        user_id = raw_id.strip()
        here = f"{place}[{i}]"
        if not user_id:
            raise Problem(here, "empty; give the id, or remove the line")
        check_team_id(platform, user_id, here)
        if user_id not in found:
            found.append(user_id)
    return tuple(found)


def check_team_id(platform: str, user_id: str, here: str) -> None:
    if platform == "cli" and not _CLI_NAME.fullmatch(user_id):
        raise Problem(here, f"{user_id!r} is not a login name; give the name `whoami` prints")
    if platform == "slack" and not _SLACK_ID.fullmatch(user_id):
        raise Problem(
            here,
            f"{user_id!r} is not a Slack user id; ids look like U0123ABCD (in Slack: the person's "
            "profile, More, Copy member ID), not a display name",
        )
    if platform == "teams" and not _AAD_ID.fullmatch(user_id):
        raise Problem(
            here,
            f"{user_id!r} is not a Microsoft Entra (AAD) object id; ids look like "
            "00000000-0000-0000-0000-000000000000 (the user's Object ID in the Entra admin centre)",
        )
