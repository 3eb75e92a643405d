"""Organisation names in one compact form: "BR-YR Executive Search", "BR YR Exec Search" and
"BRYR Executive Search Ltd" are one firm.

Case, accents, spaces, hyphens and punctuation go; so do legal suffixes (Ltd, LLC, Co.,
GmbH...), a place in brackets ("(Beijing)") and the usual abbreviations, spelled out.
What is left is compared exactly, or within ORGANISATION_SIMILARITY when long enough.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.normalise.names import fold
from bot.normalise.thresholds import ORGANISATION_FUZZY_MIN_LENGTH, ORGANISATION_SIMILARITY

# Organisations too short or too vague to say two approaches came from the same place.
MIN_ORGANISATION = 4
GENERIC_ORGANISATIONS = frozenset(
    {
        "none", "unknown", "not sure", "not given", "no idea", "n a", "na", "private", "freelance",
        "freelancer", "self employed", "independent", "linkedin", "recruiter",
        "recruitment", "recruitment agency", "headhunter", "a recruiter", "company", "consultancy",
        "consulting", "government", "university",
    }
)  # fmt: skip
_LEGAL_SUFFIXES = frozenset(
    {
        "ltd", "limited", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation", "co",
        "company", "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "pty", "pte",
        "kk", "oy", "ab", "as", "ou", "sro",
    }
)  # fmt: skip
_ABBREVIATIONS = {
    "exec": "executive", "execs": "executive", "intl": "international", "int'l": "international",
    "mgmt": "management", "svcs": "services", "svc": "services", "assoc": "associates",
    "tech": "technology", "univ": "university", "dept": "department",
}  # fmt: skip
_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")


def organisation_words(organisation: str) -> tuple[str, ...]:
    text = _BRACKETED.sub(" ", organisation).replace("&", " and ")
    # "and" goes too, so "Smith & Jones", "Smith and Jones" and "Smith-Jones" meet.
    words = [_ABBREVIATIONS.get(w, w) for w in fold(text).split() if w != "and"]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return tuple(words)


def organisation_key(organisation: str | None) -> str | None:
    """The compact form; None when too short or vague to link two approaches."""
    if not organisation:
        return None
    if fold(organisation) in GENERIC_ORGANISATIONS:
        return None
    words = organisation_words(organisation)
    if " ".join(words) in GENERIC_ORGANISATIONS:
        return None
    key = "".join(words)
    return key if len(key) >= MIN_ORGANISATION else None


def organisation_similarity(a: str, b: str) -> float:
    """0-100 between two organisation_key forms."""
    if a == b:
        return 100.0
    if min(len(a), len(b)) < ORGANISATION_FUZZY_MIN_LENGTH:
        return 0.0
    return float(fuzz.ratio(a, b))


def organisations_match(a: str, b: str) -> bool:
    return organisation_similarity(a, b) >= ORGANISATION_SIMILARITY
