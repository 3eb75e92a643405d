"""The triage actions on a report's card in the Teams security inbox, and reading their submits back.

Pure: the card's TriageActions in (bot.triage.actions_for chose them, for Slack too), Adaptive
Card actions (plain dicts) out; a submitted card's `value` in, a TriageSubmit (or None) out.

Teams has no modals for a bot's channel post, so what Slack asks in a modal is an
Action.ShowCard here: the inputs unfold under the card, with the same limits the triage
service enforces (bot.triage), so Teams itself stops an over-long question before it is sent.
Every submit carries `{"tipline_triage": <TriageAction>, "reference": <reference>}`; Teams merges the
inputs into it. Anything else arriving as a submit is not ours and is read as None, never an
exception: a card is a form anyone in the channel can post back, in any shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from adapters.teams.text import plain
from bot.inbox import label
from bot.report import Outcome, is_reference
from bot.triage import MAX_MESSAGE, MAX_NOTE, TriageAction

KEY: Final = "tipline_triage"  # marks a submit as one of ours; its value is the TriageAction
ACK: Final = TriageAction.ACKNOWLEDGE
ASSIGN: Final = TriageAction.ASSIGN_TO_ME
ASK: Final = TriageAction.ASK
NOTE: Final = TriageAction.NOTE
CLOSE: Final = TriageAction.CLOSE
REOPEN: Final = TriageAction.REOPEN

TITLE_LIMIT: Final = 40  # button titles: Teams cuts longer ones
CLOSE_PLACEHOLDER: Final = "Leave empty to send the outcome's standard message"

# --- The actions -------------------------------------------------------------------------------


def triage_actions(reference: str, actions: Sequence[TriageAction]) -> list[dict[str, Any]]:
    """The card's actions (bot.triage.actions_for decides which), in the Slack card's order."""
    return [_ACTION[action](reference) for action in actions]


def ask_action(reference: str) -> dict[str, Any]:
    """A question to the reporter: the words, and whether to sign it with the analyst's name."""
    return _show_card(
        "Ask reporter…",
        ASK,
        [
            _hint(
                'The reporter gets this question in their chat with Tipline, from "the security team" '
                "unless you sign it with your name."
            ),
            _text_input(
                "question",
                "Question to the reporter",
                MAX_MESSAGE,
                required=True,
                placeholder="What would you like to ask?",
            ),
            {
                "type": "Input.Toggle",
                "id": "sign",
                "title": "Sign with my name",
                "valueOn": "true",
                "valueOff": "false",
                "value": "false",
            },
        ],
        _submit("Send question", ASK, reference),
    )


def note_action(reference: str) -> dict[str, Any]:
    """An internal note: for the security team only, never shown to the reporter."""
    return _show_card(
        "Add note…",
        NOTE,
        [
            _hint("Internal note: only the security team sees it; it is never shown to the reporter."),
            _text_input("note", "Note", MAX_NOTE, required=True, placeholder="What the team should know"),
        ],
        _submit("Add note", NOTE, reference),
    )


def close_action(reference: str) -> dict[str, Any]:
    """Closing: an outcome, and optionally the words the reporter is sent instead of its standard message."""
    return _show_card(
        "Close…",
        CLOSE,
        [
            {
                "type": "Input.ChoiceSet",
                "id": "outcome",
                "label": "Outcome",
                "style": "compact",
                "isRequired": True,
                "errorMessage": "Choose the outcome.",
                "placeholder": "Choose the outcome",
                "choices": [{"title": plain(label(o), 100), "value": o.value} for o in Outcome],
            },
            _text_input(
                "message",
                "Message to the reporter (optional)",
                MAX_MESSAGE,
                required=False,
                placeholder=CLOSE_PLACEHOLDER,
            ),
        ],
        _submit("Close report", CLOSE, reference),
    )


def _submit(title: str, action: TriageAction, reference: str, *, style: str | None = None) -> dict[str, Any]:
    submit: dict[str, Any] = {
        "type": "Action.Submit",
        "title": plain(title, TITLE_LIMIT),
        "data": {KEY: action.value, "reference": reference},
    }
    if style is not None:
        submit["style"] = style
    return submit


def _show_card(
    title: str, action: TriageAction, body: list[dict[str, Any]], submit: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "Action.ShowCard",
        "id": f"triage.{action.value}",
        "title": plain(title, TITLE_LIMIT),
        "card": {"type": "AdaptiveCard", "body": body, "actions": [submit]},
    }


def _text_input(input_id: str, title: str, limit: int, *, required: bool, placeholder: str) -> dict[str, Any]:
    text_input: dict[str, Any] = {
        "type": "Input.Text",
        "id": input_id,
        "label": plain(title, 100),
        "isMultiline": True,
        "maxLength": limit,
        "placeholder": plain(placeholder, 100),
    }
    if required:
        text_input["isRequired"] = True
        text_input["errorMessage"] = f"Write something (up to {limit:,} characters)."
    return text_input


def _hint(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": plain(text, 300), "wrap": True, "isSubtle": True, "size": "Small"}


_ACTION = {
    TriageAction.ACKNOWLEDGE: lambda ref: _submit("Acknowledge", ACK, ref, style="positive"),
    TriageAction.ASSIGN_TO_ME: lambda ref: _submit("Assign to me", ASSIGN, ref),
    TriageAction.ASK: lambda ref: ask_action(ref),
    TriageAction.NOTE: lambda ref: note_action(ref),
    TriageAction.CLOSE: lambda ref: close_action(ref),
    TriageAction.REOPEN: lambda ref: _submit("Reopen", REOPEN, ref),
    # The bundle comes to the analyst's private chat as a file to allow (adapters.teams.file_consent).
    TriageAction.SHARE_STIX: lambda ref: _submit("Share as STIX", TriageAction.SHARE_STIX, ref),
}


# --- Reading a submit back ---------------------------------------------------------------------


@dataclass(frozen=True)
class TriageSubmit:
    """What an analyst asked for with a card's action; the inputs as typed, trimmed."""

    action: TriageAction
    reference: str
    text: str = ""
    sign: bool = False
    outcome: Outcome | None = None
    message: str = ""


def triage_submit(value: Any) -> TriageSubmit | None:
    """A submitted card's `value` as a TriageSubmit; None when it is not ours or is malformed.

    `value` is what Teams sends: the action's data merged with the inputs, e.g.
    {"tipline_triage": "ask", "reference": "TIP-7K3Q9D", "question": "…", "sign": "true"}.
    Each input has its own id across the card ("question", "note", "outcome", "message"): Teams
    gathers the inputs of the whole card into one submit. An unknown outcome reads as None (the
    handler asks again); it never raises.
    """
    if not isinstance(value, Mapping):
        return None
    action, reference = TriageAction.parse(value.get(KEY)), value.get("reference")
    if action is None:
        return None
    if not isinstance(reference, str) or not is_reference(reference.strip()):
        return None
    return TriageSubmit(
        action=action,
        reference=reference.strip(),
        text=_string(value.get("question" if action == ASK else "note")),
        sign=_flag(value.get("sign")),
        outcome=_outcome(value.get("outcome")),
        message=_string(value.get("message")),
    )


def _string(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _outcome(value: object) -> Outcome | None:
    if not isinstance(value, str):
        return None
    try:
        return Outcome(value.strip())
    except ValueError:
        return None
