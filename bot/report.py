"""The report a member of staff sends to the security team.

The model is schema-versioned: anything that stores or ships a report (the database,
the inbox file, a webhook) carries `schema_version` so a reader can tell which shape it has.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, field_validator

from bot.normalise import normalise_profile_url, normalise_website
from bot.watchlist.findings import WatchlistFinding

SCHEMA_VERSION: Final = 1

# Crockford-style alphabet without the look-alikes (0/O, 1/I/L, U) so a reference
# read out over the phone is unambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6
REFERENCE_PREFIX = "TIP-"
# The one pattern of a well-formed reference; everything that checks one uses it.
REFERENCE_PATTERN: Final = r"^TIP-[2-9A-HJKMNP-TV-Z]{6}$"
_REFERENCE = re.compile(REFERENCE_PATTERN.removeprefix("^").removesuffix("$"))


def is_reference(text: str) -> bool:
    """True for a reference exactly as we write them (TIP-7K3Q9D): nothing loose, nothing around it."""
    return _REFERENCE.fullmatch(text) is not None  # fullmatch: "$" would let a trailing newline in


def new_reference() -> str:
    """A short, random (so non-sequential, non-guessable) reference such as TIP-7K3Q9D."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return REFERENCE_PREFIX + body


def normalise_reference(text: str) -> str:
    """Accept what people actually type: lower case, spaces, a missing prefix."""
    cleaned = "".join(text.split()).upper()
    if not cleaned.startswith(REFERENCE_PREFIX):
        cleaned = REFERENCE_PREFIX + cleaned.removeprefix("TIP")
    return cleaned


def utcnow() -> datetime:
    return datetime.now(UTC)


class ApproachKind(StrEnum):
    RECRUITER = "recruiter"
    JOB_ADVERT = "job_advert"
    CONSULTANCY = "consultancy"
    TRIP_OR_EVENT = "trip_or_event"
    PAYMENT_OFFER = "payment_offer"
    INFORMATION_REQUEST = "information_request"
    ACADEMIC = "academic"
    POLITICAL = "political"
    IN_PERSON = "in_person"
    OTHER = "other"


class Channel(StrEnum):
    LINKEDIN = "linkedin"
    OTHER_SOCIAL = "other_social"
    RECRUITMENT_SITE = "recruitment_site"
    EMAIL = "email"
    PHONE_OR_MESSAGING = "phone_or_messaging"
    IN_PERSON = "in_person"
    OTHER = "other"


class Frequency(StrEnum):
    ONCE = "once"
    A_FEW_TIMES = "a_few_times"
    REGULARLY = "regularly"


class YesNoUnsure(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class AskedFor(StrEnum):
    WORK_DETAILS = "work_details"
    WHO_WORKS_ON_WHAT = "who_works_on_what"
    NON_PUBLIC_DOCUMENTS = "non_public_documents"
    INTERNAL_VIEWS = "internal_views"
    PAID_REPORT = "paid_report"
    MEETING = "meeting"
    MOVE_OFF_PLATFORM = "move_off_platform"
    SECRECY = "secrecy"
    NOTHING_YET = "nothing_yet"
    OTHER = "other"


class Offered(StrEnum):
    MONEY = "money"
    CASH = "cash"
    CRYPTO = "crypto"
    TRAVEL = "travel"
    GIFTS = "gifts"
    JOB = "job"
    NOTHING = "nothing"
    OTHER = "other"


PAYMENT_OFFERS = frozenset({Offered.MONEY, Offered.CASH, Offered.CRYPTO})


class EvidenceKind(StrEnum):
    PROFILE_SCREENSHOTS = "profile_screenshots"
    MESSAGE_SCREENSHOTS = "message_screenshots"
    EMAILS = "emails"
    FILES = "files"
    NONE_YET = "none_yet"


class ContactMethod(StrEnum):
    THIS_CHAT = "this_chat"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Outcome(StrEnum):
    CONFIRMED_HOSTILE = "confirmed_hostile"
    LIKELY_HOSTILE = "likely_hostile"
    BENIGN = "benign"
    NOT_ENOUGH_INFORMATION = "not_enough_information"
    DUPLICATE = "duplicate"


class DetailLevel(StrEnum):
    QUICK = "quick"
    FULL = "full"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Reporter(_Part):
    platform: str
    user_id: str
    display_name: str | None = None
    workspace: str | None = None


class Contact(_Part):
    """Who approached the reporter: these are the indicators that link reports together."""

    described_as: str | None = None
    name_used: str | None = None
    profile_urls: list[str] = Field(default_factory=list)
    organisation: str | None = None
    emails: list[EmailStr] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    websites: list[str] = Field(default_factory=list)

    @field_validator("profile_urls")
    @classmethod
    def _one_form_per_profile(cls, urls: list[str]) -> list[str]:
        return _unique(normalise_profile_url(u) for u in urls)

    @field_validator("websites")
    @classmethod
    def _one_form_per_site(cls, urls: list[str]) -> list[str]:
        return _unique(normalise_website(u) for u in urls)

    @field_validator("emails")
    @classmethod
    def _lower_emails(cls, emails: list[str]) -> list[str]:
        return _unique(e.strip().lower() for e in emails)

    @field_validator("phones")
    @classmethod
    def _each_phone_once(cls, phones: list[str]) -> list[str]:
        return _unique(p.strip() for p in phones)


class Timeline(_Part):
    first_contact_on: date | None = None
    first_contact_as_told: str | None = None
    frequency: Frequency | None = None
    still_going_on: YesNoUnsure | None = None


class ReporterActions(_Part):
    replied: YesNoUnsure | None = None
    shared_information: YesNoUnsure | None = None
    shared_detail: str | None = None
    accepted_something: YesNoUnsure | None = None
    accepted_detail: str | None = None
    met_in_person: YesNoUnsure | None = None


class EvidenceFile(_Part):
    id: str
    name: str
    mime_type: str | None = None
    url: str | None = None
    stored_path: str | None = None
    # For a forwarded message rather than a file: its words, since the security team may not
    # be able to open the place it was sent.
    text: str | None = Field(default=None, max_length=40000)
    sent_by: str | None = None


class Evidence(_Part):
    kinds: list[EvidenceKind] = Field(default_factory=list)
    kept_where: str | None = None
    files: list[EvidenceFile] = Field(default_factory=list)


class ContactPreference(_Part):
    may_contact: bool | None = None
    method: ContactMethod | None = None
    detail: str | None = None


class LinkKind(StrEnum):
    DUPLICATE = "duplicate"  # the same approach, reported twice
    RELATED = "related"  # the same person, company or campaign


class ReportLink(_Part):
    reference: str
    kind: LinkKind


class Report(_Part):
    schema_version: Literal[1] = SCHEMA_VERSION
    reference: str = Field(pattern=REFERENCE_PATTERN)
    revision: int = 1
    created_at: AwareDatetime
    updated_at: AwareDatetime
    reporter: Reporter
    detail_level: DetailLevel = DetailLevel.QUICK

    what_happened: str
    approach_kinds: list[ApproachKind] = Field(default_factory=list)
    channel: Channel | None = None
    contact: Contact = Field(default_factory=Contact)
    timeline: Timeline = Field(default_factory=Timeline)
    asked_for: list[AskedFor] = Field(default_factory=list)
    asked_for_detail: str | None = None
    offered: list[Offered] = Field(default_factory=list)
    offered_detail: str | None = None
    actions: ReporterActions = Field(default_factory=ReporterActions)
    evidence: Evidence = Field(default_factory=Evidence)
    reporter_role: str | None = None
    contact_preference: ContactPreference = Field(default_factory=ContactPreference)

    severity: Severity = Severity.LOW
    severity_reasons: list[str] = Field(default_factory=list)

    status: Status = Status.NEW
    outcome: Outcome | None = None
    assigned_to: str | None = None
    acknowledged_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    closing_message: str | None = None  # what the reporter is told when the report is closed
    links: list[ReportLink] = Field(default_factory=list)
    routed_to: list[str] = Field(default_factory=list)  # the destinations chosen when it was submitted
    # Published alerts this report's contact matches (bot.watchlist), strongest first.
    watchlist: list[WatchlistFinding] = Field(default_factory=list)

    def with_link(self, other: str, kind: LinkKind, now: datetime) -> Report:
        """This report linked to `other` (replacing any earlier link to it)."""
        links = [link for link in self.links if link.reference != other]
        links.append(ReportLink(reference=other, kind=kind))
        return self.model_copy(update={"links": links, "updated_at": now})

    @field_validator("created_at", "updated_at", "acknowledged_at", "closed_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None


def _unique(values: object) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:  # type: ignore[attr-defined]
        if v and v not in seen:
            seen[v] = None
    return list(seen)
