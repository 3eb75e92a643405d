"""The embedded default: the security config from a few environment variables, when there is no file."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from bot.security.deadline_policy import parse_policy
from bot.security.errors import EXAMPLE_FILE, Problem, SecurityConfigError
from bot.security.model import (
    TEAM_PLATFORMS,
    DestinationConfig,
    FileDestinationConfig,
    RoutingRules,
    SecurityConfig,
    SecurityTeam,
    Templates,
)
from bot.security.team_ids import check_team_id
from bot.settings import Settings

# Environment variables that the embedded default reads; a config file replaces them all.
ENV_ONLY: Final = (
    "SECURITY_TEAM",
    "ACK_DUE",
    "ACK_WARN_BEFORE",
    "FEEDBACK_DUE",
    "FEEDBACK_WARN_BEFORE",
    "INBOX_DESTINATIONS",
    "INBOX_FILE",
)


_ENV_POLICY: Final[Mapping[str, str]] = {
    "acknowledge_within": "ACK_DUE",
    "warn_before_acknowledge": "ACK_WARN_BEFORE",
    "feedback_within": "FEEDBACK_DUE",
    "warn_before_feedback": "FEEDBACK_WARN_BEFORE",
}


def from_environment(env: Mapping[str, str], settings: Settings) -> SecurityConfig:
    try:
        team = _team_from_env(env.get("SECURITY_TEAM", ""))
        policy = parse_policy({key: env.get(var) for key, var in _ENV_POLICY.items()}, _ENV_POLICY)
    except Problem as problem:
        raise SecurityConfigError(f"{problem.place}: {problem.message}") from None
    destinations: dict[str, DestinationConfig] = {"file": FileDestinationConfig(settings.inbox_file)}
    for name in settings.inbox_destinations:
        if name not in destinations:
            raise SecurityConfigError(
                f"INBOX_DESTINATIONS: '{name}' needs a config file; describe it under destinations: "
                f"in a SECURITY_CONFIG file (see {EXAMPLE_FILE})"
            )
    return SecurityConfig(
        team=team,
        destinations=MappingProxyType(destinations),
        routes=RoutingRules(default=tuple(dict.fromkeys(settings.inbox_destinations))),
        deadlines=policy,
        templates=Templates(),
    )


def _team_from_env(value: str) -> SecurityTeam:
    ids: dict[str, list[str]] = {platform: [] for platform in TEAM_PLATFORMS}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        platform, sep, user_id = item.partition(":")
        platform, user_id = platform.strip().lower(), user_id.strip()
        if not sep or platform not in ids or not user_id:
            raise Problem(
                "SECURITY_TEAM",
                f"{item!r} is not platform:id; write for example cli:alice, slack:U0123ABCD or "
                "teams:<Entra object id>, separated by commas",
            )
        check_team_id(platform, user_id, "SECURITY_TEAM")
        if user_id not in ids[platform]:
            ids[platform].append(user_id)
    return SecurityTeam(cli=tuple(ids["cli"]), slack=tuple(ids["slack"]), teams=tuple(ids["teams"]))
