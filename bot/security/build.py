"""The checked SecurityConfig from the file's raw shape: every check the shape alone cannot make."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from bot.security.build_destinations import destination
from bot.security.deadline_policy import parse_policy
from bot.security.errors import Problem
from bot.security.model import (
    DEFAULT_CLOSING,
    DestinationConfig,
    RouteRule,
    RoutingRules,
    SecurityConfig,
    SecurityTeam,
    Templates,
)
from bot.security.schema import RawConfig, RawDeadlines, RawRoutes, RawTemplates
from bot.security.team_ids import team_ids


def build(raw: RawConfig, env: Mapping[str, str], config_dir: Path, where: str) -> SecurityConfig:
    team = SecurityTeam(
        cli=team_ids(raw.team.cli, "cli", "team.cli"),
        slack=team_ids(raw.team.slack, "slack", "team.slack"),
        teams=team_ids(raw.team.teams, "teams", "team.teams"),
    )
    if team.is_empty:
        raise Problem(
            "team",
            "nobody is listed, so nobody could triage; name at least one security officer "
            "under cli, slack or teams",
        )
    if not raw.destinations:
        raise Problem("destinations", "none defined; define at least one (a file destination is simplest)")
    destinations = {name: destination(name, spec, env, config_dir) for name, spec in raw.destinations.items()}
    routes = _routes(raw.routes, destinations)
    return SecurityConfig(
        team=team,
        destinations=MappingProxyType(destinations),
        routes=routes,
        deadlines=parse_policy(
            {key: getattr(raw.deadlines, key) for key in RawDeadlines.model_fields},
            {key: f"deadlines.{key}" for key in RawDeadlines.model_fields},
        ),
        templates=_templates(raw.templates),
        source=where,
    )


def _routes(raw: RawRoutes, destinations: Mapping[str, DestinationConfig]) -> RoutingRules:
    def known(names: Sequence[str], place: str) -> tuple[str, ...]:
        for i, name in enumerate(names):
            if name not in destinations:
                raise Problem(
                    f"{place}[{i}]",
                    f"no destination named {name!r}; define it under destinations or fix the name "
                    f"(defined: {', '.join(destinations)})",
                )
        return tuple(dict.fromkeys(names))

    if not raw.default:
        raise Problem(
            "routes.default",
            "name at least one destination; every report goes to the default route",
        )
    rules = []
    for i, rule in enumerate(raw.rules):
        here = f"routes.rules[{i}]"
        when = rule.when
        given = {k: v for k, v in when.model_dump().items() if v is not None}
        if not given:
            raise Problem(
                f"{here}.when",
                "no condition; give severity, approach_kinds or workspace (the default route "
                "already takes every report)",
            )
        for key, values in given.items():
            if not values:
                raise Problem(f"{here}.when.{key}", "empty list; give at least one value or remove it")
        workspaces = [w.strip() for w in when.workspace or []]
        if any(not w for w in workspaces):
            raise Problem(f"{here}.when.workspace", "an empty workspace id; remove it")
        if not rule.to:
            raise Problem(f"{here}.to", "name at least one destination for this rule")
        rules.append(
            RouteRule(
                to=known(rule.to, f"{here}.to"),
                severities=frozenset(when.severity or ()),
                approach_kinds=frozenset(when.approach_kinds or ()),
                workspaces=frozenset(workspaces),
            )
        )
    return RoutingRules(
        default=known(raw.default, "routes.default"),
        rules=tuple(rules),
        escalation=known(raw.escalation, "routes.escalation"),
    )


def _templates(raw: RawTemplates) -> Templates:
    defaults = Templates()

    def text(value: str | None, place: str, default: str) -> str:
        if value is None:
            return default
        if not value.strip():
            raise Problem(place, "empty; write the message, or remove the line to use the built-in text")
        return value.strip()

    closing = {
        outcome: text(getattr(raw.closing, outcome.value), f"templates.closing.{outcome.value}", default)
        for outcome, default in DEFAULT_CLOSING.items()
    }
    return Templates(
        acknowledged=text(raw.acknowledged, "templates.acknowledged", defaults.acknowledged),
        question_intro=text(raw.question_intro, "templates.question_intro", defaults.question_intro),
        closing=MappingProxyType(closing),
    )
