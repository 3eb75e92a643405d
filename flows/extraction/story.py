"""What the story says happened: options of the choice questions, places and sums, from the terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.extraction.lexicon import Lexicon

_AMOUNT = re.compile(
    r"(?:(?P<cur>[£$€]|\b(?:usd|eur|gbp)\b)\s?(?P<n>\d[\d,]*(?:\.\d+)?)\s?(?P<k>k|m|million|thousand)?\b)"
    r"|(?:\b(?P<n2>\d[\d,]*(?:\.\d+)?)\s?(?P<k2>k|m|million|thousand)?\s?"
    r"(?P<cur2>quid|pounds?|euros?|dollars?|gbp|usd|eur|usdt|btc|bitcoin|eth)\b)"
    r"|(?:\b(?P<n3>\d[\d,]*(?:\.\d+)?)\s?(?P<k3>k)\s+(?:a|per)\s+(?:month|year|week|day|hour)\b)",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000}


@dataclass(frozen=True)
class Mention:
    step: str
    value: str
    start: int
    moved: bool = False  # a messaging app they asked to move to, not where it began


def mentions(text: str, lexicon: Lexicon, steps: tuple[str, ...] | None = None) -> list[Mention]:
    """Every option a term points at, in the order the story mentions them."""
    found: list[Mention] = []
    lowered = text.lower()  # the terms are lower case: quicker than matching without case
    for step_id, options in lexicon.terms.items():
        if steps is not None and step_id not in steps:
            continue
        for option in options:
            for match in option.pattern.finditer(lowered):
                before = re.split(r"[.!?;\n]", lowered[max(0, match.start() - 40) : match.start()])[-1]
                if lexicon.negation.search(before) and not lexicon.negation_word.search(match.group(0)):
                    continue
                if _not_happening_to_them(lowered, match.start(), lexicon):
                    continue
                if _not_offered(lowered, match, (step_id, option.value), before, lexicon):
                    continue
                moved = step_id == "channel" and bool(lexicon.move_cue.search(before))
                found.append(Mention(step_id, option.value, match.start(), moved))
                break
    found.sort(key=lambda m: m.start)
    return found


# After someone else's story begins, "me", "my" or "I" brings it back to the reporter.
_REPORTER = re.compile(r"\b(?:i|me|my|i'm|i've|i'd)\b")


def _not_happening_to_them(lowered: str, start: int, lexicon: Lexicon) -> bool:
    """ "what if they offered me a trip?", "a colleague was offered cash last year", "we were told
    they might offer bitcoin": the words name an option, but nothing was offered or asked of the
    reporter."""
    sentence = re.split(r"[.!?;\n]", lowered[max(0, start - 160) : start])[-1]
    if lexicon.hypothetical.search(sentence):
        return True
    cues = list(lexicon.others.finditer(sentence))
    return bool(cues) and not _REPORTER.search(sentence, cues[-1].end())


def _not_offered(
    lowered: str, match: re.Match[str], option: tuple[str, str], before: str, lexicon: Lexicon
) -> bool:
    """ "my flight home", "a registration fee", "I did not tell my manager", "crypto regulation":
    the words name the option, but the reporter's own trip, what they would pay, their own
    choice, or a subject of their work."""
    if any(option in options and cue.search(before) for cue, options in lexicon.not_offered_before):
        return True
    return option in lexicon.topic_options and bool(lexicon.topic_after.match(lowered, match.end()))


def places(text: str, lexicon: Lexicon) -> list[str]:
    if lexicon.place_pattern is None:
        return []
    return list(dict.fromkeys(m.group(1) for m in lexicon.place_pattern.finditer(text)))


@dataclass(frozen=True)
class Amount:
    digits: str  # "2000", "0.5"
    as_written: str
    start: int = 0
    end: int = 0
    kind: str = "offer"  # "offer" | "salary" (a job's pay) | "not_offered" (what they earn, a price)


def amounts(text: str, lexicon: Lexicon | None = None) -> list[Amount]:
    """Every sum, once each, and (with the lexicon) what it is: an offer of money unless the
    words around it say it is a job's salary or not an offer at all."""
    found: list[Amount] = []
    lowered = text.lower()
    for match in _AMOUNT.finditer(text):
        number = (match.group("n") or match.group("n2") or match.group("n3") or "").replace(",", "")
        unit = (match.group("k") or match.group("k2") or match.group("k3") or "").lower()
        try:
            value = float(number) * _MULTIPLIERS.get(unit, 1)
        except ValueError:
            continue
        digits = str(int(value)) if value == int(value) else f"{value:g}"
        kind = _kind(lowered, match, value, lexicon) if lexicon is not None else "offer"
        found.append(Amount(digits, match.group(0).strip(), match.start(), match.end(), kind))
    unique: dict[str, Amount] = {}
    for amount in found:
        unique.setdefault(amount.digits, amount)
    return list(unique.values())


def _kind(lowered: str, match: re.Match[str], value: float, lexicon: Lexicon) -> str:
    sums = lexicon.sums
    before = re.split(r"[.!?;\n]", lowered[max(0, match.start() - 40) : match.start()])[-1]
    after = re.split(r"[.!?;\n]", lowered[match.end() : match.end() + 30])[0]
    if sums.not_offered.search(before) or sums.not_offered_after.search(after):
        return "not_offered"
    if sums.salary.search(before) or sums.salary.search(after):
        return "salary"
    sentence_start = max(lowered.rfind(c, 0, match.start()) for c in ".!?\n") + 1
    sentence_end = min(
        (i for i in (lowered.find(c, match.end()) for c in ".!?\n") if i >= 0), default=len(lowered)
    )
    if value >= sums.salary_at_least and sums.job_words.search(lowered[sentence_start:sentence_end]):
        return "salary"
    return "offer"
