"""The neutral vocabulary between the core and every chat platform.

What the bot says (Text, Question, TextQuestion, Guidance, SummaryCard) and what a
user does (typed text, picked options, a submitted form, a command). Adapters are two
pure converters: platform payload -> user action, message -> platform payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from flows.actions import Command, CommandName, PickOptions, SubmitForm, TextAnswer, UserAction

__all__ = [
    "Choice",
    "Command",
    "CommandName",
    "Guidance",
    "GuidanceSection",
    "Message",
    "PickOptions",
    "Question",
    "SubmitForm",
    "SummaryCard",
    "SummaryField",
    "Text",
    "TextAnswer",
    "TextQuestion",
    "Tone",
    "UserAction",
]


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    REASSURANCE = "reassurance"


@dataclass(frozen=True)
class Text:
    text: str
    tone: Tone = Tone.INFO


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """A question answered by picking one option, or several when `multiple`."""

    token: str  # echo it back in PickOptions so an old button is never applied to a new question
    key: str  # the step id: stable, for forms and field-level errors
    text: str
    options: tuple[Choice, ...]
    multiple: bool = False
    hint: str | None = None
    problem: str | None = None  # set when re-asking after an answer we couldn't use
    current: str | None = None  # the answer already given (after back / edit)


@dataclass(frozen=True)
class TextQuestion:
    """A question answered in the user's own words."""

    token: str
    key: str
    text: str
    hint: str | None = None
    problem: str | None = None
    kept: str | None = None  # what they typed last time, so nothing is lost on a re-ask
    current: str | None = None
    required: bool = True
    max_length: int = 2000
    input_kind: str = "text"  # text | url | email | phone | date, for native input hints
    field_problems: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GuidanceSection:
    title: str
    points: tuple[str, ...]
    tone: Tone = Tone.INFO


@dataclass(frozen=True)
class Guidance:
    """Advice to act on now, styled apart from the questions."""

    sections: tuple[GuidanceSection, ...]


@dataclass(frozen=True)
class SummaryField:
    label: str
    value: str
    edit_key: str | None = None  # what to send back (PickOptions value "edit:<key>") to change it
    number: int | None = None


@dataclass(frozen=True)
class SummaryCard:
    token: str
    title: str
    intro: str
    fields: tuple[SummaryField, ...]
    actions: tuple[Choice, ...] = ()
    footer: str | None = None


Message = Text | Question | TextQuestion | Guidance | SummaryCard
