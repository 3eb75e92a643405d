"""A contact's indicators in the normal forms the report index stores and looks up.

Every value here is a normal form (never the words as typed), and the index stores each only
through the deployment's `IndexKey` (plain by default; keyed and blind once reports are
encrypted), so nothing in this module decides how a value is kept.

Exact kinds say "the same account or address": a profile, an email address, a phone, a company
website, a company's own email domain (free mail says nothing). The blocking kinds exist only to
find candidates for the fuzzy name + organisation comparison cheaply: the full name's words in
order ("name"), the organisation's compact form ("organisation"), and one name word paired with
that organisation ("name+organisation"), so a typo in one word of a name still meets the
other. "word" keys are the words of a name or organisation, for `reports find` by part of one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, NamedTuple, Protocol

from bot.normalise.contact import DEFAULT_PHONE_REGION, email_domain, is_free_mail, normalise_email, phone_key
from bot.normalise.names import name_key, name_words
from bot.normalise.organisations import organisation_key, organisation_words
from bot.normalise.urls import is_profile_like, normalise_profile_url, website_host

IndexKind = Literal[
    "profile", "email", "phone", "website", "domain", "name", "organisation", "name+organisation", "word"
]
EXACT_KINDS: frozenset[IndexKind] = frozenset({"profile", "email", "phone", "website", "domain"})

# kind, normal form -> what the index stores. Must be deterministic.
IndexKey = Callable[[str, str], str]

_MIN_WORD = 2  # a one-letter word (an initial) finds nothing worth finding


def plain_index_key(kind: str, normalised: str) -> str:
    """The default: the normal form itself, with its kind."""
    return f"{kind}:{normalised}"


class Normalised(NamedTuple):
    kind: IndexKind
    value: str


class ContactLike(Protocol):
    """What indexing needs of a contact (bot.report.Contact has it all)."""

    @property
    def name_used(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def profile_urls(self) -> list[str]: ...
    @property
    def emails(self) -> list[str]: ...
    @property
    def phones(self) -> list[str]: ...
    @property
    def websites(self) -> list[str]: ...


def contact_indicators(contact: ContactLike, region: str = DEFAULT_PHONE_REGION) -> list[Normalised]:
    """Every normal form the index holds for this contact, each once, in a fixed order."""
    found: list[Normalised] = []
    found += [Normalised("profile", normalise_profile_url(u)) for u in contact.profile_urls]
    emails = [normalise_email(e) for e in contact.emails]
    found += [Normalised("email", e) for e in emails if e]
    found += [Normalised("domain", d) for d in map(email_domain, emails) if d and not is_free_mail(d)]
    found += [
        Normalised("phone", key) for key in (phone_key(p, region) for p in contact.phones) if _digits(key)
    ]
    found += [Normalised("website", h) for h in company_hosts(contact.websites)]
    found += name_and_organisation_keys(contact.name_used, contact.organisation)
    return list(dict.fromkeys(found))


def name_and_organisation_keys(name: str | None, organisation: str | None) -> list[Normalised]:
    words = name_words(name) if name else ()
    organisation_form = organisation_key(organisation)
    found: list[Normalised] = []
    if len(words) >= 2:
        found.append(Normalised("name", name_key(name or "")))
    if organisation_form:
        found.append(Normalised("organisation", organisation_form))
        found += [
            Normalised("name+organisation", f"{w}|{organisation_form}") for w in words if len(w) >= _MIN_WORD
        ]
    found += [Normalised("word", w) for w in index_words(_words(words, organisation))]
    return found


def company_hosts(websites: Iterable[str]) -> list[str]:
    """Websites' hosts, leaving out social and recruitment sites (everyone has a page there)."""
    hosts = [website_host(w) for w in websites if not is_profile_like(w)]
    return list(dict.fromkeys(h for h in hosts if h and not is_free_mail(h)))


def index_words(words: Iterable[str]) -> list[str]:
    """The words of a name or organisation that the index holds (not initials), each once."""
    return list(dict.fromkeys(w for w in words if len(w) >= _MIN_WORD))


def _words(name_words_: Iterable[str], organisation: str | None) -> list[str]:
    organisation_words_ = organisation_words(organisation) if organisation else ()
    return list(dict.fromkeys([*name_words_, *organisation_words_]))


def _digits(key: str) -> bool:
    return sum(ch.isdigit() for ch in key) >= 7
