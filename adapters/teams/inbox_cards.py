"""Inbox events as Adaptive Cards for the security inbox channel in Teams: the report's card and
the replies under it.

Pure functions: an InboxEvent in, message activities (plain dicts, Adaptive Card 1.5) out. What
the card and its replies say is decided once, in bot.inbox (InboxCard, ThreadLine), for Teams,
Slack and email alike; this module only lays it out, so the team reads a report the same way in
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from adapters.teams.card_parts import ADAPTIVE, MAX_CARD_BYTES, SCHEMA, VERSION, card_bytes
from adapters.teams.inbox_actions import TriageSubmit, triage_actions, triage_submit
from adapters.teams.text import SHORTENED, escape, fit, plain
from bot.inbox import (
    NO_REASON,
    ActorRef,
    InboxCard,
    Line,
    LineKind,
    MessageLine,
    Section,
    Theirs,
    inbox_card,
    subject,
    thread_line,
)
from bot.inbox_events import InboxEvent
from bot.report import Reporter, Severity
from bot.text_safety import clean

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

FACT_LIMIT: Final = 200  # a value at most this long (escaped, one line) is a fact; longer is a TextBlock
SUMMARY_LIMIT: Final = 250
NAME_LIMIT: Final = 200  # names we show in a line: the reporter's, an analyst's
LINE_LIMIT: Final = 2000  # a thread line or a short reply

TOO_LARGE: Final = (
    "This report is too large to show here. Read it in full with its reference: "
    "the Tipline CLI, the file and webhook destinations have every field."
)

_SEVERITY = {
    Severity.CRITICAL: ("🔴", "attention"),
    Severity.HIGH: ("🟠", "attention"),
    Severity.MEDIUM: ("🟡", "warning"),
    Severity.LOW: ("⚪", "default"),
}
_LINE_MARK = {
    LineKind.ACKNOWLEDGED: "👀",
    LineKind.ASSIGNED: "👤",
    LineKind.CLOSED: "✅",
    LineKind.LINKED: "🔗",
    LineKind.REOPENED: "🔄",
    LineKind.REMINDER: "⏰",
    LineKind.MISSED: "⚠️",
    LineKind.UPDATED: "✏️",
    LineKind.CAMPAIGN: "🧩",
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


def reporter_line(reporter: Reporter) -> str:
    """Who reported, as escaped text: their name (else user id) and the platform they used."""
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


def _line(parts: Line, names: Mapping[str, str]) -> str:
    """Our words and theirs escaped (theirs cut to NAME_LIMIT), the analyst by name."""
    out = []
    for part in parts:
        if isinstance(part, Theirs):
            out.append(fit(part.text, NAME_LIMIT))
        elif isinstance(part, ActorRef):
            out.append(actor_text(part.actor_id, names))
        else:
            out.append(escape(part))
    return "".join(out)


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
        "attachments": [{"contentType": ADAPTIVE, "content": content}],
    }


# --- The card ----------------------------------------------------------------------------------


def card_activity(event: InboxEvent) -> dict[str, Any]:
    """The report's card: header, severity and why, status, who reported, every field given, and
    the triage actions for its status; cut until it fits in MAX_CARD_BYTES."""
    card = inbox_card(event)
    actions = triage_actions(card.reference, card.actions)
    summary = plain(card.notification, SUMMARY_LIMIT)
    for budget in BUDGETS:
        activity = _activity(summary, card_body(card, budget), actions=actions)
        if card_bytes(activity) < MAX_CARD_BYTES:
            return activity
    return _activity(summary, _too_large_body(card), actions=actions)


def card_body(card: InboxCard, budget: Budget) -> list[dict[str, Any]]:
    body = [*_head(card, budget), _block(_about_text(card), isSubtle=True, size="Small")]
    for section in card.sections:
        body.extend(_section_elements(section, budget))
    body.append(_block(escape(card.footer), isSubtle=True, size="Small", separator=True))
    return body


def _head(card: InboxCard, budget: Budget) -> list[dict[str, Any]]:
    mark, style = _SEVERITY[card.severity]
    return [
        {
            "type": "Container",
            "style": style,
            "bleed": True,
            "items": [_block(escape(f"{mark} {card.title}"), size="Large", weight="Bolder")],
        },
        _block(escape(card.severity_line), weight="Bolder"),
        _block(_bullets(card.reasons, budget) if card.reasons else escape(NO_REASON)),
        _block(escape(card.status_line + (f" — {card.outcome}" if card.outcome else "")), weight="Bolder"),
        *_status_details(card, budget),
    ]


def _too_large_body(card: InboxCard) -> list[dict[str, Any]]:
    """The last resort, always small: who, what status, and where to read the rest."""
    smallest = Budget(text=200, item=80, items=2)
    return [*_head(card, smallest), _block(escape(TOO_LARGE), weight="Bolder", color="Attention")]


def _status_details(card: InboxCard, budget: Budget) -> list[dict[str, Any]]:
    lines = [_line(line, {}) for line in card.status_lines]
    if card.links:
        shown = card.links[: budget.items]
        linked = ", ".join(f"{link.reference} ({link.kind})" for link in shown)
        more = f" and {len(card.links) - len(shown)} more" if len(card.links) > len(shown) else ""
        lines.append(safe(f"Linked to {linked}{more}", budget.text))
    if card.campaign is not None:
        c = card.campaign
        lines.append(escape(f"🧩 {c.label} ({c.status}): ") + fit(c.title, NAME_LIMIT))
    elements = [_block("\n".join(lines))] if lines else []
    if card.closing_message:
        elements.append(_block(escape("Told the reporter:"), weight="Bolder"))
        elements.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [_block(fit(card.closing_message, budget.text))],
            }
        )
    return elements


def _about_text(card: InboxCard) -> str:
    parts = [escape("Reported by ") + reporter_line(card.reporter), *(escape(part) for part in card.about)]
    return " · ".join(parts)


def _section_elements(section: Section, budget: Budget) -> list[dict[str, Any]]:
    """A section's title, then its given fields: short ones together in a FactSet, long ones as
    a bold label over a TextBlock, in the report's order."""
    if not section.fields:
        return []
    elements: list[dict[str, Any]] = [
        _block(escape(section.title), weight="Bolder", size="Medium", separator=True, spacing="Medium")
    ]
    facts: list[dict[str, str]] = []
    for field in section.fields:
        fact = _fact_value(field.value)
        if fact is not None:
            facts.append({"title": escape(field.label), "value": fact})
            continue
        if facts:
            elements.append({"type": "FactSet", "facts": facts})
            facts = []
        elements.append(_block(escape(field.label), weight="Bolder", spacing="Small"))
        elements.append(_block(_long_value(field.value, budget), spacing="None"))
    if facts:
        elements.append({"type": "FactSet", "facts": facts})
    return elements


def _fact_value(value: str | Sequence[str]) -> str | None:
    """The field's value for a fact (escaped), or None when it is too long or has lines."""
    items = [value] if isinstance(value, str) else list(value)
    if len(items) > 4 or any("\n" in item for item in items):
        return None
    escaped = "; ".join(escape(item) for item in items)
    return escaped if len(escaped) <= FACT_LIMIT else None


def _long_value(value: str | Sequence[str], budget: Budget) -> str:
    # the sections have already cleaned and defanged field values: defanging twice would mangle them
    if isinstance(value, str):
        return fit(value, budget.text)
    return _bullets(value, budget)


def _bullets(items: Sequence[str], budget: Budget) -> str:
    """Items already cleaned, each cut to the budget, the list to its first items."""
    shown = items[: budget.items]
    lines = [f"• {fit(item, budget.item)}" for item in shown]
    if len(items) > len(shown):
        lines.append(escape(f"… and {len(items) - len(shown)} more {SHORTENED}"))
    return "\n".join(lines)


# --- The reply chain ---------------------------------------------------------------------------


def thread_activity(event: InboxEvent, names: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The reply under the card for this event; None for a new report (that is the card).
    `names`: analysts' names by actor id, for "Acknowledged by Sam Singh"."""
    line = thread_line(event)
    if line is None:
        return None
    summary = notification_text(event)
    if not isinstance(line, MessageLine):
        text = escape(f"{_LINE_MARK[line.kind]} ") + _line(line.parts, names or {})
        return _activity(summary, [_block(text)])
    activity = _activity(summary, message_body(line, 8000))
    if card_bytes(activity) >= MAX_CARD_BYTES:  # only a message can be long; cut its words harder
        activity = _activity(summary, message_body(line, LINE_LIMIT))
    return activity


def message_body(message: MessageLine, limit: int) -> list[dict[str, Any]]:
    """`Question to the reporter · Security team`, then the words, set apart."""
    head = escape(f"{message.title} · ") + fit(message.sender, NAME_LIMIT)
    return [
        _block(head, weight="Bolder"),
        {"type": "Container", "style": "emphasis", "items": [_block(fit(message.body, limit))]},
    ]


# --- Replies to an analyst ---------------------------------------------------------------------


def refusal_activity(text: str) -> dict[str, Any]:
    """Telling someone they may not do that ("Only the security team can use these buttons…")."""
    return _activity(plain(text, SUMMARY_LIMIT), [_block(safe(text, LINE_LIMIT), color="Attention")])


def result_activity(text: str) -> dict[str, Any]:
    """What a triage action did ("Acknowledged by …")."""
    return _activity(plain(text, SUMMARY_LIMIT), [_block(safe(text, LINE_LIMIT))])
