"""Looking reports up by indicator, through the report index: the reports about the same persona
as one report (`related`), and every report that mentions what an analyst typed (`find`).

Typed forms are normalised as reporters' answers are, so any spelling finds the stored one;
the index answers which reports, and only those reports' documents are read, to show the
values as each report spells them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from bot.campaigns.linking import find_links
from bot.normalise import (
    DEFAULT_PHONE_REGION,
    Normalised,
    clean_text,
    email_domain,
    index_words,
    is_profile_like,
    name_words,
    normalise_email,
    normalise_profile_url,
    organisation_key,
    organisation_words,
    phone_key,
    website_host,
)
from bot.ports import UnitOfWork
from bot.report import Report, Status

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.I)
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_MIN_PHONE_DIGITS = 7
FOUND_AT_MOST = 500  # a word every tenth report mentions is not a search


class Indicator(NamedTuple):
    kind: str  # "profile", "email", "phone", "website", "email domain", "organisation", "name"...
    value: str


@dataclass(frozen=True)
class Match:
    reference: str
    created_at: datetime
    status: Status
    indicators: tuple[Indicator, ...]


async def related(uow: UnitOfWork, report: Report, region: str = DEFAULT_PHONE_REGION) -> list[Match]:
    """The reports linked to this one (bot.campaigns.resolution) and why, newest first."""
    found = await find_links(uow, report, region)
    documents = {r.reference: r for r in await uow.reports.get_many([link.reference for link in found])}
    matches = [
        _match(documents[link.reference], [Indicator(e.kind, e.shown) for e in link.evidence])
        for link in found
        if link.reference in documents
    ]
    return _newest_first(matches)


@dataclass(frozen=True)
class Query:
    exact: tuple[Normalised, ...]  # any of these
    # All the words of one of these, in a name or an organisation: the text read as a name
    # ("Dr Jane Smith": jane, smith) and as an organisation ("Acme Talent Ltd": acme, talent).
    words: tuple[frozenset[str], ...]


def parse_query(text: str, region: str = DEFAULT_PHONE_REGION) -> Query:
    text = clean_text(text, keep_newlines=False)
    if _EMAIL.match(text):
        return Query((Normalised("email", normalise_email(text)),), ())
    if _PHONE_LIKE.match(text) and sum(ch.isdigit() for ch in text) >= _MIN_PHONE_DIGITS:
        return Query((Normalised("phone", phone_key(text, region)),), ())
    if _URL_LIKE.match(text):
        exact = [Normalised("profile", normalise_profile_url(text))]
        if not is_profile_like(text):
            host = website_host(text)
            exact.append(Normalised("website", host))
            if _is_bare_host(text):
                exact.append(Normalised("domain", host))
        return Query(tuple(exact), ())
    organisation = organisation_key(text)
    as_firm = (Normalised("organisation", organisation),) if organisation else ()
    readings = {frozenset(index_words(name_words(text))), frozenset(index_words(organisation_words(text)))}
    return Query(as_firm, tuple(r for r in readings if r))


async def find(uow: UnitOfWork, text: str, region: str = DEFAULT_PHONE_REGION) -> list[Match]:
    """Every report that mentions this profile address, email, phone, website, email domain,
    organisation or (the words of) a name, newest first."""
    query = parse_query(text, region)
    hits = dict(await uow.reports.indexed(query.exact, limit=FOUND_AT_MOST)) if query.exact else {}
    for words in query.words:
        probes = [Normalised("word", w) for w in sorted(words)]
        for reference in await uow.reports.with_every(probes, FOUND_AT_MOST):
            hits.setdefault(reference, set()).add("word")
    reports = await uow.reports.get_many(list(hits)[:FOUND_AT_MOST])
    matches = [_match(r, _mentions(r, query, region)) for r in reports]
    return _newest_first([m for m in matches if m.indicators])


def _mentions(report: Report, query: Query, region: str) -> list[Indicator]:
    contact = report.contact
    wanted = {(n.kind, n.value) for n in query.exact}
    shown: list[Indicator] = []
    shown += [
        Indicator("profile", u)
        for u in contact.profile_urls
        if ("profile", normalise_profile_url(u)) in wanted
    ]
    shown += [Indicator("email", e) for e in contact.emails if ("email", normalise_email(e)) in wanted]
    shown += _once("phone", [p for p in contact.phones if ("phone", phone_key(p, region)) in wanted], region)
    hosts = {website_host(w) for w in contact.websites}
    shown += [Indicator("website", h) for h in sorted(hosts) if ("website", h) in wanted]
    domains = {email_domain(e) for e in contact.emails}
    shown += [Indicator("email domain", d) for d in sorted(domains) if ("domain", d) in wanted]
    organisation = organisation_key(contact.organisation)
    in_organisation = _any_within(query.words, organisation_words(contact.organisation or ""))
    if contact.organisation and (("organisation", organisation) in wanted or in_organisation):
        shown.append(Indicator("organisation", _shown(contact.organisation)))
    if contact.name_used and _any_within(query.words, name_words(contact.name_used)):
        shown.append(Indicator("name", _shown(contact.name_used)))
    return shown


def _any_within(readings: Iterable[frozenset[str]], words: Iterable[str]) -> bool:
    have = set(words)
    return any(reading <= have for reading in readings)


def _once(kind: str, phones: Iterable[str], region: str) -> list[Indicator]:
    seen: set[str] = set()
    kept = []
    for phone in phones:
        if phone_key(phone, region) not in seen:
            seen.add(phone_key(phone, region))
            kept.append(Indicator(kind, phone))
    return kept


def _is_bare_host(url: str) -> bool:
    parts = urlsplit(url if "://" in url else "https://" + url)
    return parts.path.strip("/") == "" and not parts.query


def _match(report: Report, indicators: Sequence[Indicator]) -> Match:
    return Match(report.reference, report.created_at, report.status, tuple(indicators))


def _newest_first(found: list[Match]) -> list[Match]:
    return sorted(found, key=lambda m: (m.created_at, m.reference), reverse=True)


def _shown(text: str) -> str:
    return " ".join(clean_text(text, keep_newlines=False).split())
