"""How urgent a report is, by transparent rules: every rule that fires is listed as a reason.

The floor rules from the security team's brief: shared information or accepted a
benefit -> at least high; travel or payment offered, or contact still going on -> at
least medium.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.report import (
    PAYMENT_OFFERS,
    ApproachKind,
    AskedFor,
    DetailLevel,
    Offered,
    Report,
    Severity,
    YesNoUnsure,
)

YES = YesNoUnsure.YES
UNSURE = YesNoUnsure.UNSURE
_INTERNAL = frozenset({AskedFor.NON_PUBLIC_DOCUMENTS, AskedFor.WHO_WORKS_ON_WHAT, AskedFor.INTERNAL_VIEWS})


@dataclass(frozen=True)
class Rule:
    level: Severity
    reason: str
    applies: Callable[[Report], bool]


RULES: tuple[Rule, ...] = (
    Rule(
        Severity.CRITICAL,
        "Information was shared and something was accepted",
        lambda r: r.actions.shared_information is YES and r.actions.accepted_something is YES,
    ),
    Rule(
        Severity.CRITICAL,
        "Information was shared and the contact is still going on",
        lambda r: r.actions.shared_information is YES and r.timeline.still_going_on is YES,
    ),
    Rule(
        Severity.CRITICAL,
        "Something was accepted and non-public or internal information was asked for",
        lambda r: r.actions.accepted_something is YES and bool(_INTERNAL & set(r.asked_for)),
    ),
    Rule(
        Severity.CRITICAL,
        "Something was accepted from a contact the reporter has met in person",
        lambda r: r.actions.accepted_something is YES and r.actions.met_in_person is YES,
    ),
    Rule(Severity.HIGH, "The reporter shared information", lambda r: r.actions.shared_information is YES),
    Rule(
        Severity.HIGH,
        "The reporter accepted a payment, gift or other benefit",
        lambda r: r.actions.accepted_something is YES,
    ),
    Rule(
        Severity.MEDIUM,
        "The reporter is not sure whether they shared information",
        lambda r: r.actions.shared_information is UNSURE,
    ),
    Rule(
        Severity.MEDIUM,
        "The reporter is not sure whether they accepted something",
        lambda r: r.actions.accepted_something is UNSURE,
    ),
    Rule(
        Severity.MEDIUM,
        "Travel or a trip was offered",
        lambda r: Offered.TRAVEL in r.offered or ApproachKind.TRIP_OR_EVENT in r.approach_kinds,
    ),
    Rule(
        Severity.MEDIUM,
        "Payment was offered",
        lambda r: bool(PAYMENT_OFFERS & set(r.offered)) or ApproachKind.PAYMENT_OFFER in r.approach_kinds,
    ),
    Rule(Severity.MEDIUM, "The contact is still going on", lambda r: r.timeline.still_going_on is YES),
    Rule(
        Severity.MEDIUM,
        "The reporter has met the contact in person",
        lambda r: r.actions.met_in_person is YES,
    ),
    Rule(
        Severity.MEDIUM,
        "Non-public or internal information was asked for",
        lambda r: bool(_INTERNAL & set(r.asked_for)),
    ),
    Rule(
        Severity.MEDIUM,
        "The contact asked to move off-platform or to keep it secret",
        lambda r: bool({AskedFor.MOVE_OFF_PLATFORM, AskedFor.SECRECY} & set(r.asked_for)),
    ),
)

NO_FACTORS = "No aggravating factors reported so far"
NOT_ASSESSED = "Quick report: the details that set severity have not been given yet — read what happened"


def assess(report: Report) -> tuple[Severity, list[str]]:
    fired = [rule for rule in RULES if rule.applies(report)]
    if not fired:
        return Severity.LOW, [NOT_ASSESSED if report.detail_level is DetailLevel.QUICK else NO_FACTORS]
    level = max((rule.level for rule in fired), key=lambda s: s.rank)
    return level, [rule.reason for rule in fired]
