"""An inbox event as a human reads it: a subject line, plain text and HTML.

Pure functions, shared by the email destination and anything else that shows an event
to the security team.

Rules that protect the security team and the reporter:
  - The subject holds the reference, what happened to the report and, for a new report, its
    severity. Nothing that identifies the reporter and no free text from the reporter or
    the contact: subjects show up in notification pop-ups, mail logs and forwarding rules.
  - The body never names the reporter (no name, user id or workspace); the team reaches
    them through Tipline with the reference. Only the platform they used is shown.
  - Every piece of text that came from a reporter, a contact or an analyst is HTML-escaped.
  - Web addresses are "defanged" (hxxps://evil[.]example/path): they stay readable and
    searchable, but neither our markup nor a mail client's auto-linking turns them into
    something that opens a hostile page on a stray click. The exact values are in the
    JSON that the file and webhook destinations carry, and in the CLI.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from bot.inbox_events import EventKind, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.ports import DeadlineKind, MessageKind
from bot.report import (
    ApproachKind,
    AskedFor,
    Channel,
    ContactMethod,
    EvidenceKind,
    Frequency,
    Offered,
    Outcome,
    Report,
    Status,
    YesNoUnsure,
)

NOT_GIVEN = "Not given"

_LABELS: dict[Enum, str] = {
    ApproachKind.RECRUITER: "Recruiter or headhunter",
    ApproachKind.JOB_ADVERT: "Job advert",
    ApproachKind.CONSULTANCY: 'Paid consultancy or "insight" work',
    ApproachKind.TRIP_OR_EVENT: "Invitation to a trip or event",
    ApproachKind.PAYMENT_OFFER: "Offer of payment",
    ApproachKind.INFORMATION_REQUEST: "Request for information",
    ApproachKind.ACADEMIC: "Academic collaboration",
    ApproachKind.POLITICAL: "Political donation or influence",
    ApproachKind.IN_PERSON: "In person",
    ApproachKind.OTHER: "Other",
    Channel.LINKEDIN: "LinkedIn",
    Channel.OTHER_SOCIAL: "Another social network",
    Channel.RECRUITMENT_SITE: "A recruitment site",
    Channel.EMAIL: "Email",
    Channel.PHONE_OR_MESSAGING: "Phone or a messaging app",
    Channel.IN_PERSON: "In person",
    Channel.OTHER: "Other",
    Frequency.ONCE: "Once",
    Frequency.A_FEW_TIMES: "A few times",
    Frequency.REGULARLY: "Regularly",
    YesNoUnsure.YES: "Yes",
    YesNoUnsure.NO: "No",
    YesNoUnsure.UNSURE: "Not sure",
    AskedFor.WORK_DETAILS: "Details of their work",
    AskedFor.WHO_WORKS_ON_WHAT: "Who works on what",
    AskedFor.NON_PUBLIC_DOCUMENTS: "Non-public documents",
    AskedFor.INTERNAL_VIEWS: "Internal views",
    AskedFor.PAID_REPORT: "A paid report",
    AskedFor.MEETING: "A meeting",
    AskedFor.MOVE_OFF_PLATFORM: "Moving the conversation to another app or email",
    AskedFor.SECRECY: "Keeping it secret",
    AskedFor.NOTHING_YET: "Nothing yet",
    AskedFor.OTHER: "Other",
    Offered.MONEY: "Money",
    Offered.CASH: "Cash",
    Offered.CRYPTO: "Cryptocurrency",
    Offered.TRAVEL: "Travel",
    Offered.GIFTS: "Gifts",
    Offered.JOB: "A job",
    Offered.NOTHING: "Nothing",
    Offered.OTHER: "Other",
    EvidenceKind.PROFILE_SCREENSHOTS: "Screenshots of the profile",
    EvidenceKind.MESSAGE_SCREENSHOTS: "Screenshots of the messages",
    EvidenceKind.EMAILS: "Emails",
    EvidenceKind.FILES: "Files",
    EvidenceKind.NONE_YET: "None yet",
    ContactMethod.THIS_CHAT: "Through the Tipline chat",
    ContactMethod.EMAIL: "By email",
    ContactMethod.PHONE: "By phone",
    ContactMethod.IN_PERSON: "In person",
    Status.NEW: "New",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.IN_PROGRESS: "In progress",
    Status.CLOSED: "Closed",
    Outcome.CONFIRMED_HOSTILE: "Confirmed hostile",
    Outcome.LIKELY_HOSTILE: "Likely hostile",
    Outcome.BENIGN: "Benign",
    Outcome.NOT_ENOUGH_INFORMATION: "Not enough information",
    Outcome.DUPLICATE: "Duplicate",
    MessageKind.NOTE: "Internal note (not shown to the reporter)",
    MessageKind.QUESTION: "Question to the reporter",
    MessageKind.ANSWER: "Answer from the reporter",
    MessageKind.REPORTER_UPDATE: "Update from the reporter",
    MessageKind.ACKNOWLEDGEMENT: "Acknowledgement sent to the reporter",
    MessageKind.CLOSING: "Closing message sent to the reporter",
    DeadlineKind.ACKNOWLEDGE: "acknowledgement",
    DeadlineKind.FEEDBACK: "feedback to the reporter",
}

_MESSAGE_SUBJECTS: dict[MessageKind, str] = {
    MessageKind.NOTE: "Note",
    MessageKind.QUESTION: "Question sent",
    MessageKind.ANSWER: "Reply from the reporter",
    MessageKind.REPORTER_UPDATE: "More from the reporter",
    MessageKind.ACKNOWLEDGEMENT: "Acknowledgement sent",
    MessageKind.CLOSING: "Closing message sent",
}

_REFERENCE = re.compile(r"^TIP-[2-9A-HJKMNP-TV-Z]{6}$")
# Anything a mail client might turn into a link: a scheme, or a bare www. host.
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>\"']+", re.IGNORECASE)
_SCHEME = re.compile(r"^(h)tt(ps?)(://)", re.IGNORECASE)
# Control characters (but line breaks and tabs) and the bidirectional overrides that can make
# "moc.live//:sptth" read as something else: stripped from all text we did not write.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def label(value: Enum | None) -> str:
    """Plain English for one of the report's enum values."""
    if value is None:
        return NOT_GIVEN
    known = _LABELS.get(value)
    if known is not None:
        return known
    return str(value.value).replace("_", " ").capitalize()


def defang(text: str) -> str:
    """Make every web address in `text` inert but readable: hxxps://evil[.]example/path."""
    return _URL.sub(_defang_url, text)


def clean(text: str) -> str:
    """Text we did not write, made safe to show: no control or direction-override characters,
    line breaks normalised, web addresses defanged."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return defang(_UNSAFE_CHARS.sub("", text))


def _defang_url(match: re.Match[str]) -> str:
    url = _SCHEME.sub(r"\1xx\2\3", match.group(0))
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    host = host.replace(".", "[.]")
    return f"{scheme}{sep}{host}{slash}{path}"


# --- Subject -------------------------------------------------------------------------------


def subject(event: InboxEvent) -> str:
    """`[TIP-7K3Q9D] New report (High severity)`, `[TIP-7K3Q9D] Closed: benign`, ...

    Built only from the reference and our own words: no reporter identity, no free text.
    """
    report = event.report
    return f"[{report.reference}] {_what(event)}"


def _what(event: InboxEvent) -> str:
    report = event.report
    if event.event == EventKind.SUBMITTED:
        return f"New report ({label(report.severity)} severity)"
    if event.event == EventKind.UPDATED:
        return f"Update (revision {report.revision})"
    if event.event == EventKind.MESSAGE and event.message is not None:
        return _MESSAGE_SUBJECTS.get(event.message.kind, "Message")
    if event.event == EventKind.STATUS and event.status_change is not None:
        return _status_subject(event.status_change)
    if event.event == EventKind.REMINDER and event.reminder is not None:
        return _reminder_subject(event.reminder, event.occurred_at)
    return _FALLBACK_SUBJECTS.get(event.event, "Event")


_FALLBACK_SUBJECTS = {
    EventKind.MESSAGE: "Message",
    EventKind.STATUS: "Status change",
    EventKind.REMINDER: "Reminder",
}


def _status_subject(change: StatusChange) -> str:
    if change.action == "closed":
        outcome = label(change.outcome).lower() if change.outcome else "no outcome given"
        return f"Closed: {outcome}"
    if change.action == "linked":
        linked = change.linked_reference or ""
        # Only a well-formed reference reaches the subject line.
        return f"Linked to {linked}" if _REFERENCE.match(linked) else "Linked to another report"
    return change.action.capitalize()


def _reminder_subject(reminder: Reminder, now: datetime) -> str:
    what = label(reminder.deadline)
    if reminder.stage == "near":
        left = reminder.due_at - now
        if left <= timedelta(0):
            return f"Reminder: {what} due now"
        return f"Reminder: {what} due in {_duration(left)}"
    return f"Missed: {what} was due {_when(reminder.due_at)}"


def _duration(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = round(minutes / 60)
    if hours < 48:
        return _plural(hours, "hour")
    return _plural(round(hours / 24), "day")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC").lstrip("0")


def _day(day: date) -> str:
    return day.strftime("%d %b %Y").lstrip("0")


# --- Body: one structure, two renderings ---------------------------------------------------

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
    parts: list[Section] = []
    if event.message is not None:
        parts.append(_message_section(event.message))
    if event.status_change is not None:
        parts.append(_status_section(event.status_change))
    if event.reminder is not None:
        parts.append(_reminder_section(event.reminder))
    parts.extend(_report_sections(event.report))
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
            Field("Due at", _when(reminder.due_at)),
        ],
    )


def _report_sections(r: Report) -> list[Section]:
    c, t, a, e, p = r.contact, r.timeline, r.actions, r.evidence, r.contact_preference
    return [
        Section(
            "Report",
            [
                Field("Reference", r.reference),
                Field("Revision", str(r.revision)),
                Field("Reported at", _when(r.created_at)),
                Field("Last updated", _when(r.updated_at)),
                Field("Detail given", "Full" if r.detail_level == "full" else "Quick"),
                Field("Reported through", _text(r.reporter.platform)),
                Field("Severity", label(r.severity)),
                Field("Why this severity", _texts(r.severity_reasons)),
                Field("Status", label(r.status)),
                Field("Outcome", label(r.outcome)),
                Field("Assigned to", _text(r.assigned_to)),
                Field("Acknowledged at", _when(r.acknowledged_at) if r.acknowledged_at else NOT_GIVEN),
                Field("Closed at", _when(r.closed_at) if r.closed_at else NOT_GIVEN),
                Field("Closing message to the reporter", _text(r.closing_message)),
                Field(
                    "Linked reports",
                    _texts(f"{link.reference} ({label(link.kind).lower()})" for link in r.links),
                ),
                Field("Sent to", _texts(r.routed_to)),
            ],
        ),
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
                Field("First contact on", _day(t.first_contact_on) if t.first_contact_on else NOT_GIVEN),
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


def _text(value: str | None) -> str:
    return clean(value) if value else NOT_GIVEN


def _texts(values: Iterable[str]) -> Value:
    shown = [clean(v) for v in values if v]
    return shown or "None given"


def _labels(values: Iterable[Enum]) -> Value:
    shown = [label(v) for v in values]
    return shown or "None given"


def _yes_no(value: bool | None) -> str:
    return NOT_GIVEN if value is None else ("Yes" if value else "No")


def _file_line(name: str, mime_type: str | None, url: str | None, stored_path: str | None) -> str:
    details = [d for d in (mime_type, url, f"stored at {stored_path}" if stored_path else None) if d]
    return f"{name} ({', '.join(details)})" if details else name


# --- Plain text ----------------------------------------------------------------------------


def plain_text(event: InboxEvent) -> str:
    lines = [subject(event), ""]
    for section in sections(event):
        lines += [section.title, "-" * len(section.title)]
        for field in section.fields:
            lines += _plain_field(field)
        lines.append("")
    lines.append(_FOOTER)
    return "\n".join(lines) + "\n"


def _plain_field(field: Field) -> list[str]:
    if isinstance(field.value, str):
        first, *rest = field.value.splitlines() or [""]
        return [f"{field.label}: {first}", *(f"    {line}" for line in rest)]
    lines = [f"{field.label}:"]
    for item in field.value:
        first, *rest = item.splitlines() or [""]
        lines += [f"  - {first}", *(f"    {line}" for line in rest)]
    return lines


_FOOTER = (
    "Web addresses are shown as hxxp:// and [.] so that they cannot be opened by accident; "
    "the exact values are kept in the report. To reach the reporter, use Tipline with the reference."
)


# --- HTML ----------------------------------------------------------------------------------


def html(event: InboxEvent) -> str:
    """The same content as plain_text, with every piece of text escaped and no links at all."""
    title = _esc(subject(event))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title></head>",
        '<body style="font-family: sans-serif; font-size: 14px;">',
        f'<h1 style="font-size: 18px;">{title}</h1>',
    ]
    for section in sections(event):
        out.append(f'<h2 style="font-size: 16px;">{_esc(section.title)}</h2>')
        out.append('<table cellpadding="4" style="border-collapse: collapse;">')
        for field in section.fields:
            out.append(
                f'<tr><th align="left" valign="top">{_esc(field.label)}</th>'
                f"<td>{_html_value(field.value)}</td></tr>"
            )
        out.append("</table>")
    out.append(f"<p><small>{_esc(_FOOTER)}</small></p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_value(value: Value) -> str:
    if isinstance(value, str):
        return _esc_multiline(value)
    return "<ul>" + "".join(f"<li>{_esc_multiline(item)}</li>" for item in value) + "</ul>"


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def _esc_multiline(text: str) -> str:
    return "<br>".join(_esc(line) for line in text.splitlines())


__all__ = [
    "NOT_GIVEN",
    "Field",
    "Section",
    "clean",
    "defang",
    "html",
    "label",
    "plain_text",
    "sections",
    "subject",
]
