"""Reading a typed answer to a choice question: numbers ("2", "1, 3") or labels."""

from __future__ import annotations

import re

from flows.model import Option
from flows.validators import Invalid, Valid

_NUMBERS = re.compile(r"^\s*\d+(?:\s*(?:,|;|and|&|\s)\s*\d+)*\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*", re.IGNORECASE)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_choice(text: str, options: tuple[Option, ...], multiple: bool) -> Valid | Invalid:
    text = text.strip()
    if not text:
        return Invalid("empty", "I didn't get an answer there. " + _how(options, multiple))
    if _NUMBERS.match(text):
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        bad = [n for n in numbers if not 1 <= n <= len(options)]
        if bad:
            return Invalid(
                "out_of_range",
                f"There's no option {bad[0]} here. " + _how(options, multiple),
            )
        picked = [options[n - 1].value for n in numbers]
    else:
        found = _match_label(text, options)
        if found is None and multiple:
            pieces = [p for p in _SEPARATORS.split(text) if p.strip()]
            matches = [_match_label(p, options) for p in pieces]
            if pieces and all(m is not None for m in matches):
                picked = [m.value for m in matches if m is not None]
            else:
                return _not_recognised(text, options, multiple)
        elif found is None:
            return _not_recognised(text, options, multiple)
        else:
            picked = [found.value]
    return check_picked(picked, options, multiple)


def check_picked(values: list[str], options: tuple[Option, ...], multiple: bool) -> Valid | Invalid:
    by_value = {o.value: o for o in options}
    unique = list(dict.fromkeys(values))
    if not unique:
        return Invalid("empty", "Please pick at least one option. " + _how(options, multiple))
    if any(v not in by_value for v in unique):
        return Invalid(
            "no_match", "That isn't one of the options for this question. " + _how(options, multiple)
        )
    if not multiple and len(unique) > 1:
        return Invalid("one_only", "Please pick just one option for this question.")
    exclusive = [by_value[v] for v in unique if by_value[v].exclusive]
    if exclusive and len(unique) > 1:
        return Invalid(
            "exclusive",
            f"'{exclusive[0].label}' can't be picked together with other options. Which is it?",
        )
    return Valid(unique if multiple else unique[0])


def match_option(text: str, options: tuple[Option, ...]) -> Option | None:
    """The one option these words name, if they name exactly one."""
    return _match_label(text, options)


def _match_label(text: str, options: tuple[Option, ...]) -> Option | None:
    wanted = _norm(text)
    if not wanted:
        return None
    for option in options:
        if wanted in (_norm(option.label), _norm(option.value)):
            return option
    starts = [o for o in options if _norm(o.label).startswith(wanted)]
    if len(starts) == 1 and len(wanted) >= 3:
        return starts[0]
    if wanted in _SHORT_YES_NO:
        return next((o for o in options if o.value == _SHORT_YES_NO[wanted]), None)
    # A word from the label ("headhunter", "trip", "money") picks the one option that has it.
    words = set(wanted.split())
    if all(len(w) >= 3 for w in words):
        having = [o for o in options if words <= set(_norm(o.label).split())]
        if len(having) == 1:
            return having[0]
    return None


_SHORT_YES_NO = {"y": "yes", "n": "no"}


def _not_recognised(text: str, options: tuple[Option, ...], multiple: bool) -> Invalid:
    words = set(_norm(text).split())
    close = [(i, o) for i, o in enumerate(options, 1) if words and words <= set(_norm(o.label).split())]
    if len(close) > 1:
        named = " or ".join(f"{i} ({o.label})" for i, o in close)
        more = " — or several, for example: " + ", ".join(str(i) for i, _ in close) if multiple else ""
        return Invalid("ambiguous", f"Did you mean {named}{more}? Reply with the number.")
    return Invalid(
        "no_match", f"I didn't recognise '{text[:60]}' as one of the options. " + _how(options, multiple)
    )


def _how(options: tuple[Option, ...], multiple: bool) -> str:
    if multiple:
        return f"Reply with one or more numbers from 1 to {len(options)} (for example: 1, 3), or the words."
    return f"Reply with a number from 1 to {len(options)}, or the words."
