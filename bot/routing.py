"""Which destinations in the security inbox a report goes to.

The semantics (also documented in security.example.yaml):

1. The default route always applies: the team's main inbox sees every report.
2. Every rule that matches adds its destinations. A rule matches when each condition it
   gives matches (severity AND approach kind AND workspace); a condition matches when the
   report has any of its values (severity [high, critical] is "high or critical";
   approach_kinds [a, b] is "the report names a or b").
3. A critical report also goes to the escalation route.

The result is in that order (default, then rules in file order, then escalation), each
destination once. The chosen names are stored on the report (`routed_to`) when it is
submitted, so later events about it (updates, reminders) go to the same places even if
the rules change meanwhile.
"""

from __future__ import annotations

from bot.report import Report, Severity
from bot.security import RouteRule, RoutingRules


def rule_matches(rule: RouteRule, report: Report) -> bool:
    if rule.severities and report.severity not in rule.severities:
        return False
    if rule.approach_kinds and rule.approach_kinds.isdisjoint(report.approach_kinds):
        return False
    return not rule.workspaces or report.reporter.workspace in rule.workspaces


class Router:
    def __init__(self, rules: RoutingRules) -> None:
        self.rules = rules

    def destinations_for(self, report: Report) -> list[str]:
        names = list(self.rules.default)
        for rule in self.rules.rules:
            if rule_matches(rule, report):
                names.extend(rule.to)
        if report.severity is Severity.CRITICAL:
            names.extend(self.rules.escalation)
        return list(dict.fromkeys(names))
