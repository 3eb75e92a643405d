"""Checking free-text answers. Pure: the clock and phone region are passed in.

Every failure carries a message written for the person who typed the answer: what was
wrong and what would work, never a technical error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import dateparser
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from flows.model import InputKind, Step

SKIP_WORDS = frozenset({"skip", "none", "n/a", "na", "-", "no", "nothing", "don't know", "dont know"})

# The text-safety rules of bot/text_safety.py, copied (flows imports nothing of ours) and checked
# to agree by tests/text_safety: control characters (Cc) and the bidirectional overrides, which
# can make text display differently from what it says, are refused; invisible characters
# (zero-width space, direction marks, word joiner, byte-order mark) are dropped without a word.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u061c\u200b\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
_ALLOWED_CONTROLS = frozenset("\n\t")
_SPLIT_LIST = re.compile(r"[\s,;]+")
_SPLIT_PHONES = re.compile(r"[,;\n]+|\s+(?:and|or)\s+")
_EARLIEST_PLAUSIBLE = timedelta(days=365 * 30)


@dataclass(frozen=True)
class Invalid:
    code: str
    message: str


@dataclass(frozen=True)
class Valid:
    value: Any  # str, list[str], {"on": iso date, "as_told": text}, or None for a skipped optional step


def clean_text(raw: str) -> tuple[str, bool]:
    """Normalise line endings and Unicode; report whether hidden control characters were found."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    found = False
    kept = []
    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            kept.append(ch)
        elif ch in INVISIBLE:
            continue
        elif unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS:
            found = True
        else:
            kept.append(ch)
    return "".join(kept).strip(), found


def check_text_answer(step: Step, raw: str, now: datetime, phone_region: str) -> Valid | Invalid:
    text, had_controls = clean_text(raw)
    if had_controls:
        return Invalid(
            "control_characters",
            "That answer had hidden control characters in it (they often come from copying and "
            "pasting). I've kept it — please send it again as plain text.",
        )
    if not text:
        if step.required:
            return Invalid("empty", "I didn't get an answer there. Could you type it again?")
        return Invalid(
            "empty", "I didn't get an answer there. Type your answer, or 'skip' to leave this one out."
        )
    if len(text) > step.max_length:
        return Invalid(
            "too_long",
            f"That's {len(text):,} characters; this answer can be up to {step.max_length:,}. "
            "I've kept what you wrote. Could you shorten it? Long material is best kept as a file or "
            "screenshot — you can tell me where it is when I ask about evidence.",
        )
    if not step.required and text.lower() in SKIP_WORDS:
        return Valid(None)
    if step.input is InputKind.TEXT:
        return Valid(text)
    if step.input is InputKind.URL:
        return _many(text, _SPLIT_LIST, _check_url, step.multiple)
    if step.input is InputKind.EMAIL:
        return _many(text, _SPLIT_LIST, _check_email, step.multiple)
    if step.input is InputKind.PHONE:
        return _many(text, _SPLIT_PHONES, lambda t: _check_phone(t, phone_region), step.multiple)
    return _check_date(text, now)


def _many(
    text: str, splitter: re.Pattern[str], check: Callable[[str], Valid | Invalid], multiple: bool
) -> Valid | Invalid:
    parts = [p.strip() for p in splitter.split(text) if p.strip()] if multiple else [text]
    values = []
    for part in parts:
        result = check(part)
        if isinstance(result, Invalid):
            if len(parts) > 1 and not re.search(r"[,;\n]", text):
                # "not a url" split on spaces is one bad answer, not three.
                result = check(text)
            return result
        values.append(result.value)
    return Valid(values if multiple else values[0])


def _check_url(text: str) -> Valid | Invalid:
    candidate = text if "://" in text else "https://" + text
    parts = urlsplit(candidate)
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or "." not in host
        or not re.fullmatch(r"[A-Za-z0-9.-]+", host)
        or host.startswith(".")
        or host.endswith(".")
    ):
        return Invalid(
            "not_url",
            f"I couldn't read '{_short(text)}' as a web address. It should look like "
            "linkedin.com/in/their-name or https://example.com. Type 'skip' if you don't have one.",
        )
    return Valid(candidate)


def _check_email(text: str) -> Valid | Invalid:
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return Invalid(
            "not_email",
            f"'{_short(text)}' doesn't look like an email address (name@example.com). "
            "Type 'skip' if you don't have one.",
        )
    return Valid(result.normalized.lower())


def _check_phone(text: str, region: str) -> Valid | Invalid:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    # Too few digits is an extension or a fragment, not a number to call: "4521" must not become +444521.
    if number is None or not phonenumbers.is_possible_number(number) or len(str(number.national_number)) < 7:
        return Invalid(
            "not_phone",
            f"I couldn't read '{_short(text)}' as a phone number. Include the country code if it "
            "is from abroad, for example +44 20 7946 0000. Type 'skip' if you don't have one.",
        )
    return Valid(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _check_date(text: str, now: datetime) -> Valid | Invalid:
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        # "early March", "a while ago": an estimate in their words is worth keeping as it is.
        return Valid({"on": None, "as_told": text})
    day: date = parsed.date()
    if day > now.date():
        return Invalid("future_date", "That date is in the future. When did the first contact happen?")
    if now.date() - day > _EARLIEST_PLAUSIBLE:
        return Invalid("old_date", "That's more than 30 years ago — could you check the date?")
    return Valid({"on": day.isoformat(), "as_told": text})


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
