"""A run of capitalised words, and whether it reads as a person's name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.extraction.lexicon import People

# Capitals and small letters of the Latin scripts people's names are written in here ("Siobhán",
# "José María García", "Emre Yıldız"); Latin Extended-A mixes the two, which costs nothing.
UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
LOWER = "a-zß-öø-ÿĀ-ž"
CONNECTORS = frozenset({"of", "the", "and", "for", "de", "la", "van", "von", "der", "du", "&"})
_PERSON_TOKEN = re.compile(
    rf"^[{UPPER}][{LOWER}]+(?:['’\-][{UPPER}]?[{LOWER}]+)*$|^O['’][{UPPER}][{LOWER}]+$|^Mc[{UPPER}][{LOWER}]+$"
)


@dataclass(frozen=True)
class Run:
    text: str
    start: int
    end: int
    honorific: bool = False


_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "la", "le", "bin", "al"})


def person_like(run: Run, people: People, places: frozenset[str]) -> bool:
    # "Pieter van der Berg": the particles inside a name are not words of their own.
    words = [w for i, w in enumerate(run.text.split()) if not (i > 0 and w in _PARTICLES)]
    if not 1 <= len(words) <= 3 or (len(words) == 1 and not run.honorific):
        return len(words) == 1 and run.honorific
    return all(
        _PERSON_TOKEN.match(w)
        and w not in people.not_names
        and w.lower() not in people.organisation_words
        and w.lower() not in people.title_words
        and w not in people.nationalities
        and w not in places
        for w in words
    )


def org_like(run: Run, people: People) -> bool:
    words = run.text.split()
    return "&" in words or any(w.lower().strip(".,") in people.organisation_words for w in words)
