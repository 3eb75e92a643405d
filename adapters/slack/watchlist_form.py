"""The "Add to the watchlist" modal, built from bot.watchlist.form's fields. Pure: views in and
out, the typed values read back from a submission.

Each field is an input block whose block id is the field's id, so a problem the form names
(bot.watchlist.form.FormErrors) is shown by Slack beside that field, with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from adapters.slack.blocks import escape
from adapters.slack.inbox.cards import mrkdwn
from bot.watchlist.form import FIELDS

ADD_SHORTCUT: Final = "watchlist_add"  # the global shortcut "Add to the watchlist"
ADD_VIEW: Final = "watchlist:add_view"
VALUE: Final = "value"
SLACK_INPUT_MAX: Final = 3000

INTRO: Final = (
    "Copy what a published alert names. Every new report is checked against it as it is typed, "
    "and reports from the last 90 days are checked now. Staff who check a contact are told only "
    "whether it matches, never what is on the list."
)


def add_modal() -> View:
    blocks: list[Any] = [SectionBlock(text=mrkdwn(INTRO))]
    for field in FIELDS:
        blocks.append(
            InputBlock(
                block_id=field.id,
                label=PlainTextObject(text=field.label),
                optional=not field.required,
                element=PlainTextInputElement(
                    action_id=VALUE,
                    multiline=field.multiline,
                    max_length=min(field.max_length, SLACK_INPUT_MAX),
                    placeholder=PlainTextObject(text=field.hint[:150]),
                ),
            )
        )
    return View(
        type="modal",
        callback_id=ADD_VIEW,
        title=PlainTextObject(text="Add to the watchlist"),
        submit=PlainTextObject(text="Add entry"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )


def message_view(title: str, text: str) -> View:
    """A modal that only says something (the outcome, a refusal): a Close button and no form."""
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=mrkdwn(escape(text)))],
    )


def typed_values(view: Mapping[str, Any]) -> dict[str, str]:
    """What was typed into each field of a submitted modal (absent fields as empty)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    typed: dict[str, str] = {}
    for field in FIELDS:
        block = values.get(field.id) if isinstance(values, Mapping) else None
        element = block.get(VALUE) if isinstance(block, Mapping) else None
        value = element.get("value") if isinstance(element, Mapping) else None
        typed[field.id] = value if isinstance(value, str) else ""
    return typed
