"""What the bot says and hears when no report is under way: the words that start one, "help",
and the offer to start. Pure: read from the flow's data, so every platform says the same."""

from __future__ import annotations

from typing import Final

from bot.messages import Choice, Message, Question, Text
from flows.actions import Command, CommandName, PickOptions, TextAnswer, UserAction, command_in_text
from flows.model import Flow

IDLE_TOKEN: Final = "idle"  # noqa: S105 - a question token, not a secret


def starts_a_report(flow: Flow, action: UserAction) -> bool:
    if isinstance(action, Command):
        return action.name is CommandName.START
    if isinstance(action, PickOptions):
        return action.token == IDLE_TOKEN and "report" in action.values
    if isinstance(action, TextAnswer):
        return action.text.strip().lower().lstrip("/") in flow.entry_words
    return False


def idle_help(flow: Flow, action: UserAction) -> list[Message]:
    """ "help" with no report under way: what can be typed, before the offer to start one."""
    asked = isinstance(action, Command) and action.name is CommandName.HELP
    if isinstance(action, TextAnswer):
        typed = command_in_text(action.text)
        asked = typed is not None and typed.name is CommandName.HELP
    return [Text(flow.commands_help)] if asked else []


def idle_greeting(flow: Flow) -> list[Message]:
    return [Question(IDLE_TOKEN, "idle", flow.text("idle"), (Choice("report", flow.text("idle_button")),))]
