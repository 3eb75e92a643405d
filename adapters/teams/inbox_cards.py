"""Inbox events as Adaptive Cards for the security inbox channel in Teams: the report's card and
the replies under it.

Pure functions: an InboxEvent in, message activities (plain dicts, Adaptive Card 1.5) out. The
content is adapters.inbox.rendering's `sections`, the same the email and the Slack card show;
this module mirrors adapters/slack/inbox/cards.py so the team reads a report the same way in
either chat.

Rules that protect the security team (the channel is where they click):
  - Every text we did not write (reporter, contact, analyst) is cleaned, its web addresses
    defanged (hxxps://evil[.]example) and Markdown-escaped (adapters.teams.text), so a typed
    "[Boss](https://evil.example)" or "<at>Admin</at>" shows as those characters and never
    links or mentions. Our own words are escaped too: no TextBlock carries markup we did not
    mean, and none of ours needs any.
  - The reporter is named as the Slack card names someone it cannot mention: their name (or
    user id) and the platform, as escaped text. A Teams mention would need an entity we do
    not have, and a typed name must never become one.
  - Teams refuses a message over about 28 KB, so the card is cut to fit: long text with the
    shortened note, long lists to their first items, and, if even that is too much, the
    report's fields left to the report itself. The full text is always in the report.
  - The notification text (a phone's pop-up) is the email's subject: the reference and our
    own words, never reporter text or identity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from adapters.inbox.rendering import NOT_GIVEN, Field, Section, clean, label, sections, subject
from adapters.teams.inbox_actions import TriageSubmit, triage_actions, triage_submit
from adapters.teams.text import SHORTENED, escape, fit, plain
from bot.inbox_events import EventKind, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.report import Report, Severity, Status

__all__ = [
    "MAX_CARD_BYTES",
    "SHORTENED",
    "TriageSubmit",
    "actor_text",
    "card_activity",
    "card_bytes",
    "notification_text",
    "refusal_activity",
    "reporter_line",
    "result_activity",
    "thread_activity",
    "triage_submit",
]

MAX_CARD_BYTES: Final = 28_000  # the whole activity as JSON; Teams refuses messages over ~28 KB
CARD_CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION: Final = "1.5"

FACT_LIMIT: Final = 200  # a value at most this long (escaped, one line) is a fact; longer is a TextBlock
SUMMARY_LIMIT: Final = 250
NAME_LIMIT: Final = 200  # names we show in a line: the reporter's, an analyst's
LINE_LIMIT: Final = 2000  # a thread line or a short reply

FOOTER: Final = (
    "Web addresses are shown as hxxp:// and [.] so that they cannot be opened by accident; "
    "the exact values are kept in the report."
)
TOO_LARGE: Final = (
    "This report is too large to show here. Read it in full with its reference: "
    "the Tipline CLI, the file and webhook destinations have every field."
)

_NOTHING = frozenset({NOT_GIVEN, "None given"})
_REPORT_META = "Report"  # rendering's first section: shown here as the header and status lines
_SEVERITY = {
    Severity.CRITICAL: ("🔴", "attention"),
    Severity.HIGH: ("🟠", "attention"),
    Severity.MEDIUM: ("🟡", "warning"),
    Severity.LOW: ("⚪", "default"),
}


@dataclass(frozen=True)
class Budget:
    """How much of each text the card shows: cut harder until the activity fits."""

    text: int  # a long field, a closing message
    item: int  # one item of a list
    items: int  # items of one list


BUDGETS: Final = (
    Budget(text=3000, item=500, items=30),
    Budget(text=1200, item=300, items=15),
    Budget(text=500, item=150, items=8),
    Budget(text=200, item=80, items=4),
)


# --- Text --------------------------------------------------------------------------------------


def safe(text: str, limit: int) -> str:
    """Text we did not write, for a TextBlock or fact: cleaned, defanged, escaped, cut to `limit`."""
    return fit(clean(text), limit)


def notification_text(event: InboxEvent) -> str:
    """What notifications show: the reference and what happened, no reporter text at all."""
    return plain(subject(event), SUMMARY_LIMIT)


def reporter_line(report: Report) -> str:
    """Who reported, as escaped text: their name (else user id) and the platform they used."""
    reporter = report.reporter
    who = reporter.display_name or reporter.user_id
    return f"{safe(who, NAME_LIMIT)} {escape(f'(on {clean(reporter.platform)})')}"


def actor_text(actor_id: str, names: Mapping[str, str] | None = None) -> str:
    """An analyst's actor id ("teams:<object id>", "cli:alice") as the team reads it, escaped:
    their name when `names` knows it."""
    platform, _, user_id = actor_id.partition(":")
    if not user_id:
        return safe(actor_id, NAME_LIMIT)
    who = (names or {}).get(actor_id) or user_id
    return f"{safe(who, NAME_LIMIT)} {escape(f'({clean(platform)})')}"


def card_bytes(activity: dict[str, Any]) -> int:
    """The activity's size as JSON on the wire (non-ASCII as \\u escapes: never less than UTF-8)."""
    return len(json.dumps(activity).encode("utf-8"))


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC").lstrip("0")


def _block(text: str, **style: Any) -> dict[str, Any]:
    """A TextBlock; `text` is already escaped."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _activity(summary: str, body: list[dict[str, Any]], **card: Any) -> dict[str, Any]:
    """A message activity carrying one Adaptive Card; `summary` is what a notification shows."""
    content = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "msteams": {"width": "Full"},
        "body": body,
        **card,
    }
    return {
        "type": "message",
        "summary": summary,
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}],
    }


# --- The card ----------------------------------------------------------------------------------


def card_activity(event: InboxEvent) -> dict[str, Any]:
    """The report's card: header, severity and why, status, who reported, every field given, and
    the triage actions for its status; cut until it fits in MAX_CARD_BYTES."""
    report = event.report
    for budget in BUDGETS:
        activity = _activity(
            notification_text(event), card_body(event, budget), actions=triage_actions(report)
        )
        if card_bytes(activity) < MAX_CARD_BYTES:
            return activity
    return _activity(notification_text(event), _too_large_body(report), actions=triage_actions(report))


def card_body(event: InboxEvent, budget: Budget) -> list[dict[str, Any]]:
    report = event.report
    body = [*_head(report, budget), _block(_about_text(report), isSubtle=True, size="Small")]
    report_only = event.model_copy(update={"message": None, "status_change": None, "reminder": None})
    for section in sections(report_only):
        if section.title != _REPORT_META:
            body.extend(_section_elements(section, budget))
    body.append(_block(escape(FOOTER), isSubtle=True, size="Small", separator=True))
    return body


def _head(report: Report, budget: Budget) -> list[dict[str, Any]]:
    mark, style = _SEVERITY[report.severity]
    header = escape(f"{mark} {report.reference} · {label(report.severity)} severity")
    return [
        {
            "type": "Container",
            "style": style,
            "bleed": True,
            "items": [_block(header, size="Large", weight="Bolder")],
        },
        _block(escape(f"Severity: {label(report.severity)}"), weight="Bolder"),
        _block(_reasons_text(report, budget)),
        _block(_status_line(report), weight="Bolder"),
        *_status_details(report, budget),
    ]


def _too_large_body(report: Report) -> list[dict[str, Any]]:
    """The last resort, always small: who, what status, and where to read the rest."""
    smallest = Budget(text=200, item=80, items=2)
    return [*_head(report, smallest), _block(escape(TOO_LARGE), weight="Bolder", color="Attention")]


def _reasons_text(report: Report, budget: Budget) -> str:
    reasons = [r for r in report.severity_reasons if r.strip()]
    if not reasons:
        return escape("No particular reason was recorded.")
    return _bullets(reasons, budget, clean_first=True)


def _status_line(report: Report) -> str:
    status = f"Status: {label(report.status)}"
    if report.status is Status.CLOSED and report.outcome:
        status += f" — {label(report.outcome)}"
    return escape(status)


def _status_details(report: Report, budget: Budget) -> list[dict[str, Any]]:
    lines = []
    if report.assigned_to:
        lines.append(escape("Assigned to ") + safe(report.assigned_to, NAME_LIMIT))
    elif report.status is not Status.CLOSED:
        lines.append(escape("Not assigned yet"))
    if report.acknowledged_at:
        lines.append(escape(f"Acknowledged {_when(report.acknowledged_at)}"))
    if report.closed_at:
        lines.append(escape(f"Closed {_when(report.closed_at)}"))
    if report.links:
        shown = report.links[: budget.items]
        linked = ", ".join(f"{clean(link.reference)} ({label(link.kind).lower()})" for link in shown)
        more = f" and {len(report.links) - len(shown)} more" if len(report.links) > len(shown) else ""
        lines.append(safe(f"Linked to {linked}{more}", budget.text))
    elements = [_block("\n".join(lines))] if lines else []
    if report.closing_message:
        elements.append(_block(escape("Told the reporter:"), weight="Bolder"))
        elements.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [_block(safe(report.closing_message, budget.text))],
            }
        )
    return elements


def _about_text(report: Report) -> str:
    detail = "Full report" if report.detail_level == "full" else "Quick report: the essentials only"
    parts = [escape("Reported by ") + reporter_line(report), escape(_when(report.created_at)), escape(detail)]
    if report.revision > 1:
        parts.append(escape(f"revision {report.revision}, updated {_when(report.updated_at)}"))
    return " · ".join(parts)


def _section_elements(section: Section, budget: Budget) -> list[dict[str, Any]]:
    """A section's title, then its given fields: short ones together in a FactSet, long ones as
    a bold label over a TextBlock, in the report's order."""
    shown = [f for f in section.fields if not _is_empty(f)]
    if not shown:
        return []
    elements: list[dict[str, Any]] = [
        _block(escape(section.title), weight="Bolder", size="Medium", separator=True, spacing="Medium")
    ]
    facts: list[dict[str, str]] = []
    for field in shown:
        fact = _fact_value(field)
        if fact is not None:
            facts.append({"title": escape(field.label), "value": fact})
            continue
        if facts:
            elements.append({"type": "FactSet", "facts": facts})
            facts = []
        elements.append(_block(escape(field.label), weight="Bolder", spacing="Small"))
        elements.append(_block(_long_value(field, budget), spacing="None"))
    if facts:
        elements.append({"type": "FactSet", "facts": facts})
    return elements


def _is_empty(field: Field) -> bool:
    return isinstance(field.value, str) and field.value in _NOTHING


def _fact_value(field: Field) -> str | None:
    """The field's value for a fact (escaped), or None when it is too long or has lines."""
    items = [field.value] if isinstance(field.value, str) else list(field.value)
    if len(items) > 4 or any("\n" in item for item in items):
        return None
    value = "; ".join(escape(item) for item in items)
    return value if len(value) <= FACT_LIMIT else None


def _long_value(field: Field, budget: Budget) -> str:
    # rendering has already cleaned and defanged field values: defanging twice would mangle them
    if isinstance(field.value, str):
        return fit(field.value, budget.text)
    return _bullets(field.value, budget, clean_first=False)


def _bullets(items: Sequence[str], budget: Budget, *, clean_first: bool) -> str:
    shown = items[: budget.items]
    lines = [f"• {fit(clean(item) if clean_first else item, budget.item)}" for item in shown]
    if len(items) > len(shown):
        lines.append(escape(f"… and {len(items) - len(shown)} more {SHORTENED}"))
    return "\n".join(lines)


# --- The reply chain ---------------------------------------------------------------------------


def thread_activity(event: InboxEvent, names: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The reply under the card for this event; None for a new report (that is the card).
    `names`: analysts' names by actor id, for "Acknowledged by Sam Singh"."""
    body = _thread_body(event, names or {})
    if body is None:
        return None
    activity = _activity(notification_text(event), body)
    if card_bytes(activity) >= MAX_CARD_BYTES:  # only a message can be long; cut its words harder
        activity = _activity(notification_text(event), _thread_body(event, names or {}, LINE_LIMIT) or [])
    return activity


def _thread_body(
    event: InboxEvent, names: Mapping[str, str], limit: int = 8000
) -> list[dict[str, Any]] | None:
    if event.event is EventKind.MESSAGE and event.message is not None:
        return message_body(event.message, limit)
    if event.event is EventKind.STATUS and event.status_change is not None:
        return [_block(status_text(event.status_change, names))]
    if event.event is EventKind.REMINDER and event.reminder is not None:
        return [_block(reminder_text(event, event.reminder))]
    if event.event is EventKind.UPDATED:
        text = f"✏️ The reporter added detail (revision {event.report.revision}); the card above shows it."
        return [_block(escape(text))]
    return None


def message_body(message: ThreadMessage, limit: int) -> list[dict[str, Any]]:
    """`Question to the reporter · Security team`, then the words, set apart."""
    head = escape(f"{label(message.kind)} · ") + safe(message.from_label, NAME_LIMIT)
    return [
        _block(head, weight="Bolder"),
        {"type": "Container", "style": "emphasis", "items": [_block(safe(message.body, limit))]},
    ]


def status_text(change: StatusChange, names: Mapping[str, str] | None = None) -> str:
    """One line (escaped): what changed, and who did it."""
    by = actor_text(change.by, names)
    if change.action == "closed":
        outcome = label(change.outcome) if change.outcome else "no outcome given"
        return (
            escape("✅ Closed by ")
            + by
            + escape(f": {outcome}. The reporter has been sent the closing message.")
        )
    if change.action == "assigned":
        who = safe(change.assigned_to, NAME_LIMIT) if change.assigned_to else "someone"
        return escape("👤 Assigned to ") + who + escape(" by ") + by + escape(".")
    if change.action == "linked":
        other = safe(change.linked_reference or "another report", NAME_LIMIT)
        kind = escape(f" ({change.link_kind})") if change.link_kind else ""
        return escape("🔗 Linked to ") + other + kind + escape(" by ") + by + escape(".")
    if change.action == "acknowledged":
        return escape("👀 Acknowledged by ") + by + escape(". The reporter has been told the team has it.")
    return escape("🔄 Reopened by ") + by + escape(".")


def reminder_text(event: InboxEvent, reminder: Reminder) -> str:
    """`⏰ Reminder: acknowledgement due in 3 hours` / `⚠️ Missed: acknowledgement was due …`."""
    what = subject(event).removeprefix(f"[{event.reference}] ")
    mark = "⏰" if reminder.stage == "near" else "⚠️"
    return escape(f"{mark} {what}")


# --- Replies to an analyst ---------------------------------------------------------------------


def refusal_activity(text: str) -> dict[str, Any]:
    """Telling someone they may not do that ("Only the security team can use these buttons…")."""
    return _activity(plain(text, SUMMARY_LIMIT), [_block(safe(text, LINE_LIMIT), color="Attention")])


def result_activity(text: str) -> dict[str, Any]:
    """What a triage action did ("Acknowledged by …")."""
    return _activity(plain(text, SUMMARY_LIMIT), [_block(safe(text, LINE_LIMIT))])
