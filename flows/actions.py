"""What a user can do, as the engine understands it. Adapters build these."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class CommandName(StrEnum):
    START = "start"  # open the flow (a "report" button, the console starting up)
    RESUME = "resume"  # the reporter came back: show where we were
    HELP = "help"
    BACK = "back"
    CANCEL = "cancel"
    RESTART = "restart"
    EDIT = "edit"  # argument: a step id or the summary row number
    SEND = "send"
    KEEP = "keep"  # keep the current answer and move on (after going back)
    GUIDANCE = "guidance"  # show the advice again


@dataclass(frozen=True)
class TextAnswer:
    text: str


@dataclass(frozen=True)
class PickOptions:
    token: str  # identifies the question the buttons belonged to
    values: tuple[str, ...]


@dataclass(frozen=True)
class SubmitForm:
    token: str
    fields: Mapping[str, str] = field(default_factory=dict)  # step id -> what was typed or picked


@dataclass(frozen=True)
class SharedText:
    """Words the reporter passed on rather than typed as an answer (a flagged or forwarded
    message): read for what they say, never taken as the answer to the current question."""

    text: str


@dataclass(frozen=True)
class Command:
    name: CommandName
    argument: str | None = None
    token: str | None = None  # set when the command came from a button on a given message


UserAction = TextAnswer | PickOptions | SubmitForm | Command | SharedText

_WORDS = {name.value: name for name in CommandName if name not in (CommandName.START, CommandName.RESUME)}
_EDIT = re.compile(r"^/?edit\s+(.+)$", re.IGNORECASE)


def command_in_text(text: str) -> Command | None:
    """A typed command word. Only the whole message counts, so an answer that merely
    contains "back" is still an answer."""
    stripped = text.strip()
    word = stripped.lower().lstrip("/")
    if word in _WORDS:
        return Command(_WORDS[word])
    match = _EDIT.match(stripped)
    if match:
        return Command(CommandName.EDIT, match.group(1).strip())
    return None
