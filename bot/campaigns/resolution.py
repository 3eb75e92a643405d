"""Are two reports about the same persona? The evidence, indicator by indicator. Pure.

A profile, an email address or a phone number is one account: shared, the reports are linked,
whatever names were used. A company's website or email domain, or a name together with an
organisation, says "the same firm" or "perhaps the same person": these link only when the
names given do not say two different people (two recruiters of one large firm share its
domain, website and name; they are not one campaign). A name alone, a first name, a free-mail
domain or a generic organisation ("recruitment agency", "LinkedIn") never links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.campaigns.model import STRENGTH, Evidence, Link
from bot.normalise import (
    DEFAULT_PHONE_REGION,
    clean_text,
    company_hosts,
    email_domain,
    is_free_mail,
    name_similarity,
    name_words,
    normalise_email,
    normalise_profile_url,
    organisation_key,
    organisation_similarity,
    phone_key,
)
from bot.normalise.thresholds import NAME_SIMILARITY, ORGANISATION_SIMILARITY
from bot.report import Contact, Report

_MIN_NAME_WORDS = 2  # "Amanda" alone is half the staff's contacts


@dataclass(frozen=True)
class Persona:
    """One report's contact in normal forms, each mapped to the spelling the report used."""

    reference: str
    profiles: dict[str, str]
    emails: dict[str, str]
    phones: dict[str, str]
    hosts: dict[str, str]
    domains: dict[str, str]
    name: tuple[str, ...]
    name_shown: str
    organisation: str | None
    organisation_shown: str


def persona(report: Report, region: str = DEFAULT_PHONE_REGION) -> Persona:
    contact: Contact = report.contact
    emails = {normalise_email(e): e for e in contact.emails}
    domains = {d: d for d in (email_domain(e) for e in emails) if d and not is_free_mail(d)}
    hosts = set(company_hosts(contact.websites))
    return Persona(
        reference=report.reference,
        profiles={normalise_profile_url(u): u for u in contact.profile_urls},
        emails=emails,
        phones={phone_key(p, region): p for p in contact.phones},
        hosts={host: host for host in hosts},
        domains=domains,
        name=name_words(contact.name_used) if contact.name_used else (),
        name_shown=_shown(contact.name_used),
        organisation=organisation_key(contact.organisation),
        organisation_shown=_shown(contact.organisation),
    )


def compare(a: Persona, b: Persona) -> Link | None:
    """The link from `a` to `b` with its evidence (values as `a` spells them), or None."""
    strong = [
        *_shared("profile", a.profiles, b.profiles),
        *_shared("email", a.emails, b.emails),
        *_shared("phone", a.phones, b.phones),
    ]
    weak: list[Evidence] = []
    if not names_differ(a, b):
        weak += _shared("website", a.hosts, b.hosts)
        # A shared address already says the domain is shared.
        covered = {email_domain(e) for e in set(a.emails) & set(b.emails)}
        weak += [e for e in _shared("email domain", a.domains, b.domains) if e.shown not in covered]
        together = name_and_organisation(a, b)
        if together is not None:
            weak.append(together)
    evidence = tuple(strong + weak)
    return Link(b.reference, evidence) if evidence else None


def name_and_organisation(a: Persona, b: Persona) -> Evidence | None:
    """Both a full name and an organisation close enough: the same person at the same firm."""
    if len(a.name) < _MIN_NAME_WORDS or len(b.name) < _MIN_NAME_WORDS:
        return None
    if a.organisation is None or b.organisation is None:
        return None
    names = name_similarity(a.name, b.name)
    firms = organisation_similarity(a.organisation, b.organisation)
    if names < NAME_SIMILARITY or firms < ORGANISATION_SIMILARITY:
        return None
    score = min(names, firms) / 100
    return Evidence(
        "name + organisation",
        STRENGTH["name + organisation"] * score,
        f"{a.name_shown} / {a.organisation_shown}",
    )


def names_differ(a: Persona, b: Persona) -> bool:
    """Both reports give a name and they are not the same person's: one name's words are not
    all in the other ("Amanda" and "Amanda Qiu" agree), nor close enough to be a slip."""
    if not a.name or not b.name:
        return False
    if set(a.name) <= set(b.name) or set(b.name) <= set(a.name):
        return False
    return name_similarity(a.name, b.name) < NAME_SIMILARITY


def links(new: Persona, candidates: Iterable[Persona]) -> list[Link]:
    """Every candidate linked to `new`, strongest first."""
    found = [link for c in candidates if c.reference != new.reference for link in [compare(new, c)] if link]
    return sorted(found, key=lambda link: (-link.strength, link.reference))


def _shown(text: str | None) -> str:
    return " ".join(clean_text(text or "", keep_newlines=False).split())


def _shared(kind: str, mine: dict[str, str], theirs: dict[str, str]) -> list[Evidence]:
    return [Evidence(kind, STRENGTH[kind], shown) for key, shown in mine.items() if key and key in theirs]
