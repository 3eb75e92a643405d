"""The pieces every Tipline Adaptive Card is made of, and how big a card may get.

Kept apart from the renderers so that each message kind's layout reads on its own, and so
that the size rule lives in one place for every Teams card (the reporter's and the security
inbox's): Teams refuses a message activity over about 28 KB, and an activity is measured here
as the Connector client sends it (msrest's json.dumps: non-ASCII as \\u escapes, never less than
UTF-8), under a limit with a margin for what the Bot Framework adds around it and for the data
the turn logic stamps on buttons.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.teams.text import plain
from bot.messages import Tone

MAX_CARD_BYTES = 28_000  # the whole activity as JSON
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
HOW = "tipline-how"  # the id of a line saying how to answer: gone once the card is answered
ROOMS = (4000, 1600, 700, 300, 120)
"""Character budgets for the longest texts, largest first: a card is built with the first that fits."""

Element = dict[str, Any]

CONTAINER_STYLE = {
    Tone.INFO: "default",
    Tone.SUCCESS: "good",
    Tone.WARNING: "warning",
    Tone.REASSURANCE: "emphasis",
}
GUIDANCE_STYLE = {**CONTAINER_STYLE, Tone.INFO: "accent", Tone.WARNING: "attention"}
ICON = {Tone.INFO: "", Tone.SUCCESS: "✅ ", Tone.WARNING: "⚠️ ", Tone.REASSURANCE: "🛡️ "}


def card_bytes(activity: Mapping[str, Any]) -> int:
    """The activity's size as sent: its JSON as msrest writes it (json.dumps), utf-8 encoded."""
    return len(json.dumps(activity).encode("utf-8"))


def fits(activities: list[dict[str, Any]]) -> bool:
    return all(card_bytes(a) < MAX_CARD_BYTES for a in activities)


def text_block(text: str, **style: Any) -> Element:
    """A TextBlock of already escaped text; `style` adds TextBlock properties (isSubtle, color…)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def subtle(text: str, **style: Any) -> Element:
    return text_block(text, isSubtle=True, size="Small", **style)


def how(text: str) -> Element:
    """The line saying how else to answer (removed from the read-only copy)."""
    return subtle(text, id=HOW)


def attention(text: str) -> Element:
    return text_block("⚠️ " + text, color="Attention", weight="Bolder")


def container(items: list[Element], style: str) -> Element:
    return {"type": "Container", "style": style, "bleed": True, "items": items}


def submit(title: str, data: Mapping[str, Any], **extra: Any) -> Element:
    return {"type": "Action.Submit", "title": title, "data": dict(data), **extra}


def choice_set(element_id: str, choices: list[dict[str, str]], **extra: Any) -> Element:
    return {"type": "Input.ChoiceSet", "id": element_id, "choices": choices, **extra}


def words(text: str, limit: int = 120) -> str:
    """Notification words: one plain line, with nothing a client could read as a tag."""
    return plain(text, limit).replace("<", "").replace(">", "")


def activity(summary: str, body: list[Element], actions: list[Element] | None = None) -> dict[str, Any]:
    """A message activity holding one Adaptive Card."""
    card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "msteams": {"width": "Full"},
        "body": body,
        "actions": actions or [],
    }
    return {
        "type": "message",
        "summary": summary,
        "attachments": [{"contentType": ADAPTIVE, "content": card}],
    }
