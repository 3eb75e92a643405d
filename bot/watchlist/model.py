"""A watchlist entry: the indicators a published alert names, where it came from, who keeps it.

Every value is kept as given (for the analyst to read) and indexed in its normal form
(bot.normalise), so a report matches however its reporter typed the same thing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import NamedTuple

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.normalise import (
    DEFAULT_PHONE_REGION,
    clean_text,
    email_domain,
    is_email,
    is_free_mail,
    name_key,
    normalise_domain,
    normalise_email,
    normalise_profile_url,
    organisation_key,
    phone_key,
    website_host,
)
from bot.watchlist.findings import IndicatorKind

MAX_VALUE = 500
MAX_VALUES = 50
MAX_SOURCE = 300
MAX_NOTES = 4000

INDICATOR_FIELDS = ("names", "organisations", "profile_urls", "emails", "email_domains", "phones", "websites")


class IndexedIndicator(NamedTuple):
    kind: IndicatorKind
    key: str  # the normal form, what is indexed and compared
    shown: str  # as the entry has it


def _values(values: list[str]) -> list[str]:
    kept: dict[str, None] = {}
    for value in values:
        text = clean_text(str(value), keep_newlines=False)
        if len(text) > MAX_VALUE:
            raise ValueError(f"a value is longer than {MAX_VALUE} characters")
        if text:
            kept[text] = None
    return list(kept)


class EntryContent(BaseModel):
    """What an alert says, as imported or typed: everything but the bookkeeping."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    names: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    organisations: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    profile_urls: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    emails: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    email_domains: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    phones: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    websites: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    source: str = Field(min_length=1, max_length=MAX_SOURCE)
    source_date: date | None = None
    notes: str | None = Field(default=None, max_length=MAX_NOTES)

    @field_validator(*INDICATOR_FIELDS, mode="before")
    @classmethod
    def _a_list(cls, value: object) -> object:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator(*INDICATOR_FIELDS)
    @classmethod
    def _clean(cls, values: list[str]) -> list[str]:
        return _values(values)

    @field_validator("emails")
    @classmethod
    def _real_emails(cls, values: list[str]) -> list[str]:
        for value in values:
            if not is_email(value):
                raise ValueError(f"{value!r} is not an email address")
        return values

    @field_validator("email_domains")
    @classmethod
    def _company_domains(cls, values: list[str]) -> list[str]:
        for value in values:
            domain = normalise_domain(value)
            if "." not in domain or "@" in domain or " " in domain:
                raise ValueError(f"{value!r} is not a domain (give it as example.com)")
            if is_free_mail(domain):
                raise ValueError(
                    f"{value!r} is a free-mail domain: anyone can have an address there, so it "
                    "says nothing on its own; list the full email address instead"
                )
        return values

    @field_validator("source", "notes")
    @classmethod
    def _clean_text(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return clean_text(value, keep_newlines=True) or None

    @model_validator(mode="after")
    def _something_to_match(self) -> EntryContent:
        if not self.source:
            raise ValueError("source: say where this comes from (the alert's title)")
        if not any(getattr(self, f) for f in INDICATOR_FIELDS):
            raise ValueError(
                "an entry needs at least one indicator: a name, organisation, profile URL, "
                "email, email domain, phone or website"
            )
        return self

    def indicators(self, region: str = DEFAULT_PHONE_REGION) -> list[IndexedIndicator]:
        """Every value in its normal form; values with no usable form (a vague organisation) left out."""
        found: list[IndexedIndicator] = []
        for name in self.names:
            if key := name_key(name):
                found.append(IndexedIndicator(IndicatorKind.NAME, key, name))
        for organisation in self.organisations:
            if key := organisation_key(organisation):  # type: ignore[assignment]
                found.append(IndexedIndicator(IndicatorKind.ORGANISATION, key, organisation))
        for url in self.profile_urls:
            found.append(IndexedIndicator(IndicatorKind.PROFILE, normalise_profile_url(url), url))
        for email in self.emails:
            found.append(IndexedIndicator(IndicatorKind.EMAIL, normalise_email(email), email))
            domain = email_domain(email)
            if not is_free_mail(domain):
                found.append(IndexedIndicator(IndicatorKind.EMAIL_DOMAIN, domain, domain))
        for domain in self.email_domains:
            found.append(IndexedIndicator(IndicatorKind.EMAIL_DOMAIN, normalise_domain(domain), domain))
        for phone in self.phones:
            found.append(IndexedIndicator(IndicatorKind.PHONE, phone_key(phone, region), phone))
        for site in self.websites:
            if host := website_host(site):
                found.append(IndexedIndicator(IndicatorKind.WEBSITE, host, site))
        return list({(i.kind, i.key): i for i in found}.values())

    def fingerprint(self) -> str:
        """The same alert imported twice has the same fingerprint, however it was spelled."""
        keys = sorted(f"{i.kind.value}={i.key}" for i in self.indicators())
        body = json.dumps({"indicators": keys, "source": " ".join(self.source.casefold().split())})
        return hashlib.sha256(body.encode()).hexdigest()

    @property
    def label(self) -> str:
        who = self.names[0] if self.names else (self.profile_urls or self.emails or ["(no name)"])[0]
        return f"{who} ({self.organisations[0]})" if self.organisations else who


class WatchlistEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    content: EntryContent
    added_by: str
    added_at: AwareDatetime
    active: bool = True
    retired_by: str | None = None
    retired_at: AwareDatetime | None = None

    def retired(self, by: str, at: datetime) -> WatchlistEntry:
        return self.model_copy(update={"active": False, "retired_by": by, "retired_at": at})
