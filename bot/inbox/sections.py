"""An inbox event's content as sections of labelled fields: the one structure the email shows
whole and the chat cards lay out in their own way.

Policy lives here, not in a renderer: the body never names the reporter (no name, user id or
workspace; the team reaches them through Tipline with the reference, only the platform they used
is shown), and every piece of text we did not write is cleaned (bot.text_safety: no control or
direction-override characters, web addresses defanged). Each renderer escapes for its markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from bot.inbox.labels import NONE_GIVEN, NOT_GIVEN, label
from bot.inbox.subject import day, when
from bot.inbox_events import CampaignRef, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.report import Report
from bot.text_safety import clean
from bot.watchlist.findings import WatchlistFinding, headline, matched_on

Value = str | Sequence[str]


@dataclass(frozen=True)
class Field:
    label: str
    value: Value  # a list is shown as several lines; free text may hold line breaks


@dataclass(frozen=True)
class Section:
    title: str
    fields: Sequence[Field]


def sections(event: InboxEvent) -> list[Section]:
    """The content of an event, in the order a reader wants it: what happened now, then the report."""
    meta = report_meta_section(event.report)
    if event.campaign is not None:  # only when there is one: the email's other fields stay as they were
        meta = Section(meta.title, [*meta.fields, Field("Campaign", campaign_text(event.campaign))])
    return [*event_sections(event), meta, *report_sections(event.report)]


def campaign_text(campaign: CampaignRef) -> str:
    """ "Campaign 4: Amanda Qiu / BR-YR Executive Search (confirmed)", the title cleaned."""
    status = "" if campaign.status == "open" else f" ({campaign.status})"
    return f"Campaign {campaign.id}: {clean(campaign.title)}{status}"


def event_sections(event: InboxEvent) -> list[Section]:
    """What happened now: the message, the status change or the reminder (none for a new report)."""
    parts: list[Section] = []
    if event.message is not None:
        parts.append(_message_section(event.message))
    if event.status_change is not None:
        parts.append(_status_section(event.status_change))
    if event.reminder is not None:
        parts.append(_reminder_section(event.reminder))
    return parts


def _message_section(message: ThreadMessage) -> Section:
    return Section(
        "Message",
        [
            Field("Kind", label(message.kind)),
            Field("From", _text(message.from_label)),
            Field("In reply to", f"message {message.in_reply_to}" if message.in_reply_to else NOT_GIVEN),
            Field("Text", _text(message.body)),
        ],
    )


def _status_section(change: StatusChange) -> Section:
    fields = [
        Field("Change", change.action.capitalize()),
        Field("By", _text(change.by)),
        Field("Status before", label(change.from_status)),
        Field("Status now", label(change.to_status)),
    ]
    if change.outcome is not None:
        fields.append(Field("Outcome", label(change.outcome)))
    if change.assigned_to is not None:
        fields.append(Field("Assigned to", _text(change.assigned_to)))
    if change.linked_reference is not None:
        kind = f" ({change.link_kind})" if change.link_kind else ""
        fields.append(Field("Linked to", _text(change.linked_reference) + kind))
    return Section("Status change", fields)


def _reminder_section(reminder: Reminder) -> Section:
    return Section(
        "Reminder",
        [
            Field("Deadline", label(reminder.deadline).capitalize()),
            Field("Stage", "Due soon" if reminder.stage == "near" else "Missed"),
            Field("Due at", when(reminder.due_at)),
        ],
    )


def report_meta_section(r: Report) -> Section:
    """The report's bookkeeping: reference, dates, severity, status. A chat card shows it as its
    header and status lines instead."""
    return Section(
        "Report",
        [
            Field("Reference", r.reference),
            Field("Revision", str(r.revision)),
            Field("Reported at", when(r.created_at)),
            Field("Last updated", when(r.updated_at)),
            Field("Detail given", "Full" if r.detail_level == "full" else "Quick"),
            Field("Reported through", _text(r.reporter.platform)),
            Field("Severity", label(r.severity)),
            Field("Why this severity", _texts(r.severity_reasons)),
            Field("Status", label(r.status)),
            Field("Outcome", label(r.outcome)),
            Field("Assigned to", _text(r.assigned_to)),
            Field("Acknowledged at", when(r.acknowledged_at) if r.acknowledged_at else NOT_GIVEN),
            Field("Closed at", when(r.closed_at) if r.closed_at else NOT_GIVEN),
            Field("Closing message to the reporter", _text(r.closing_message)),
            Field(
                "Linked reports",
                _texts(f"{link.reference} ({label(link.kind).lower()})" for link in r.links),
            ),
            Field("Sent to", _texts(r.routed_to)),
        ],
    )


def report_sections(r: Report) -> list[Section]:
    """What the reporter told us, section by section."""
    c, t, a, e, p = r.contact, r.timeline, r.actions, r.evidence, r.contact_preference
    return [
        *_alert_sections(r.watchlist),
        Section(
            "The approach",
            [
                Field("What happened", _text(r.what_happened)),
                Field("Kind of approach", _labels(r.approach_kinds)),
                Field("Where it happened", label(r.channel)),
            ],
        ),
        Section(
            "Who made contact",
            [
                Field("Described as", _text(c.described_as)),
                Field("Name used", _text(c.name_used)),
                Field("Profile addresses", _texts(c.profile_urls)),
                Field("Organisation", _text(c.organisation)),
                Field("Email addresses", _texts(c.emails)),
                Field("Phone numbers", _texts(c.phones)),
                Field("Websites", _texts(c.websites)),
            ],
        ),
        Section(
            "When",
            [
                Field("First contact on", day(t.first_contact_on) if t.first_contact_on else NOT_GIVEN),
                Field("First contact, as told", _text(t.first_contact_as_told)),
                Field("How often", label(t.frequency)),
                Field("Still going on", label(t.still_going_on)),
            ],
        ),
        Section(
            "Asked for and offered",
            [
                Field("Asked for", _labels(r.asked_for)),
                Field("More about what was asked", _text(r.asked_for_detail)),
                Field("Offered", _labels(r.offered)),
                Field("More about what was offered", _text(r.offered_detail)),
            ],
        ),
        Section(
            "What the reporter did",
            [
                Field("Replied", label(a.replied)),
                Field("Shared information", label(a.shared_information)),
                Field("What was shared", _text(a.shared_detail)),
                Field("Accepted something", label(a.accepted_something)),
                Field("What was accepted", _text(a.accepted_detail)),
                Field("Met in person", label(a.met_in_person)),
            ],
        ),
        Section(
            "Evidence",
            [
                Field("Kinds", _labels(e.kinds)),
                Field("Kept where", _text(e.kept_where)),
                Field(
                    "Files", _texts(_file_line(f.name, f.mime_type, f.url, f.stored_path) for f in e.files)
                ),
                Field(
                    "Forwarded messages",
                    _texts(f"{f.sent_by or 'unknown sender'}: {f.text}" for f in e.files if f.text),
                ),
            ],
        ),
        Section(
            "About the reporter",
            [
                Field("Role or access, as they chose to say", _text(r.reporter_role)),
                Field("May the security team contact them", _yes_no(p.may_contact)),
                Field("How", label(p.method)),
                Field("Contact detail", _text(p.detail)),
            ],
        ),
    ]


def _alert_sections(findings: Sequence[WatchlistFinding]) -> list[Section]:
    """Published alerts the contact matches, first: the entry, its source, and what matched how
    strongly. A possible match is labelled as one, for the analyst to judge."""
    if not findings:
        return []
    return [
        Section(
            "Published security alerts",
            [
                Field(
                    "Match" if f.is_match else "Possible match",
                    _texts([headline(f), *(f"Matched on {line}" for line in matched_on(f))]),
                )
                for f in findings
            ],
        )
    ]


def _text(value: str | None) -> str:
    return clean(value) if value else NOT_GIVEN


def _texts(values: Iterable[str]) -> Value:
    shown = [clean(v) for v in values if v]
    return shown or NONE_GIVEN


def _labels(values: Iterable[Enum]) -> Value:
    shown = [label(v) for v in values]
    return shown or NONE_GIVEN


def _yes_no(value: bool | None) -> str:
    return NOT_GIVEN if value is None else ("Yes" if value else "No")


def _file_line(name: str, mime_type: str | None, url: str | None, stored_path: str | None) -> str:
    details = [d for d in (mime_type, url, f"stored at {stored_path}" if stored_path else None) if d]
    return f"{name} ({', '.join(details)})" if details else name
