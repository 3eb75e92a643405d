"""The security inbox's card for a report, and the line its thread gets for each later event:
neutral, so Slack, Teams and email only lay them out (errbot's Card, rendered per backend).

Everything here is decided once: what the header and the status lines say, which fields are
shown (only those given), which triage actions apply. Text is in two kinds, so each renderer
can escape for its own markup: plain `str` parts are our own words; `Theirs` parts came from a
reporter, a contact or an analyst and are already cleaned (bot.text_safety) but not escaped;
`ActorRef` names the analyst who acted, which each platform shows its own way (a Slack mention,
a name Teams told us).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.inbox.labels import NONE_GIVEN, NOT_GIVEN, label
from bot.inbox.sections import Field, Section, report_sections
from bot.inbox.subject import headline, subject, when
from bot.inbox_events import CampaignRef, EventKind, InboxEvent, Reminder, StatusChange
from bot.report import Report, Reporter, Severity, Status
from bot.text_safety import clean
from bot.triage.actions import TriageAction, actions_for

FOOTER: Final = (
    "Web addresses are shown as hxxp:// and [.] so that they cannot be opened by accident; "
    "the exact values are kept in the report."
)
NO_REASON: Final = "No particular reason was recorded."
_NOTHING = frozenset({NOT_GIVEN, NONE_GIVEN})


@dataclass(frozen=True)
class Theirs:
    """Text we did not write, cleaned; the renderer escapes it."""

    text: str


@dataclass(frozen=True)
class ActorRef:
    """The analyst who acted, by actor id ("slack:U123", "teams:<id>", "cli:alice")."""

    actor_id: str


Part = str | Theirs | ActorRef
Line = tuple[Part, ...]


@dataclass(frozen=True)
class LinkedReport:
    reference: str  # cleaned
    kind: str  # "related", "duplicate", as a reader says it


@dataclass(frozen=True)
class CampaignLine:
    """The campaign the report is in: "Campaign 4: Amanda Qiu / BR-YR Executive Search"."""

    id: int
    title: str  # cleaned (a persona's name, from reports): the renderer escapes it
    status: str  # "Open", "Confirmed", "Dismissed"

    @property
    def label(self) -> str:
        return f"Campaign {self.id}"


@dataclass(frozen=True)
class InboxCard:
    reference: str
    severity: Severity
    title: str  # "TIP-7K3Q9D · High severity"
    severity_line: str  # "Severity: High"
    reasons: tuple[str, ...]  # why this severity, cleaned; empty: say NO_REASON
    status_line: str  # "Status: Closed"
    outcome: str | None  # "Benign", once closed with an outcome
    status_lines: tuple[Line, ...]  # assigned, acknowledged, closed
    links: tuple[LinkedReport, ...]
    closing_message: str | None  # what the reporter was told, cleaned
    reporter: Reporter  # who reported: the chat cards name them, the email never does
    about: tuple[str, ...]  # when, how much detail, which revision
    sections: tuple[Section, ...]  # the report's own sections, only the fields given (maybe none)
    actions: tuple[TriageAction, ...]
    notification: str  # what a pop-up shows: the subject, no reporter text
    footer: str = FOOTER
    campaign: CampaignLine | None = None  # the campaign the report is in


def inbox_card(event: InboxEvent) -> InboxCard:
    """The card for the event's report: the report only, whatever the event was."""
    r = event.report
    return InboxCard(
        reference=r.reference,
        severity=r.severity,
        title=f"{r.reference} · {label(r.severity)} severity",
        severity_line=f"Severity: {label(r.severity)}",
        reasons=tuple(clean(reason) for reason in r.severity_reasons if reason.strip()),
        status_line=f"Status: {label(r.status)}",
        outcome=label(r.outcome) if r.status is Status.CLOSED and r.outcome else None,
        status_lines=_status_lines(r),
        links=tuple(LinkedReport(clean(link.reference), label(link.kind).lower()) for link in r.links),
        closing_message=clean(r.closing_message) if r.closing_message else None,
        reporter=r.reporter,
        about=_about(r),
        sections=tuple(
            Section(s.title, [f for f in s.fields if not _is_empty(f)]) for s in report_sections(r)
        ),
        actions=actions_for(r.status),
        notification=subject(event),
        campaign=_campaign(event.campaign),
    )


def _campaign(ref: CampaignRef | None) -> CampaignLine | None:
    if ref is None:
        return None
    return CampaignLine(ref.id, clean(ref.title), ref.status.capitalize())


def _status_lines(r: Report) -> tuple[Line, ...]:
    lines: list[Line] = []
    if r.assigned_to:
        lines.append(("Assigned to ", Theirs(clean(r.assigned_to))))
    elif r.status is not Status.CLOSED:
        lines.append(("Not assigned yet",))
    if r.acknowledged_at:
        lines.append((f"Acknowledged {when(r.acknowledged_at)}",))
    if r.closed_at:
        lines.append((f"Closed {when(r.closed_at)}",))
    return tuple(lines)


def _about(r: Report) -> tuple[str, ...]:
    detail = "Full report" if r.detail_level == "full" else "Quick report: the essentials only"
    revision = (f"revision {r.revision}, updated {when(r.updated_at)}",) if r.revision > 1 else ()
    return (when(r.created_at), detail, *revision)


def _is_empty(field: Field) -> bool:
    return isinstance(field.value, str) and field.value in _NOTHING


# --- The thread ----------------------------------------------------------------------------


class LineKind(StrEnum):
    """What a thread line is about; each platform picks its mark (an emoji) by it."""

    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    CLOSED = "closed"
    LINKED = "linked"
    REOPENED = "reopened"
    REMINDER = "reminder"
    MISSED = "missed"
    UPDATED = "updated"
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class MessageLine:
    """A question, answer, note or update on the report's thread."""

    title: str  # "Question to the reporter"
    sender: str  # cleaned: "Security team", "Reporter" or the analyst's name
    body: str  # cleaned


@dataclass(frozen=True)
class ThreadLine:
    """One line in the thread: what changed and who did it."""

    kind: LineKind
    parts: Line


def thread_line(event: InboxEvent) -> MessageLine | ThreadLine | None:
    """What goes in the card's thread for this event; None for a new report (that is the card)."""
    if event.event is EventKind.MESSAGE and event.message is not None:
        message = event.message
        return MessageLine(label(message.kind), clean(message.from_label), clean(message.body))
    if event.event is EventKind.STATUS and event.status_change is not None:
        return _status_line(event.status_change)
    if event.event is EventKind.REMINDER and event.reminder is not None:
        return _reminder_line(event, event.reminder)
    if event.event is EventKind.CAMPAIGN:
        if event.campaign is None:
            return ThreadLine(LineKind.CAMPAIGN, ("This report is no longer in a campaign.",))
        parts: Line = (
            f"Now part of campaign {event.campaign.id}: ",
            Theirs(clean(event.campaign.title)),
            " (other reports about the same persona; see the campaign's card).",
        )
        return ThreadLine(LineKind.CAMPAIGN, parts)
    if event.event is EventKind.UPDATED:
        text = f"The reporter added detail (revision {event.report.revision}); the card above shows it."
        return ThreadLine(LineKind.UPDATED, (text,))
    return None


def _status_line(change: StatusChange) -> ThreadLine:
    by = ActorRef(change.by)
    if change.action == "closed":
        outcome = label(change.outcome) if change.outcome else "no outcome given"
        said = f": {outcome}. The reporter has been sent the closing message."
        return ThreadLine(LineKind.CLOSED, ("Closed by ", by, said))
    if change.action == "assigned":
        who = Theirs(clean(change.assigned_to) if change.assigned_to else "someone")
        return ThreadLine(LineKind.ASSIGNED, ("Assigned to ", who, " by ", by, "."))
    if change.action == "linked":
        other = Theirs(clean(change.linked_reference or "another report"))
        kind = f" ({change.link_kind})" if change.link_kind else ""
        return ThreadLine(LineKind.LINKED, ("Linked to ", other, *((kind,) if kind else ()), " by ", by, "."))
    if change.action == "acknowledged":
        told = ". The reporter has been told the team has it."
        return ThreadLine(LineKind.ACKNOWLEDGED, ("Acknowledged by ", by, told))
    return ThreadLine(LineKind.REOPENED, ("Reopened by ", by, "."))


def _reminder_line(event: InboxEvent, reminder: Reminder) -> ThreadLine:
    kind = LineKind.REMINDER if reminder.stage == "near" else LineKind.MISSED
    return ThreadLine(kind, (headline(event),))
