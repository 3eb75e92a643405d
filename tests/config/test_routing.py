"""Which destinations a report goes to: the default always, matching rules add, critical escalates."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.report import ApproachKind, Reporter, Severity
from bot.routing import Router, rule_matches
from bot.security import RouteRule, RoutingRules, load_security_config
from bot.settings import load_settings
from tests.config.test_security_config import EXAMPLE, EXAMPLE_ENV
from tests.factories import make_report

RULES = RoutingRules(
    default=("inbox", "mail"),
    rules=(
        RouteRule(to=("cases",), severities=frozenset({Severity.HIGH, Severity.CRITICAL})),
        RouteRule(to=("mail", "travel-desk"), approach_kinds=frozenset({ApproachKind.TRIP_OR_EVENT})),
        RouteRule(to=("parliament",), workspaces=frozenset({"T0PARLIAMENT"})),
        RouteRule(
            to=("duty",),
            severities=frozenset({Severity.HIGH}),
            approach_kinds=frozenset({ApproachKind.PAYMENT_OFFER}),
        ),
    ),
    escalation=("duty", "pager"),
)
ROUTER = Router(RULES)


def report(
    severity: Severity = Severity.LOW, kinds: tuple[ApproachKind, ...] = (), workspace: str | None = "hq"
):
    return make_report(
        severity=severity,
        approach_kinds=list(kinds),
        reporter=Reporter(platform="slack", user_id="U1", workspace=workspace),
    )


def test_the_default_route_takes_a_report_no_rule_matches() -> None:
    assert ROUTER.destinations_for(report()) == ["inbox", "mail"]


def test_the_default_applies_even_when_rules_match() -> None:
    assert ROUTER.destinations_for(report(Severity.HIGH)) == ["inbox", "mail", "cases"]


def test_each_matching_rule_adds_its_destinations_once_in_order() -> None:
    got = ROUTER.destinations_for(
        report(Severity.HIGH, (ApproachKind.PAYMENT_OFFER, ApproachKind.TRIP_OR_EVENT), "T0PARLIAMENT")
    )
    assert got == ["inbox", "mail", "cases", "travel-desk", "parliament", "duty"]


def test_critical_reports_also_go_to_escalation() -> None:
    assert ROUTER.destinations_for(report(Severity.CRITICAL)) == ["inbox", "mail", "cases", "duty", "pager"]


def test_escalation_is_only_for_critical() -> None:
    assert "pager" not in ROUTER.destinations_for(report(Severity.HIGH, (ApproachKind.PAYMENT_OFFER,)))


@pytest.mark.parametrize(
    ("severity", "kinds", "matches"),
    [
        (Severity.HIGH, (ApproachKind.PAYMENT_OFFER,), True),
        (Severity.HIGH, (ApproachKind.RECRUITER, ApproachKind.PAYMENT_OFFER), True),  # any of the kinds
        (Severity.MEDIUM, (ApproachKind.PAYMENT_OFFER,), False),  # every condition must match
        (Severity.HIGH, (ApproachKind.RECRUITER,), False),
        (Severity.HIGH, (), False),
    ],
)
def test_conditions_combine_with_and_values_with_or(
    severity: Severity, kinds: tuple[ApproachKind, ...], matches: bool
) -> None:
    assert rule_matches(RULES.rules[3], report(severity, kinds)) is matches


def test_a_workspace_rule_needs_the_workspace() -> None:
    assert not rule_matches(RULES.rules[2], report(workspace=None))
    assert not rule_matches(RULES.rules[2], report(workspace="t0parliament"))
    assert rule_matches(RULES.rules[2], report(workspace="T0PARLIAMENT"))


def test_the_example_files_routes(tmp_path: Path) -> None:
    env = {**EXAMPLE_ENV, "SECURITY_CONFIG": str(EXAMPLE)}
    router = Router(load_security_config(env, load_settings({}, tmp_path), tmp_path).routes)
    assert router.destinations_for(report(Severity.LOW, (ApproachKind.RECRUITER,))) == [
        "inbox-file",
        "security-mail",
    ]
    assert router.destinations_for(
        report(Severity.MEDIUM, (ApproachKind.TRIP_OR_EVENT,), "T0PARLIAMENT")
    ) == [
        "inbox-file",
        "security-mail",
        "case-system",
    ]
    assert router.destinations_for(report(Severity.CRITICAL, (ApproachKind.TRIP_OR_EVENT,))) == [
        "inbox-file",
        "security-mail",
        "case-system",
        "duty-officer-mail",
    ]


def test_the_embedded_default_routes_everything_to_the_file(tmp_path: Path) -> None:
    router = Router(load_security_config({}, load_settings({}, tmp_path), tmp_path).routes)
    assert router.destinations_for(report(Severity.CRITICAL)) == ["file"]
