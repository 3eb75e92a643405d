"""Which reports point at the same person or company: the indicators they share.

A security team wants to see when many staff are approached by the same person, so every
report is compared with the others on what identifies the contact: a profile address, an
email address or its company domain, a phone number, a website, the claimed organisation.
Pure: no storage, no clock; the triage service loads the reports and calls in here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from bot.analyst_text import clean_text
from bot.normalise import (
    DEFAULT_PHONE_REGION,
    is_free_mail,
    normalise_profile_url,
    organisation_key,
    phone_key,
    website_host,
)
from bot.report import Report, Status

IndicatorKind = Literal["profile", "email", "phone", "website", "email domain", "organisation", "name"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.I)
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_MIN_PHONE_DIGITS = 7


class Indicator(NamedTuple):
    kind: IndicatorKind
    value: str


@dataclass(frozen=True)
class Match:
    reference: str
    created_at: datetime
    status: Status
    indicators: tuple[Indicator, ...]


# ---- comparing two reports -----------------------------------------------------------------
def shared_indicators(report: Report, other: Report) -> list[Indicator]:
    """What `other` has in common with `report`, as `report` spells it, strongest first."""
    mine, theirs = report.contact, other.contact
    shared: list[Indicator] = []

    their_profiles = set(theirs.profile_urls)
    shared += [Indicator("profile", url) for url in mine.profile_urls if url in their_profiles]

    their_emails = set(theirs.emails)
    shared_emails = [email for email in mine.emails if email in their_emails]
    shared += [Indicator("email", email) for email in shared_emails]

    their_phones = {phone_key(p) for p in theirs.phones}
    shared += [Indicator("phone", p) for p in _unique(mine.phones, phone_key) if phone_key(p) in their_phones]

    their_sites = {website_host(w) for w in theirs.websites} - {""}
    shared += [Indicator("website", host) for host in _hosts(mine.websites) if host in their_sites]

    # A shared address already says the domain is shared; only other people at it are news.
    covered = {_domain(email) for email in shared_emails}
    their_domains = {_domain(e) for e in theirs.emails}
    shared += [
        Indicator("email domain", domain)
        for domain in _company_domains(mine.emails)
        if domain in their_domains and domain not in covered
    ]

    organisation = organisation_key(mine.organisation)
    if organisation and organisation == organisation_key(theirs.organisation):
        shared.append(Indicator("organisation", _shown(mine.organisation)))
    return shared


def matches(report: Report, others: Iterable[Report]) -> list[Match]:
    """Every other report sharing at least one indicator with `report`, newest first."""
    found = [
        _match(other, indicators)
        for other in others
        if other.reference != report.reference
        for indicators in [shared_indicators(report, other)]
        if indicators
    ]
    return _newest_first(found)


# ---- looking for one indicator ----------------------------------------------------------------
def find(query: str, reports: Iterable[Report], phone_region: str = DEFAULT_PHONE_REGION) -> list[Match]:
    """Every report that mentions what an analyst typed: a profile address, email, phone,
    website or (part of) an organisation or name. Typed forms are normalised as the model
    normalises what reporters give, so any spelling finds the stored one. Newest first."""
    text = clean_text(query, keep_newlines=False)
    if not text:
        return []
    email = text.lower() if _EMAIL.match(text) else None
    phone = _typed_phone(text, phone_region)
    url = text if email is None and phone is None and _URL_LIKE.match(text) else None
    profile = normalise_profile_url(url) if url else None
    host = website_host(url) if url else None
    bare_host = host if url and _is_bare_host(url) else None
    words = _fold(text)

    found: list[Match] = []
    for report in reports:
        contact = report.contact
        hits: list[Indicator] = []
        if profile:
            hits += [Indicator("profile", p) for p in contact.profile_urls if p == profile]
        if email:
            hits += [Indicator("email", e) for e in contact.emails if e == email]
        if phone:
            hits += [
                Indicator("phone", p) for p in _unique(contact.phones, phone_key) if phone_key(p) == phone
            ]
        if host:
            hits += [Indicator("website", h) for h in _hosts(contact.websites) if h == host]
        if bare_host:
            domains = {_domain(e) for e in contact.emails}
            hits += [Indicator("email domain", bare_host)] if bare_host in domains else []
        if contact.organisation and words in _fold(contact.organisation):
            hits.append(Indicator("organisation", _shown(contact.organisation)))
        if contact.name_used and words in _fold(contact.name_used):
            hits.append(Indicator("name", _shown(contact.name_used)))
        if hits:
            found.append(_match(report, hits))
    return _newest_first(found)


# ---- helpers ---------------------------------------------------------------------------------
def _match(report: Report, indicators: Sequence[Indicator]) -> Match:
    return Match(report.reference, report.created_at, report.status, tuple(indicators))


def _newest_first(found: list[Match]) -> list[Match]:
    return sorted(found, key=lambda m: (m.created_at, m.reference), reverse=True)


def _typed_phone(text: str, region: str) -> str | None:
    if not _PHONE_LIKE.match(text) or sum(ch.isdigit() for ch in text) < _MIN_PHONE_DIGITS:
        return None
    return phone_key(text, region)


def _is_bare_host(url: str) -> bool:
    parts = urlsplit(url if "://" in url else "https://" + url)
    return parts.path.strip("/") == "" and not parts.query


def _domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def _company_domains(emails: Iterable[str]) -> list[str]:
    return [d for d in _unique(_domain(e) for e in emails) if d and not is_free_mail(d)]


def _hosts(websites: Iterable[str]) -> list[str]:
    return [h for h in _unique(website_host(w) for w in websites) if h]


def _fold(text: str) -> str:
    return " ".join(clean_text(text, keep_newlines=False).casefold().split())


def _shown(text: str | None) -> str:
    return " ".join(clean_text(text or "", keep_newlines=False).split())


def _unique(values: Iterable[str], key: Callable[[str], str] = str) -> list[str]:
    """Each value once, by `key`, in the order first seen."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        if key(value) not in seen:
            seen.add(key(value))
            kept.append(value)
    return kept
