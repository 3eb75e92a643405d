"""Names of people and organisations: runs of capitalised words, read by what comes around them.

Precision first: a run is noted only when a cue says what it is ("someone called ...",
"... from Internship Union"), when it sits in a name-and-organisation pair ("Lisa Wong of
Pinnacle Search Group", "(Daniel Kim, Lotus Bridge Consulting)"), or in a signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.extraction.lexicon import People
from flows.extraction.roles import at_a_venue, is_job_title, preceded_by_role, word_before
from flows.extraction.runs import CONNECTORS, UPPER, Run
from flows.extraction.runs import org_like as looks_like_an_org
from flows.extraction.runs import person_like as looks_like_a_person
from flows.extraction.signature import signature

# Capitalised words, with the small words organisations have inside them; one line at a time.
# Capitals and small letters of the Latin scripts people's names are written in here ("Siobhán",
# "José María García", "Emre Yıldız"); Latin Extended-A mixes the two, which costs nothing.
_RUN = re.compile(
    rf"(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof)\.[ \t]+)?[{UPPER}][\w'’\-]*"
    rf"(?:[ \t]+(?:(?:of|the|and|for|de|la|van|von|der|du|&)[ \t]+)*[{UPPER}&][\w'’\-&.]*)*"
)
_ARTICLES = re.compile(r"\b(?:a|an|the|one|some)$", re.IGNORECASE)
_PAIR_AFTER = re.compile(
    r"^(?:\s*,\s*|\s*\(\s*|\s+(?:of|from|at|with)\s+(?:the\s+)?|\s+[-–]\s+"
    r"|,?\s+who\s+(?:works|worked|is|was)\s+(?:for|at|with)\s+(?:the\s+)?)$"
)


@dataclass
class People_:
    names: list[str]
    organisations: list[str]
    spans: list[tuple[int, int]]


def find_people(text: str, people: People, places: tuple[str, ...], about_contact: bool = False) -> People_:
    """`about_contact`: the text answers "who contacted you" (or corrects it), so a name or an
    organisation needs no cue before it: "Anna Smith, Acme Talent" says who."""
    runs = [
        part
        for r in (_trim(m, people) for m in _RUN.finditer(text))
        if r is not None
        for part in _split_name_of_org(r, people, frozenset(places))
    ]
    names: list[str] = []
    organisations: list[str] = []
    spans: list[tuple[int, int]] = []
    place_set = frozenset(places)
    kinds: dict[int, str] = {}  # run index -> "name" | "org", as decided

    def note(i: int, kind: str) -> None:
        run = runs[i]
        kinds[i] = kind
        (names if kind == "name" else organisations).append(run.text)
        spans.append((run.start, run.end))

    for i, run in enumerate(runs):
        if i in kinds or run.text in place_set or _names_an_event(text, run, people):
            continue
        partner = _pair_partner(text, run, runs, i, people)
        after_name = kinds.get(i - 1) == "name" and 0 <= run.start - runs[i - 1].end <= 8
        kind = _classify(text, run, people, place_set, partner is not None, after_name)
        if kind is None and about_contact:
            kind = _in_an_answer_about_them(text, run, people, place_set, after_name)
        if kind is not None:
            note(i, kind)
        if kind == "name" and partner is not None and partner not in kinds:
            note(partner, "org")
    sig_names, sig_orgs, sig_spans = signature(text, people, place_set)
    return People_(_unique(names + sig_names), _unique(organisations + sig_orgs), spans + sig_spans)


# A word that ends a sentence ("... Horizon Strategic Consulting. Wants an org chart"), not an
# initial ("J."), a title ("Dr.") or a company's own abbreviation ("Ltd.").
_ENDS_SENTENCE = re.compile(r"^[\w'’\-&]{2,}\.$")
_ABBREVIATIONS = frozenset(
    {"Ltd.", "Inc.", "Co.", "Corp.", "Bros.", "St.", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mx."}
)


def _trim(match: re.Match[str], people: People) -> Run | None:
    """A run without leading words that are never names and without trailing connectors."""
    words = match.group(0).split()
    for i, word in enumerate(words[:-1]):
        if _ENDS_SENTENCE.match(word) and word not in _ABBREVIATIONS:
            words = words[: i + 1]
            break
    start = match.start()
    honorific = False
    while words and (words[0].rstrip(".") in people.not_names or words[0].rstrip(".") in people.honorifics):
        honorific = honorific or words[0].rstrip(".") in people.honorifics
        start = (
            match.group(0).index(words[1], start - match.start()) + match.start() if len(words) > 1 else start
        )
        words = words[1:]
    while words and (words[-1].lower() in CONNECTORS or words[-1].rstrip(".") in people.not_names):
        words = words[:-1]
    words = [w.rstrip(".") if not w.endswith(("Ltd.", "Inc.", "Co.")) else w for w in words]
    words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]
    words = [w.rstrip("'’") if i == len(words) - 1 else w for i, w in enumerate(words)]
    if not words:
        return None
    text = " ".join(words)
    return Run(text, start, start + len(text), honorific)


def _classify(
    text: str, run: Run, people: People, places: frozenset[str], has_partner: bool, after_name: bool
) -> str | None:
    """ "name", "org", or None when nothing around the run says what it is."""
    stripped = text[max(0, run.start - 40) : run.start].rstrip(" \t\"'“‘(").lower()
    before = _ARTICLES.sub("", stripped).rstrip()
    had_article = before != stripped
    name_cue = _ends_with_cue(before, people.name_cues)
    org_cue = _ends_with_cue(before, people.organisation_cues)
    org_like = looks_like_an_org(run, people)
    person_like = looks_like_a_person(run, people, places)
    if run.honorific and person_like:
        return "name"
    named_thing = (
        name_cue in ("called", "named") and word_before(before, name_cue) in people.organisation_nouns
    )
    if name_cue and named_thing:
        return "org" if _plain(run, people) else None  # "a firm called Sterling Hale"
    if name_cue in ("called", "named") and word_before(before, name_cue) in people.thing_nouns | _SUBJECTS:
        return None  # "a podcast called Policy Matters"; "I then called Sarah Lee" is a phone call
    if name_cue and person_like and _owns_something(text, run):
        return None  # "he said he was Rishi Sunak's adviser": someone else, named to impress
    if name_cue and not (org_cue and name_cue in ("called", "named") and org_like):
        return "org" if org_like else "name" if person_like else None
    if org_cue and (is_job_title(run.text, people) or at_a_venue(before, org_cue, run.text, people)):
        return None  # "a Geopolitical Research Associate", "approached at the Security Forum"
    if org_cue:
        if org_like and not (person_like and has_partner):
            return "org"
        if person_like and (has_partner or (had_article and org_cue == "from")):
            return "name"
        # "a recruiter from Talent Arc", "Priya Sharma, from TalentNest": what follows is where they're from.
        role_before = preceded_by_role(before, people) and org_cue in ("from", "at", "with")
        if (role_before or after_name) and _plain(run, people):
            return "org"
        return None
    if person_like and has_partner and _starts_clause(text, run, people):
        return "name"
    return None


# Before "called", these make it a verb: "I called Sarah Lee", "then called Tom".
_SUBJECTS = frozenset(
    {"i", "we", "you", "he", "she", "they", "then", "and", "also", "just", "already", "later", "who"}
)


def _owns_something(text: str, run: Run) -> bool:
    return text[run.end : run.end + 2] in ("'s", "’s")


def _names_an_event(text: str, run: Run, people: People) -> bool:
    """ "at the RUSI conference": a name before an event word is where it happened, not who."""
    after = re.match(r"[ \t]+([a-z]+)", text[run.end : run.end + 20])
    return after is not None and after.group(1) in people.event_words


def _in_an_answer_about_them(
    text: str, run: Run, people: People, places: frozenset[str], after_name: bool
) -> str | None:
    if looks_like_a_person(run, people, places) and _starts_clause(text, run, people):
        return "name"
    if (after_name or _starts_clause(text, run, people)) and looks_like_an_org(run, people):
        return "org"
    return None


def _split_name_of_org(run: Run, people: People, places: frozenset[str]) -> list[Run]:
    """ "Lisa Wong of Pinnacle Search Group" is a name and an organisation, not one long name."""
    words = run.text.split()
    for i, word in enumerate(words):
        if word in ("of", "from", "at") and 0 < i < len(words) - 1:
            left = Run(" ".join(words[:i]), run.start, 0, run.honorific)
            right_words = words[i + 1 :]
            right_words = right_words[1:] if right_words[0] == "the" and len(right_words) > 1 else right_words
            right_text = " ".join(right_words)
            right = Run(right_text, run.start + run.text.rindex(right_text), 0)
            if looks_like_a_person(left, people, places) and looks_like_an_org(right, people):
                left = Run(left.text, left.start, left.start + len(left.text), left.honorific)
                return [left, Run(right.text, right.start, right.start + len(right.text))]
    return [run]


def _ends_with_cue(before: str, cues: tuple[str, ...]) -> str | None:
    stripped = before.rstrip(" ,:")
    for cue in cues:
        if stripped.endswith(cue) and (len(stripped) == len(cue) or not stripped[-len(cue) - 1].isalnum()):
            return cue
    if before.rstrip().endswith(":") and stripped.endswith("name"):
        return "name:"
    return None


def _plain(run: Run, people: People) -> bool:
    """Could be the name of an organisation: a few capitalised words, none of them a title."""
    words = run.text.split()
    return 1 <= len(words) <= 5 and not any(w.lower() in people.title_words for w in words)


def _pair_partner(text: str, run: Run, runs: list[Run], i: int, people: People) -> int | None:
    """The organisation run just after a name ("Lisa Wong of Pinnacle Search Group")."""
    if i + 1 >= len(runs):
        return None
    j = i + 1
    if _is_title(runs[j], people) and j + 1 < len(runs) and _joins(text[runs[j].end : runs[j + 1].start]):
        j += 1  # "Arjun Mehta, Senior Fellow, Institute for Strategic Futures"
    gap = re.sub(
        r"\b[A-Z][\w'’]*\b", lambda m: _unless_title(m.group(0), people), text[run.end : runs[i + 1].start]
    )
    if not _joins(gap):
        return None
    return j if looks_like_an_org(runs[j], people) else None


def _joins(gap: str) -> bool:
    """What may come between a name and its organisation (an address blanked out counts for nothing)."""
    cleaned = re.sub(r"[ \t<>]+", " ", gap)
    return (
        "\n" not in gap
        and len(cleaned) <= 30
        and bool(_PAIR_AFTER.match(cleaned if cleaned.strip() else " "))
    )


def _unless_title(word: str, people: People) -> str:
    return "" if word.lower() in people.title_words or word in people.not_names else word


def _is_title(run: Run, people: People) -> bool:
    return all(w.lower() in people.title_words for w in run.text.split())


def _starts_clause(text: str, run: Run, people: People) -> bool:
    before = text[max(0, run.start - 30) : run.start]
    stripped = before.rstrip(" \t")
    if not stripped or stripped[-1] in "(\n:,-–":
        return True
    last = re.findall(r"[a-z]+", stripped.lower())
    return bool(last) and last[-1] in people.role_words


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
