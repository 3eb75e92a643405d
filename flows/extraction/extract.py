"""From the reporter's words to the answers they imply. Pure and quick: rules and the flow's lexicon."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flows.extraction.contacts import (
    Found,
    blank,
    find_emails,
    find_phones,
    find_urls,
    is_profile,
    names_someone,
    not_a_platform_sender,
    not_the_reporters_own,
    on_hosts,
    staff_parts,
)
from flows.extraction.lexicon import Lexicon
from flows.extraction.people import find_people
from flows.extraction.story import Mention, amounts, mentions, places
from flows.extraction.voice import quoted_or_pasted, reporters_own
from flows.model import InputKind, Step, StepKind


@dataclass(frozen=True)
class Extraction:
    names: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    profile_urls: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # choice step -> option values, as mentioned
    places: list[str] = field(default_factory=list)
    amounts: list[str] = field(default_factory=list)  # in digits: "2000", "0.5"
    offer_details: list[str] = field(default_factory=list)  # what was offered, in the reporter's words
    asked_in_words: list[str] = field(default_factory=list)  # what was asked for, in the reporter's words

    def field(self, name: str) -> list[str]:
        value = getattr(self, name)
        assert isinstance(value, list)
        return value


def extract(text: str, lexicon: Lexicon, phone_region: str = "GB", about_contact: bool = False) -> Extraction:
    """What `text` says; `about_contact`: it answers who contacted the reporter (no cue needed
    before a name there)."""
    # What is about the reporter's own organisation is read as nothing: it is not the contact.
    text = blank(text, staff_parts(text, lexicon.own_domains, lexicon.people.sign_offs))
    # Nor is what the reporter says of themselves: "I'm Tom from the Cabinet Office", their sign-off.
    text = blank(text, reporters_own(text, lexicon.people.sign_offs))
    emails = find_emails(text)
    urls = find_urls(text, emails)
    without_addresses = blank(text, [*emails, *urls])
    phones = find_phones(without_addresses, phone_region)
    plain = blank(without_addresses, phones)
    people = find_people(plain, lexicon.people, lexicon.places, about_contact)
    # Blanked above either way, so their digits and dots are read as nothing else.
    all_emails = emails
    emails, urls, phones = (
        not_the_reporters_own(text, f, lambda at: quoted_or_pasted(text, at)) for f in (emails, urls, phones)
    )
    # The reporter's own address says where they work: that site is not the contact's either.
    own_sites = tuple({_domain(e.value) for e in all_emails} - {_domain(e.value) for e in emails})
    emails = not_a_platform_sender(emails)
    # Organisation names say nothing about the approach: "Horizon Strategic Consulting" is not consultancy.
    story = blank(plain, [Found("", start, end) for start, end in people.spans])
    sums = amounts(story, lexicon)
    # A salary or a price is no offer of money: its sum is read for nothing but itself.
    heard = mentions(blank(story, [Found("", a.start, a.end) for a in sums if a.kind != "offer"]), lexicon)
    salaries = [a for a in sums if a.kind == "salary"]
    if salaries:
        step, value = lexicon.sums.salary_note
        heard.append(Mention(step, value, salaries[0].start))
    options = _options(heard, lexicon)
    profile_urls = [
        u.value for u in urls if is_profile(u.value, lexicon.profile_hosts) and names_someone(u.value)
    ]
    # A news story, a government page or the reporter's own organisation's site is nobody's own site.
    not_theirs = (*lexicon.not_their_sites, *lexicon.own_domains, *own_sites)
    websites = [
        u.value
        for u in urls
        if not is_profile(u.value, lexicon.profile_hosts)
        and not on_hosts(u.value, not_theirs)
        and not _THE_REAL_ONE.search(text, max(0, u.start - 40), u.start)
    ]
    if "channel" not in options:
        # "on reed.co.uk", a linkedin.com/in/ address: the site says where it happened.
        host_names = [u.value.split("://", 1)[1].split("/", 1)[0] for u in urls]
        hosts = " ; ".join(f"{h} {h.replace('.', ' ')}" for h in host_names)
        on_a_site = [m for m in mentions(hosts, lexicon, ("channel",)) if not m.moved]
        if on_a_site:
            options["channel"] = [on_a_site[0].value]
    _apply_implications(options, lexicon)
    found_places = places(story, lexicon)
    found_amounts = [a for a in sums if a.kind != "not_offered"]
    return Extraction(
        names=people.names,
        organisations=people.organisations,
        profile_urls=_unique(profile_urls),
        emails=_unique([e.value for e in emails]),
        phones=_unique([p.value for p in phones]),
        websites=_one_per_site(websites),
        options=options,
        places=found_places,
        amounts=[a.digits for a in found_amounts],
        offer_details=_unique(
            _clauses(text, story, heard, "offered")
            + _clauses_at(text, story, [m.start() for m in _place_matches(story, lexicon)])
        )
        or [a.as_written for a in found_amounts],
        asked_in_words=_clauses(text, story, heard, "asked_for"),
    )


_IN_WORDS = ("offer_details", "asked_in_words")  # clauses of the story, joined as clauses
_CLAUSE_END = re.compile(r"(?<!\d)\.(?!\d)|[;!?\n]|,(?!\d)")
# Where what they asked or offered starts, within a few words before the term ("offering 2000 quid").
_LEAD_IN = re.compile(
    r"\b(?:offer|offers|offered|offering|asked|asking|asks|wants|wanted|want|for|pay|pays|paid)\b(?:\W+\w+){0,5}\W*$",
    re.IGNORECASE,
)


def _clauses(text: str, story: str, heard: list[Mention], step_id: str) -> list[str]:
    """The parts of the story that mention this question's options: the reporter's own words."""
    return _clauses_at(text, story, [m.start for m in heard if m.step == step_id and not m.moved])


def _clauses_at(text: str, story: str, positions: list[int]) -> list[str]:
    """Clauses found in `story` (addresses blanked, so their dots end nothing), read from `text`."""
    found: list[str] = []
    for position in positions:
        starts = [m.end() for m in _CLAUSE_END.finditer(story, 0, position)]
        start = starts[-1] if starts else 0
        lead_in = _LEAD_IN.search(story, start, position)
        start = lead_in.start() if lead_in else start
        end_match = _CLAUSE_END.search(story, position)
        clause = " ".join(text[start : end_match.start() if end_match else len(text)].split())
        clause = clause.strip(" -–\"'“”‘’")
        if clause and clause not in found:
            found.append(clause)
    return found


def _place_matches(story: str, lexicon: Lexicon) -> list[re.Match[str]]:
    return list(lexicon.place_pattern.finditer(story)) if lexicon.place_pattern else []


def _options(heard: list[Mention], lexicon: Lexicon) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    move_step, move_value = lexicon.move_note
    for mention in heard:
        if mention.moved:
            options.setdefault(move_step, [])
            if move_value not in options[move_step]:
                options[move_step].append(move_value)
            continue
        values = options.setdefault(mention.step, [])
        if mention.value not in values:
            values.append(mention.value)
    return options


def _apply_implications(options: dict[str, list[str]], lexicon: Lexicon) -> None:
    for implication in lexicon.implies:
        as_answers = {k: (v if len(v) != 1 else [v[0]]) for k, v in options.items()}
        single = {k: v[0] for k, v in options.items() if v}
        if not (implication.when.holds(as_answers) or implication.when.holds(single)):
            continue
        values = options.setdefault(implication.step, [])
        if implication.drop and implication.value in values:
            values.remove(implication.value)
        elif not implication.drop and implication.value not in values:
            values.append(implication.value)
        if not values:
            del options[implication.step]


def noted_answers(extraction: Extraction, lexicon: Lexicon, steps: Mapping[str, Step]) -> dict[str, Any]:
    """The answers the extraction gives, shaped as each question keeps its answer."""
    noted: dict[str, Any] = {}
    for step_id, values in extraction.options.items():
        step = steps.get(step_id)
        if step is None or step.kind is not StepKind.CHOICE or not values:
            continue
        if step.multiple:  # in the order the question lists them
            known = [o.value for o in step.options if o.value in values and not o.exclusive]
        else:  # the first one the story mentions
            known = [v for v in values if (o := step.option(v)) is not None and not o.exclusive][:1]
        if known:
            noted[step_id] = known if step.multiple else known[0]
    for step_id, field_name in lexicon.fills.items():
        step = steps.get(step_id)
        values = extraction.field(field_name)
        if step is None or step.kind is not StepKind.TEXT or not values:
            continue
        if step.multiple and step.input is not InputKind.TEXT:
            noted[step_id] = list(values)
        else:
            joiner = "; " if field_name in _IN_WORDS else ", "
            noted[step_id] = joiner.join(values)[: step.max_length]
    for step_id, field_names in lexicon.compose.items():
        step = steps.get(step_id)
        parts = [v for name in field_names for v in extraction.field(name)]
        if step is not None and step.kind is StepKind.TEXT and parts:
            noted[step_id] = ", ".join(_unique(parts))[: step.max_length]
    return noted


# "the real company's site is ...": the one being imitated, not the contact's.
_THE_REAL_ONE = re.compile(
    r"\b(?:real|genuine|actual|official|legitimate|proper)\b[^.,;!?\n]{0,30}$", re.IGNORECASE
)


def _one_per_site(urls: list[str]) -> list[str]:
    """ "<https://www.acme.com|acme.com>" is one site written twice: the first spelling is kept."""
    seen: dict[tuple[str, str], str] = {}
    for url in urls:
        parts = urlsplit(url)
        key = ((parts.hostname or "").lower().removeprefix("www."), parts.path.rstrip("/") + parts.query)
        seen.setdefault(key, url)
    return list(seen.values())


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
