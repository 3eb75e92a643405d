"""The "Add to the watchlist" card for the Teams security channel, built from
bot.watchlist.form's fields, and reading its submit back. Pure: dicts in and out.

"@Tipline add to the watchlist" in the channel brings the card. Teams has no modal for a
channel post, so a mistake comes back as the same card again: what was typed filled in, the
problem in red under its field, nothing added until the whole form is right. Every submit
carries {"tipline_watchlist": "add"}; anything else is not ours and is read as None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from adapters.teams.card_parts import ADAPTIVE, SCHEMA, VERSION
from adapters.teams.text import escape, plain
from bot.watchlist.form import FIELDS

KEY: Final = "tipline_watchlist"
ADD: Final = "add"
INTRO: Final = (
    "Copy what a published alert names. Every new report is checked against it as it is typed, and "
    "reports from the last 90 days are checked now. Staff who check a contact are told only whether "
    "it matches, never what is on the list."
)
FIX: Final = "Nothing was added yet: please correct what is marked below and press Add entry again."
_REQUEST = re.compile(r"\b(add|put)\b.*\bwatch\s*-?\s*list\b", re.IGNORECASE | re.DOTALL)


def is_watchlist_request(text: str) -> bool:
    return bool(_REQUEST.search(text))


def add_form_activity(
    typed: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The form; after a mistake, `typed` fills it in again and `errors` are shown by field."""
    typed, errors = typed or {}, errors or {}
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": "Add to the watchlist", "weight": "Bolder", "size": "Medium"},
        {"type": "TextBlock", "text": escape(INTRO), "wrap": True, "isSubtle": True},
    ]
    if errors:
        body.append({"type": "TextBlock", "text": escape(FIX), "wrap": True, "color": "Attention"})
    for field in FIELDS:
        text_input: dict[str, Any] = {
            "type": "Input.Text",
            "id": field.id,
            "label": plain(field.label, 100),
            "isMultiline": field.multiline,
            "maxLength": field.max_length,
            "placeholder": plain(field.hint, 100),
        }
        if typed.get(field.id):
            text_input["value"] = typed[field.id][: field.max_length]
        if field.required:
            text_input["isRequired"] = True
            text_input["errorMessage"] = f"{field.label} is needed."
        body.append(text_input)
        if field.id in errors:
            body.append(
                {"type": "TextBlock", "text": escape(errors[field.id]), "wrap": True, "color": "Attention"}
            )
    content = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "actions": [{"type": "Action.Submit", "title": "Add entry", "data": {KEY: ADD}}],
    }
    return {
        "type": "message",
        "summary": "Add to the watchlist",
        "attachments": [{"contentType": ADAPTIVE, "content": content}],
    }


def watchlist_submit(value: Mapping[str, Any]) -> dict[str, str] | None:
    """What was typed into each field of a submitted form, or None for a submit that isn't one."""
    if value.get(KEY) != ADD:
        return None
    return {field.id: str(value.get(field.id) or "") for field in FIELDS}
