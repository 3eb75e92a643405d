"""What a capitalised run after "at", "for" or "called" is when it is no organisation: a job
title, a venue or an occasion; and the role words that say where someone is from."""

from __future__ import annotations

import re

from flows.extraction.lexicon import People


def word_before(before: str, cue: str) -> str:
    """The noun before "called": "firm", or "think tank" when two words make it."""
    words = re.findall(r"[a-z-]+", before.rstrip(" ,:")[: -len(cue)])
    if len(words) >= 2 and " ".join(words[-2:]) in _TWO_WORD_NOUNS:
        return " ".join(words[-2:])
    return words[-1] if words else ""


_TWO_WORD_NOUNS = frozenset(
    {"think tank", "trade body", "trade association", "research centre", "research center"}
)
# An event's words at the end of a run after "at": the occasion, not who runs it.
_OCCASIONS = frozenset({"forum", "congress", "festival", "week", "awards", "games", "symposium", "dialogue"})


def is_job_title(run: str, people: People) -> bool:
    """Ends in a title ("Research Associate", "Policy Adviser"), not in an organisation's word."""
    last = run.split()[-1].lower()
    return last in people.title_words and last not in people.organisation_words


def at_a_venue(before: str, cue: str, run: str, people: People) -> bool:
    """ "approached at the Global Maritime Security Forum", "drinks at the Savoy": where, not who.
    "a researcher at the Atlantic Policy Forum" still says where someone works."""
    if cue not in ("at", "to", "during") or preceded_by_role(before, people):
        return False
    last = run.split()[-1].lower()
    return last in people.event_words or last in _OCCASIONS or bool(_VENUE_BEFORE.search(before))


_VENUE_BEFORE = re.compile(
    r"\b(?:approached|met|meet|meeting|spoke|speak|speaking|presented|present|attended|attend|attending|"
    r"reception|dinner|lunch|drinks|coffee|breakfast|panel|session|party|bar|stayed|staying|held|hosted|"
    r"came up to me|chatted|talked|invited me|event)(?:\s+\w+){0,2}\s+(?:at|to|during)\s*$"
)


def preceded_by_role(before: str, people: People) -> bool:
    words = re.findall(r"[a-z]+", before)
    return len(words) >= 2 and words[-2] in people.role_words
