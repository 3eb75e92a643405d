"""The triage modals: ask the reporter, add a note, close with an outcome. Pure: views in,
values out (adapters/slack/triage_listeners.py opens them and acts on what comes back).

The report's reference and the channel of its card travel in private_metadata, which Slack
hands back unchanged with the submission.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack.inbox.cards import mrkdwn
from bot.inbox import label
from bot.report import Outcome
from bot.triage import MAX_MESSAGE, MAX_NOTE

ASK_VIEW: Final = "triage:ask_view"
NOTE_VIEW: Final = "triage:note_view"
CLOSE_VIEW: Final = "triage:close_view"
CLOSE_OUTCOME: Final = "triage:close_outcome"  # the outcome select: a change refills the message

TEXT_BLOCK: Final = "text"  # the question or note
TEXT_ACTION: Final = "value"
SIGN_BLOCK: Final = "sign"
SIGN_ACTION: Final = "sign"
OUTCOME_BLOCK: Final = "outcome"
MESSAGE_BLOCK_PREFIX: Final = "message."  # + the outcome: a new block id makes Slack show the new text
MESSAGE_ACTION: Final = "value"

SLACK_INPUT_MAX: Final = 3000  # plain_text_input max_length
DEFAULT_OUTCOME: Final = Outcome.NOT_ENOUGH_INFORMATION  # the mildest message if sent unchanged


@dataclass(frozen=True)
class Context:
    """What a modal carries through Slack: the report, and where its card is."""

    reference: str
    channel: str | None = None

    def dump(self) -> str:
        return json.dumps({"reference": self.reference, "channel": self.channel}, separators=(",", ":"))

    @classmethod
    def load(cls, private_metadata: str | None) -> Context | None:
        try:
            data = json.loads(private_metadata or "")
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("reference"), str):
            return None
        channel = data.get("channel")
        return cls(data["reference"], channel if isinstance(channel, str) else None)


def ask_modal(context: Context) -> View:
    return View(
        type="modal",
        callback_id=ASK_VIEW,
        title=PlainTextObject(text="Ask the reporter"),
        submit=PlainTextObject(text="Send question"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=context.dump(),
        blocks=[
            SectionBlock(
                text=mrkdwn(
                    f"Your question goes to the person who reported *{context.reference}*, where they "
                    "reported it. Their answer will appear in the card's thread."
                )
            ),
            InputBlock(
                block_id=TEXT_BLOCK,
                label=PlainTextObject(text="Question"),
                element=PlainTextInputElement(
                    action_id=TEXT_ACTION,
                    multiline=True,
                    max_length=min(MAX_MESSAGE, SLACK_INPUT_MAX),
                    placeholder=PlainTextObject(text="For example: did they send any attachments?"),
                ),
            ),
            InputBlock(
                block_id=SIGN_BLOCK,
                optional=True,
                label=PlainTextObject(text="Signature"),
                element=CheckboxesElement(
                    action_id=SIGN_ACTION,
                    options=[Option(value="sign", label="Sign with my name")],
                ),
                hint=PlainTextObject(
                    text='Unsigned, the reporter sees the question as from "the security team".'
                ),
            ),
        ],
    )


def note_modal(context: Context) -> View:
    return View(
        type="modal",
        callback_id=NOTE_VIEW,
        title=PlainTextObject(text="Add a note"),
        submit=PlainTextObject(text="Add note"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=context.dump(),
        blocks=[
            InputBlock(
                block_id=TEXT_BLOCK,
                label=PlainTextObject(text=f"Note on {context.reference}"),
                element=PlainTextInputElement(
                    action_id=TEXT_ACTION, multiline=True, max_length=min(MAX_NOTE, SLACK_INPUT_MAX)
                ),
                hint=PlainTextObject(text="For the security team only: the reporter never sees notes."),
            ),
        ],
    )


def close_modal(context: Context, outcome: Outcome, template: str) -> View:
    """The outcome to choose, and the message for the reporter, starting as that outcome's template."""
    options = {o: Option(value=o.value, label=label(o)) for o in Outcome}
    return View(
        type="modal",
        callback_id=CLOSE_VIEW,
        title=PlainTextObject(text="Close the report"),
        submit=PlainTextObject(text="Close report"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=context.dump(),
        blocks=[
            InputBlock(
                block_id=OUTCOME_BLOCK,
                label=PlainTextObject(text=f"Outcome for {context.reference}"),
                dispatch_action=True,
                element=StaticSelectElement(
                    action_id=CLOSE_OUTCOME,
                    options=list(options.values()),
                    initial_option=options[outcome],
                ),
            ),
            InputBlock(
                block_id=f"{MESSAGE_BLOCK_PREFIX}{outcome.value}",
                label=PlainTextObject(text="Message to the reporter"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=MESSAGE_ACTION,
                    multiline=True,
                    max_length=min(MAX_MESSAGE, SLACK_INPUT_MAX),
                    initial_value=template[: min(MAX_MESSAGE, SLACK_INPUT_MAX)],
                ),
                hint=PlainTextObject(
                    text="The suggested message for the outcome; edit it as you like. Choosing another "
                    "outcome replaces it with that outcome's. Left empty, the suggested message is sent."
                ),
            ),
            ContextBlock(elements=[mrkdwn("The reporter is sent this message when you close the report.")]),
        ],
    )


# --- Reading a submission --------------------------------------------------------------------------


def _values(view: Mapping[str, Any]) -> Mapping[str, Any]:
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    return values if isinstance(values, Mapping) else {}


def text_value(view: Mapping[str, Any], block_id: str = TEXT_BLOCK, action_id: str = TEXT_ACTION) -> str:
    field = _values(view).get(block_id, {}).get(action_id, {})
    value = field.get("value") if isinstance(field, Mapping) else None
    return value if isinstance(value, str) else ""


def signed(view: Mapping[str, Any]) -> bool:
    field = _values(view).get(SIGN_BLOCK, {}).get(SIGN_ACTION, {})
    selected = field.get("selected_options") if isinstance(field, Mapping) else None
    return any(isinstance(o, Mapping) and o.get("value") == "sign" for o in selected or [])


def chosen_outcome(view: Mapping[str, Any]) -> Outcome | None:
    field = _values(view).get(OUTCOME_BLOCK, {}).get(CLOSE_OUTCOME, {})
    option = field.get("selected_option") if isinstance(field, Mapping) else None
    value = option.get("value") if isinstance(option, Mapping) else None
    try:
        return Outcome(value) if isinstance(value, str) else None
    except ValueError:
        return None


def closing_message(view: Mapping[str, Any]) -> tuple[str, str]:
    """(block id, text) of the message input, whichever outcome it was last filled for."""
    for block_id, actions in _values(view).items():
        if isinstance(block_id, str) and block_id.startswith(MESSAGE_BLOCK_PREFIX):
            field = actions.get(MESSAGE_ACTION, {}) if isinstance(actions, Mapping) else {}
            value = field.get("value") if isinstance(field, Mapping) else None
            return block_id, value if isinstance(value, str) else ""
    return f"{MESSAGE_BLOCK_PREFIX}{DEFAULT_OUTCOME.value}", ""
