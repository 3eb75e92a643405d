"""The words extraction looks for, read from the flow data (understanding.yaml) and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from flows.conditions import Condition, ConditionError, parse_condition
from flows.extraction.patterns import NEGATION_REACH, cue_before, options_named, phrases

FIELDS = (
    "names",
    "organisations",
    "profile_urls",
    "emails",
    "phones",
    "websites",
    "offer_details",
    "asked_in_words",
)


class _RawNote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: str
    value: str


class _RawImplication(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: dict[str, Any]
    note: _RawNote | None = None
    drop: _RawNote | None = None


class _RawMoves(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cues: list[str] = Field(min_length=1)
    note: _RawNote


class _RawCueGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cues: list[str] = Field(min_length=1)
    options: list[str] = Field(min_length=1)  # "step.value"


class _RawPeople(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_cues: list[str]
    organisation_cues: list[str]
    honorifics: list[str]
    organisation_words: list[str]
    organisation_nouns: list[str]
    role_words: list[str]
    title_words: list[str]
    not_names: list[str]
    sign_offs: list[str]
    event_words: list[str] = Field(default_factory=list)
    thing_nouns: list[str] = Field(default_factory=list)
    nationalities: list[str] = Field(default_factory=list)


class _RawSums(BaseModel):
    model_config = ConfigDict(extra="forbid")
    salary: list[str] = Field(min_length=1)
    job_words: list[str] = Field(min_length=1)
    salary_at_least: int = Field(ge=0)
    not_offered: list[str] = Field(min_length=1)
    not_offered_after: list[str] = Field(min_length=1)
    salary_note: _RawNote


class RawLexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")
    read_from: list[str] = Field(default_factory=list)
    fills: dict[str, str] = Field(default_factory=dict)
    compose: dict[str, list[str]] = Field(default_factory=dict)
    negations: list[str] = Field(default_factory=list)
    hypotheticals: list[str] = Field(default_factory=list)
    others: list[str] = Field(default_factory=list)
    not_offered_before: list[_RawCueGroup] = Field(default_factory=list)
    topics_after: _RawCueGroup | None = None
    moves: _RawMoves
    sums: _RawSums
    implies: list[_RawImplication] = Field(default_factory=list)
    terms: dict[str, dict[str, list[str]]]
    places: list[str] = Field(default_factory=list)
    profile_hosts: list[str] = Field(default_factory=list)
    own_domains: list[str] = Field(default_factory=list)
    not_their_sites: list[str] = Field(default_factory=list)
    people: _RawPeople


@dataclass(frozen=True)
class Implication:
    when: Condition
    step: str
    value: str
    drop: bool = False  # un-note the option instead


@dataclass(frozen=True)
class OptionTerms:
    step: str
    value: str
    pattern: re.Pattern[str]  # every term of this option, as one alternation


@dataclass(frozen=True)
class People:
    name_cues: tuple[str, ...]
    organisation_cues: tuple[str, ...]
    honorifics: frozenset[str]
    organisation_words: frozenset[str]  # lower case
    organisation_nouns: frozenset[str]
    role_words: frozenset[str]
    title_words: frozenset[str]
    not_names: frozenset[str]
    sign_offs: frozenset[str]
    event_words: frozenset[str] = frozenset()  # "the RUSI conference": what follows makes it an event
    # "a podcast called X": X is neither a person nor an organisation.
    thing_nouns: frozenset[str] = frozenset()
    nationalities: frozenset[str] = frozenset()  # never a person's name


@dataclass(frozen=True)
class Sums:
    salary: re.Pattern[str]  # said of a sum: it is a job's pay
    job_words: re.Pattern[str]  # in the sentence of a salary-sized sum: it is a job's pay
    salary_at_least: int
    not_offered: re.Pattern[str]  # just before a sum: what they earn, what something costs
    not_offered_after: re.Pattern[str]  # just after it ("$500 to attend")
    salary_note: tuple[str, str]  # what a salary says was offered


@dataclass(frozen=True)
class Lexicon:
    read_from: frozenset[str]  # the free-text answers read for more
    fills: dict[str, str]  # step id -> field
    compose: dict[str, tuple[str, ...]]
    terms: dict[str, tuple[OptionTerms, ...]]  # step id -> its options' terms, in file order
    negation: re.Pattern[str]  # matches when a negation ends the text before a term
    negation_word: re.Pattern[str]  # a term with one of its own ("not tell") is not negated
    hypothetical: re.Pattern[
        str
    ]  # matches when the clause before a term supposes it ("what if they offered")
    others: re.Pattern[
        str
    ]  # someone else's story or a warning heard: finds its cue in the sentence before a term
    move_cue: re.Pattern[str]
    # Just before a term of these options, the cue says it was not offered ("my flight home").
    not_offered_before: tuple[tuple[re.Pattern[str], frozenset[tuple[str, str]]], ...]
    topic_after: re.Pattern[str]  # just after a term: a subject of work ("crypto regulation")
    topic_options: frozenset[tuple[str, str]]
    move_note: tuple[str, str]
    implies: tuple[Implication, ...]
    places: tuple[str, ...]
    place_pattern: re.Pattern[str] | None
    profile_hosts: tuple[str, ...]
    own_domains: tuple[str, ...]  # the reporter's organisation's: staff, never the contact
    not_their_sites: tuple[str, ...]  # well-known sites: a link there is never the contact's website
    people: People
    sums: Sums
    steps_filled: tuple[str, ...] = field(default=())

    def options_for(self, step_id: str) -> tuple[OptionTerms, ...]:
        return self.terms.get(step_id, ())


def build_lexicon(raw: RawLexicon, where: str, problems: list[str]) -> Lexicon:
    terms: dict[str, tuple[OptionTerms, ...]] = {}
    for step_id, options in raw.terms.items():
        built = []
        for value, words in options.items():
            try:
                built.append(OptionTerms(step_id, value, re.compile(phrases(words))))
            except re.error as exc:
                problems.append(f"{where} terms.{step_id}.{value}: a term is not a valid pattern ({exc})")
        terms[step_id] = tuple(built)
    implies = []
    for i, imp in enumerate(raw.implies):
        target = imp.note or imp.drop
        if target is None or (imp.note and imp.drop):
            problems.append(f"{where} implies.{i}: give either 'note' or 'drop'")
            continue
        try:
            implies.append(
                Implication(parse_condition(imp.when), target.step, target.value, imp.drop is not None)
            )
        except ConditionError as exc:
            problems.append(f"{where} implies.{i}: {exc}")
    for step_id, field_name in raw.fills.items():
        if field_name not in FIELDS:
            problems.append(f"{where} fills.{step_id}: '{field_name}' is not one of {', '.join(FIELDS)}")
    for step_id, names in raw.compose.items():
        for field_name in names:
            if field_name not in FIELDS:
                problems.append(
                    f"{where} compose.{step_id}: '{field_name}' is not one of {', '.join(FIELDS)}"
                )
    negations = "|".join(re.escape(n) for n in raw.negations) or r"(?!x)x"
    people = raw.people
    place_pattern = (
        re.compile(
            r"\b(?:in|to|at|from|near|visit|visiting|around)\s+(?:the\s+)?("
            + "|".join(re.escape(p) for p in sorted(raw.places, key=len, reverse=True))
            + r")\b"
        )
        if raw.places
        else None
    )
    return Lexicon(
        read_from=frozenset(raw.read_from),
        fills=dict(raw.fills),
        compose={k: tuple(v) for k, v in raw.compose.items()},
        terms=terms,
        # "never mentioned money or travel": a negation reaches along a list joined by "or", "nor" or commas.
        negation=re.compile(r"\b(?:" + negations + r")\b" + NEGATION_REACH, re.IGNORECASE),
        hypothetical=re.compile(
            r"\b(?:" + ("|".join(re.escape(h) for h in raw.hypotheticals) or r"(?!x)x") + r")\b[^.!?;,\n]*$",
            re.IGNORECASE,
        ),
        others=re.compile(
            r"\b(?:" + ("|".join(re.escape(o) for o in raw.others) or r"(?!x)x") + r")\b", re.IGNORECASE
        ),
        negation_word=re.compile(r"\b(?:" + negations + r")\b", re.IGNORECASE),
        move_cue=re.compile(
            r"\b(?:" + "|".join(re.escape(c) for c in raw.moves.cues) + r")\b(?:\s+\S+){0,4}\s*$",
            re.IGNORECASE,
        ),
        move_note=(raw.moves.note.step, raw.moves.note.value),
        not_offered_before=tuple(
            (cue_before(g.cues), options_named(g.options)) for g in raw.not_offered_before
        ),
        topic_after=re.compile(
            r"\s*(?:" + phrases(raw.topics_after.cues) + ")" if raw.topics_after else r"(?!x)x"
        ),
        topic_options=options_named(raw.topics_after.options) if raw.topics_after else frozenset(),
        implies=tuple(implies),
        places=tuple(raw.places),
        place_pattern=place_pattern,
        profile_hosts=tuple(h.lower() for h in raw.profile_hosts),
        own_domains=tuple(d.lower().lstrip(".") for d in raw.own_domains),
        not_their_sites=tuple(d.lower().lstrip(".").removeprefix("www.") for d in raw.not_their_sites),
        people=People(
            name_cues=tuple(sorted((c.lower() for c in people.name_cues), key=len, reverse=True)),
            organisation_cues=tuple(
                sorted((c.lower() for c in people.organisation_cues), key=len, reverse=True)
            ),
            honorifics=frozenset(people.honorifics),
            organisation_words=frozenset(w.lower() for w in people.organisation_words),
            organisation_nouns=frozenset(w.lower() for w in people.organisation_nouns),
            role_words=frozenset(w.lower() for w in people.role_words),
            title_words=frozenset(w.lower() for w in people.title_words),
            not_names=frozenset(people.not_names),
            sign_offs=frozenset(s.lower() for s in people.sign_offs),
            event_words=frozenset(w.lower() for w in people.event_words),
            thing_nouns=frozenset(w.lower() for w in people.thing_nouns),
            nationalities=frozenset(people.nationalities),
        ),
        sums=Sums(
            salary=re.compile(phrases(raw.sums.salary)),
            job_words=re.compile(phrases(raw.sums.job_words)),
            salary_at_least=raw.sums.salary_at_least,
            not_offered=re.compile(r"(?:" + phrases(raw.sums.not_offered) + r")(?:\s+\S+){0,3}\s*$"),
            not_offered_after=re.compile(r"^\s*(?:" + phrases(raw.sums.not_offered_after) + ")"),
            salary_note=(raw.sums.salary_note.step, raw.sums.salary_note.value),
        ),
        steps_filled=tuple(dict.fromkeys([*raw.fills, *raw.compose, *raw.terms])),
    )


def references(lexicon: Lexicon) -> list[tuple[str, str | None, str]]:
    """(step id, option value or None, where) for every step and option the lexicon names."""
    found: list[tuple[str, str | None, str]] = []
    for step_id in sorted(lexicon.read_from):
        found.append((step_id, None, "read_from"))
    for step_id in lexicon.fills:
        found.append((step_id, None, f"fills.{step_id}"))
    for step_id in lexicon.compose:
        found.append((step_id, None, f"compose.{step_id}"))
    for step_id, options in lexicon.terms.items():
        for option in options:
            found.append((step_id, option.value, f"terms.{step_id}.{option.value}"))
    found.append((lexicon.move_note[0], lexicon.move_note[1], "moves.note"))
    for i, (_, named) in enumerate(lexicon.not_offered_before):
        found.extend((step, value, f"not_offered_before.{i}.options") for step, value in sorted(named))
    found.extend((step, value, "topics_after.options") for step, value in sorted(lexicon.topic_options))
    found.append((lexicon.sums.salary_note[0], lexicon.sums.salary_note[1], "sums.salary_note"))
    for i, imp in enumerate(lexicon.implies):
        found.append((imp.step, imp.value, f"implies.{i}.note"))
        for step_id, values in imp.when.references():
            found.append(
                (step_id, None, f"implies.{i}.when")
                if not values
                else (step_id, values[0], f"implies.{i}.when")
            )
            found.extend((step_id, v, f"implies.{i}.when") for v in values[1:])
    return found
