"""One report, every field, in plain English, grouped the way an analyst reads it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import TextIO

from adapters.cli.terminal import safe, when, words
from bot.campaigns.lookup import Indicator, Match
from bot.campaigns.model import Campaign
from bot.report import EvidenceFile, Report, ReportLink
from bot.watchlist.findings import WatchlistFinding, headline, matched_on

# (section, [(label, dotted path into the Report)]). tests/cli checks these paths cover
# every field of the model, so a field added to Report cannot silently go unshown.
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "The approach",
        [
            ("What happened", "what_happened"),
            ("Kind of approach", "approach_kinds"),
            ("Where it happened", "channel"),
        ],
    ),
    (
        "Who approached them",
        [
            ("Described as", "contact.described_as"),
            ("Name used", "contact.name_used"),
            ("Profile URLs", "contact.profile_urls"),
            ("Organisation", "contact.organisation"),
            ("Email addresses", "contact.emails"),
            ("Phone numbers", "contact.phones"),
            ("Websites", "contact.websites"),
        ],
    ),
    (
        "When",
        [
            ("First contact on", "timeline.first_contact_on"),
            ("First contact, as told", "timeline.first_contact_as_told"),
            ("How often", "timeline.frequency"),
            ("Still going on", "timeline.still_going_on"),
        ],
    ),
    (
        "Asked for and offered",
        [
            ("Asked for", "asked_for"),
            ("Asked for, in detail", "asked_for_detail"),
            ("Offered", "offered"),
            ("Offered, in detail", "offered_detail"),
        ],
    ),
    (
        "What the reporter did",
        [
            ("Replied", "actions.replied"),
            ("Shared information", "actions.shared_information"),
            ("What they shared", "actions.shared_detail"),
            ("Accepted something", "actions.accepted_something"),
            ("What they accepted", "actions.accepted_detail"),
            ("Met in person", "actions.met_in_person"),
        ],
    ),
    (
        "Evidence",
        [
            ("Kinds of evidence", "evidence.kinds"),
            ("Kept where", "evidence.kept_where"),
            ("Files", "evidence.files"),
        ],
    ),
    (
        "About the reporter",
        [
            ("Display name", "reporter.display_name"),
            ("Platform", "reporter.platform"),
            ("User ID", "reporter.user_id"),
            ("Workspace", "reporter.workspace"),
            ("Role or access", "reporter_role"),
        ],
    ),
    (
        "Contact preference",
        [
            ("May we contact them", "contact_preference.may_contact"),
            ("How", "contact_preference.method"),
            ("Details", "contact_preference.detail"),
        ],
    ),
    (
        "Severity",
        [
            ("Severity", "severity"),
            ("Why", "severity_reasons"),
            ("Watchlist", "watchlist"),
        ],
    ),
    (
        "Handling",
        [
            ("Status", "status"),
            ("Outcome", "outcome"),
            ("Assigned to", "assigned_to"),
            ("Acknowledged", "acknowledged_at"),
            ("Closed", "closed_at"),
            ("Message for the reporter", "closing_message"),
            ("Linked reports", "links"),
            ("Sent to", "routed_to"),
        ],
    ),
    (
        "Record",
        [
            ("Reference", "reference"),
            ("Received", "created_at"),
            ("Last changed", "updated_at"),
            ("Revision", "revision"),
            ("Level of detail", "detail_level"),
            ("Schema version", "schema_version"),
        ],
    ),
]

# Lists whose items are indicators an analyst copies one at a time: one per line.
_ONE_PER_LINE = {
    "contact.profile_urls",
    "contact.emails",
    "contact.phones",
    "contact.websites",
    "severity_reasons",
    "evidence.files",
    "links",
    "watchlist",
}
_LABEL_WIDTH = max(len(label) for _, rows in SECTIONS for label, _ in rows) + 2
_INDENT = "  "


def print_report(report: Report, out: TextIO) -> None:
    # The reference and enums are validated by the model, so need no cleaning.
    print(f"{report.reference}  ({words(report.severity)} severity, {words(report.status)})", file=out)
    for section, rows in SECTIONS:
        print(file=out)
        print(section, file=out)
        for label, path in rows:
            lines = _format(path, _value(report, path)) or ["-"]
            prefix = f"{_INDENT}{(label + ':').ljust(_LABEL_WIDTH)}"
            print(prefix + lines[0], file=out)
            for line in lines[1:]:
                print(" " * len(prefix) + line, file=out)


RELATED_SECTION = "Other reports with the same indicators"


def print_related(report: Report, related: Sequence[Match], out: TextIO) -> None:
    """The other reports that share a profile, email, phone, website, company or email domain
    with this one: the same person approaching several staff shows up here."""
    print(file=out)
    print(RELATED_SECTION, file=out)
    if not related:
        print(f"{_INDENT}None so far.", file=out)
        return
    linked = {link.reference: link.kind for link in report.links}
    for match in related:
        facts = [f"received {when(match.created_at)}", words(match.status)]
        if match.reference in linked:
            facts.append(f"already linked as {words(linked[match.reference])}")
        print(f"{_INDENT}{match.reference}  ({', '.join(facts)})", file=out)
        for indicator in match.indicators:
            print(f"{_INDENT * 3}{_indicator(indicator)}", file=out)


CAMPAIGN_SECTION = "Campaign"


def print_campaign(campaign: Campaign | None, out: TextIO) -> None:
    """Which campaign the report is in (bot.campaigns), to read the rest with `campaigns show`."""
    print(file=out)
    print(CAMPAIGN_SECTION, file=out)
    if campaign is None:
        print(f"{_INDENT}In none yet.", file=out)
        return
    count = len(campaign.references)
    facts = f"{words(campaign.status.value)}, {count} report{'' if count == 1 else 's'}"
    print(f"{_INDENT}Campaign {campaign.id} ({facts}): see `campaigns show {campaign.id}`", file=out)


def shared(indicators: Sequence[Indicator]) -> str:
    """Indicators on one line, each as "kind: value", values made safe."""
    return "; ".join(_indicator(i) for i in indicators)


def _indicator(indicator: Indicator) -> str:
    return f"{indicator.kind}: {safe(indicator.value)}"


def _value(report: Report, path: str) -> object:
    value: object = report
    for name in path.split("."):
        value = getattr(value, name)
    return value


def _format(path: str, value: object) -> list[str]:
    """The value as lines of safe text; an empty list when there is nothing to show."""
    if value is None:
        return []
    if isinstance(value, list):
        items = [_item(v) for v in value]
        if path in _ONE_PER_LINE:
            return [line for item in items for line in item.splitlines()]
        return [", ".join(items)] if items else []
    return _item(value).splitlines()


def _item(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, StrEnum):
        return words(value.value)
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, EvidenceFile):
        return _file(value)
    if isinstance(value, ReportLink):
        return f"{value.reference} ({words(value.kind.value)})"
    if isinstance(value, WatchlistFinding):
        lines = [headline(value), *(f"{_INDENT}{line}" for line in matched_on(value))]
        return "\n".join(safe(line) for line in lines)
    return safe(str(value), multiline=True)


def _file(file: EvidenceFile) -> str:
    facts: Sequence[str | None] = [
        file.mime_type,
        f"id {file.id}",
        f"at {file.url}" if file.url else None,
        f"stored as {file.stored_path}" if file.stored_path else None,
    ]
    shown = safe(file.name) + " (" + safe(", ".join(f for f in facts if f)) + ")"
    if file.text:
        sender = f" from {safe(file.sent_by)}" if file.sent_by else ""
        shown += f"\n  the message{sender}: " + safe(file.text, multiline=True)
    return shown
