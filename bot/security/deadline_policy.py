"""Deadlines from text such as 24h or 7d, each warning before its deadline; unset is the default."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from bot.durations import ACCEPTED_FORMS, format_duration, parse_duration
from bot.security.errors import Problem
from bot.security.model import DeadlinePolicy

_POLICY_DEFAULTS: Final[Mapping[str, timedelta]] = {
    "acknowledge_within": DeadlinePolicy.acknowledge_within,
    "warn_before_acknowledge": DeadlinePolicy.warn_before_acknowledge,
    "feedback_within": DeadlinePolicy.feedback_within,
    "warn_before_feedback": DeadlinePolicy.warn_before_feedback,
}


def parse_policy(values: Mapping[str, str | None], places: Mapping[str, str]) -> DeadlinePolicy:
    """`values` by DeadlinePolicy field (None: the default); `places` names each for messages."""
    parsed: dict[str, timedelta] = {}
    for key, default in _POLICY_DEFAULTS.items():
        text = values.get(key)
        if text is None or not text.strip():
            parsed[key] = default
            continue
        try:
            parsed[key] = parse_duration(text)
        except ValueError:
            raise Problem(
                places[key], f"{text.strip()!r} is not a duration; write {ACCEPTED_FORMS}"
            ) from None
    for within, warn in (
        ("acknowledge_within", "warn_before_acknowledge"),
        ("feedback_within", "warn_before_feedback"),
    ):
        if parsed[within] <= timedelta(0):
            raise Problem(places[within], "must be longer than zero, such as 24h")
        if parsed[warn] >= parsed[within]:
            raise Problem(
                places[warn],
                f"{format_duration(parsed[warn])} is not shorter than {places[within]} "
                f"({format_duration(parsed[within])}); make the warning come before the deadline "
                "(0s turns the early warning off)",
            )
    return DeadlinePolicy(**parsed)
