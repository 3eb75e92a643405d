"""What may leave the organisation about one hostile persona: the subject of an export.

Every export format is written from a `Subject`, never from a `Report`, so what a format can
say is decided here once. A subject holds the persona (the name it used, its profiles,
addresses, numbers, sites, the organisation it claimed), what kind of approach it made and
when: nothing about the reporter. The reporter's own account of what happened (and of what
they said, shared or accepted) is only carried when the analyst asks for it, as `narrative`,
and even then their name, id, role, contact details and evidence files are not.

A subject is one report today (`from_report`); a campaign, a group of reports about one
persona, becomes one subject through `from_reports` with its own key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TypeVar
from urllib.parse import quote, urlsplit

from bot.analyst_text import clean_text
from bot.normalise import DEFAULT_PHONE_REGION, is_free_mail, phone_key, website_host
from bot.report import ApproachKind, AskedFor, Channel, Offered, Outcome, Report, Severity, Status

_T = TypeVar("_T")
# RFC 3986 reserved and unreserved characters, and % so an address already encoded stays so.
_URI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"

# Sites whose profile addresses we can name the account type of; anything else is its host.
_ACCOUNT_TYPES = {
    "linkedin.com": "linkedin",
    "facebook.com": "facebook",
    "x.com": "twitter",
    "twitter.com": "twitter",
    "instagram.com": "instagram",
    "xing.com": "xing",
    "t.me": "telegram",
    "wa.me": "whatsapp",
}


@dataclass(frozen=True)
class Profile:
    """An account the persona used on a social or recruitment site."""

    url: str  # normalised, e.g. https://www.linkedin.com/in/anna-smith-123
    account_type: str  # "linkedin", "facebook"..., else the site's host
    user_id: str  # the account's name on the site: the path's last part, else the whole address


@dataclass(frozen=True)
class Narrative:
    """What one reporter told us, in their words: only exported with --include-narrative."""

    reference: str
    what_happened: str
    described_as: str | None
    first_contact_as_told: str | None
    asked_for_detail: str | None
    offered_detail: str | None
    replied: str | None
    shared_information: str | None
    shared_detail: str | None
    accepted_something: str | None
    accepted_detail: str | None
    met_in_person: str | None
    severity_reasons: tuple[str, ...]


@dataclass(frozen=True)
class Subject:
    key: str  # stable across exports: "report:TIP-7K3Q9D" (a campaign would be "campaign:<id>")
    title: str
    references: tuple[str, ...]
    names: tuple[str, ...]  # the names the persona used, the most used first
    organisations: tuple[str, ...]  # what it claimed to work for
    profiles: tuple[Profile, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164 where the number can be read
    websites: tuple[str, ...]
    domains: tuple[str, ...]  # its own: bare websites' hosts and company email domains, no free mail
    approach_kinds: tuple[ApproachKind, ...]
    channels: tuple[Channel, ...]
    asked_for: tuple[AskedFor, ...]
    offered: tuple[Offered, ...]
    severity: Severity
    statuses: tuple[Status, ...]
    outcomes: tuple[Outcome, ...]
    first_seen: datetime  # the first contact, as far as the reports tell
    last_seen: datetime  # the latest report
    created: datetime  # the first report arriving
    modified: datetime  # the latest change to any of them
    narrative: tuple[Narrative, ...] = ()

    @property
    def count(self) -> int:
        """How many approaches were reported: one per report."""
        return len(self.references)

    @property
    def name(self) -> str:
        if self.names:
            return self.names[0]
        if self.organisations:
            return f"Unnamed contact from {self.organisations[0]}"
        return f"Unnamed contact ({self.title})"


def from_report(
    report: Report, *, include_narrative: bool = False, phone_region: str = DEFAULT_PHONE_REGION
) -> Subject:
    return from_reports(
        f"report:{report.reference}",
        f"Tipline report {report.reference}",
        [report],
        include_narrative=include_narrative,
        phone_region=phone_region,
    )


def from_reports(
    key: str,
    title: str,
    reports: Sequence[Report],
    *,
    include_narrative: bool = False,
    phone_region: str = DEFAULT_PHONE_REGION,
) -> Subject:
    """One persona from one or more reports about it, oldest report first."""
    if not reports:
        raise ValueError("a subject needs at least one report")
    reports = sorted(reports, key=lambda r: (r.created_at, r.reference))
    contacts = [r.contact for r in reports]
    emails = _unique(e for c in contacts for e in c.emails)
    websites = _unique(_as_uri(w) for c in contacts for w in c.websites)
    return Subject(
        key=key,
        title=_shown(title),
        references=tuple(r.reference for r in reports),
        names=_most_used(_shown(c.name_used) for c in contacts),
        organisations=_most_used(_shown(c.organisation) for c in contacts),
        profiles=tuple(
            _profile(url) for url in _unique(_as_uri(u) for c in contacts for u in c.profile_urls)
        ),
        emails=emails,
        phones=_unique(phone_key(p, phone_region) for c in contacts for p in c.phones),
        websites=websites,
        domains=_unique(
            [website_host(w) for w in websites if _is_bare_host(w)]
            + [d for d in (e.rpartition("@")[2] for e in emails) if not is_free_mail(d)]
        ),
        approach_kinds=_unique(k for r in reports for k in r.approach_kinds),
        channels=_unique(r.channel for r in reports if r.channel is not None),
        asked_for=_unique(a for r in reports for a in r.asked_for),
        offered=_unique(o for r in reports for o in r.offered),
        severity=max((r.severity for r in reports), key=lambda s: s.rank),
        statuses=_unique(r.status for r in reports),
        outcomes=_unique(r.outcome for r in reports if r.outcome is not None),
        first_seen=min(_first_contact(r) for r in reports),
        last_seen=max(r.created_at for r in reports),
        created=reports[0].created_at,
        modified=max(r.updated_at for r in reports),
        narrative=tuple(_narrative(r) for r in reports) if include_narrative else (),
    )


def _profile(url: str) -> Profile:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    account_type = next(
        (kind for site, kind in _ACCOUNT_TYPES.items() if host == site or host.endswith("." + site)), host
    )
    last = parts.path.rstrip("/").rpartition("/")[2]
    return Profile(url=url, account_type=account_type, user_id=last or url)


def _first_contact(report: Report) -> datetime:
    """When the contact began, if the reporter gave a date no later than the report; else the report."""
    told = report.timeline.first_contact_on
    if told is None:
        return report.created_at
    return min(datetime.combine(told, time(0, 0), tzinfo=UTC), report.created_at)


WITHHELD = "[withheld]"


def _narrative(report: Report) -> Narrative:
    actions = report.actions
    # Reporters write about themselves too ("I'm Tom Baker, reach me on ..."): who they are stays
    # out of their narrative as it stays out of everything else.
    identity = _identity_of(report)

    def said(value: object) -> str | None:
        return None if value is None else str(getattr(value, "value", value))

    def told(text: str | None, *, keep_newlines: bool = False) -> str:
        return _without(_shown(text, keep_newlines=keep_newlines), identity)

    return Narrative(
        reference=report.reference,
        what_happened=told(report.what_happened, keep_newlines=True),
        described_as=told(report.contact.described_as) or None,
        first_contact_as_told=told(report.timeline.first_contact_as_told) or None,
        asked_for_detail=told(report.asked_for_detail, keep_newlines=True) or None,
        offered_detail=told(report.offered_detail, keep_newlines=True) or None,
        replied=said(actions.replied),
        shared_information=said(actions.shared_information),
        shared_detail=told(actions.shared_detail, keep_newlines=True) or None,
        accepted_something=said(actions.accepted_something),
        accepted_detail=told(actions.accepted_detail, keep_newlines=True) or None,
        met_in_person=said(actions.met_in_person),
        severity_reasons=tuple(report.severity_reasons),
    )


def _identity_of(report: Report) -> list[str]:
    """What names the reporter, longest first (so a full name goes before a part of it)."""
    reporter = report.reporter
    values = [
        reporter.display_name,
        reporter.user_id,
        reporter.workspace,
        report.reporter_role,
        report.contact_preference.detail,
        report.evidence.kept_where,
        *(part for f in report.evidence.files for part in (f.name, f.stored_path, f.url, f.sent_by)),
    ]
    cleaned = {_shown(v) for v in values if v}
    return sorted((v for v in cleaned if len(v) >= 3), key=len, reverse=True)


def _without(text: str, identity: list[str]) -> str:
    for value in identity:
        text = re.sub(re.escape(value), WITHHELD, text, flags=re.IGNORECASE)
    return text


def _as_uri(url: str) -> str:
    """The address as a valid URI (what STIX's url object requires): characters a URI may not
    hold, a backslash or a space typed by the reporter, percent-encoded; the rest kept as is."""
    return quote(url, safe=_URI_SAFE)


def _is_bare_host(url: str) -> bool:
    # A site with a path may be a page on someone else's host: only a bare host is the persona's domain.
    parts = urlsplit(url)
    return parts.path.strip("/") == "" and not parts.query


def _shown(text: str | None, *, keep_newlines: bool = False) -> str:
    if not text:
        return ""
    cleaned = clean_text(text, keep_newlines=keep_newlines)
    return cleaned if keep_newlines else " ".join(cleaned.split())


def _most_used(values: Iterable[str]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for value in values:
        if not value:
            continue
        key = value.casefold()
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, value)
    order = sorted(counts, key=lambda k: -counts[k])  # stable: ties keep the order first seen
    return tuple(first[k] for k in order)


def _unique(values: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
