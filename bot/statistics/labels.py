"""Plain English for the keys statistics count by (the report's own labels where there are some)."""

from __future__ import annotations

from enum import Enum

from bot.inbox.labels import label
from bot.report import ApproachKind, Channel, Outcome
from bot.watchlist.check import Outcome as CheckOutcome

_PLATFORMS = {"slack": "Slack", "teams": "Teams", "console": "Console", "cli": "Command line"}
_CHANNELS = {Channel.EMAIL.value: "Email", Channel.IN_PERSON.value: "In person"}
_CHECKS = {
    CheckOutcome.NAMED: "Named in a published alert",
    CheckOutcome.REPORTED: "Already reported by colleagues",
    CheckOutcome.QUESTIONNAIRE: "Red-flag questions put",
    CheckOutcome.UNUSABLE: "Nothing to check by",
}


def _of(kind: type[Enum], value: str) -> str:
    try:
        return label(kind(value))
    except ValueError:
        return value.replace("_", " ").capitalize()


def kind_label(value: str) -> str:
    return _of(ApproachKind, value)


def channel_label(value: str) -> str:
    # Not bot.inbox.labels for these: its table is keyed by the enums' string values, where
    # Channel.EMAIL and ContactMethod.EMAIL are one key ("By email").
    if value == "unknown":
        return "Not said"
    return _CHANNELS.get(value) or _of(Channel, value)


def outcome_label(value: str) -> str:
    return _of(Outcome, value)


def platform_label(value: str) -> str:
    return _PLATFORMS.get(value, value.capitalize())


def check_label(value: str) -> str:
    try:
        return _CHECKS[CheckOutcome(value)]
    except ValueError:
        return value.capitalize()


def hours_label(hours: float | None) -> str:
    """'3.5 hours', '2.1 days'; 'none yet' when nothing was counted."""
    if hours is None:
        return "none yet"
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"
