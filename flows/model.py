"""Flows as data: what a flow file holds once it has been read and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from flows.conditions import Condition

if TYPE_CHECKING:
    from flows.extraction.lexicon import Lexicon


class StepKind(StrEnum):
    CHOICE = "choice"  # pick one or several options
    TEXT = "text"  # free text, checked by `input`
    SUMMARY = "summary"  # show every answer; send or edit
    FINISH = "finish"  # after sending: optional offers, then the conversation ends


class InputKind(StrEnum):
    TEXT = "text"
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    exclusive: bool = False  # "nothing" cannot be picked together with something
    when: Condition | None = None  # finish offers: only shown when this holds
    sets: tuple[tuple[str, str], ...] = ()  # finish offers: answers to set when picked


@dataclass(frozen=True)
class Branch:
    goto: str
    when: Condition | None = None  # None: the default, always last


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    prompt: str
    label: str = ""  # how the summary names this answer
    hint: str | None = None
    help: str | None = None
    options: tuple[Option, ...] = ()
    multiple: bool = False
    input: InputKind = InputKind.TEXT
    required: bool = True
    max_length: int = 2000
    next: tuple[Branch, ...] = ()
    in_summary: bool = True

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class GuidanceItem:
    id: str
    title: str
    points: tuple[str, ...]
    when: Condition
    tone: str = "info"  # info | warning | reassurance


@dataclass(frozen=True)
class Notice:
    """Guidance the service shows when something outside the answers calls for it: a contact
    named in a security alert, the answer to "check this contact"."""

    id: str
    title: str
    points: tuple[str, ...]
    tone: str = "warning"


@dataclass(frozen=True)
class Flow:
    id: str
    version: int
    title: str
    start: str
    steps: dict[str, Step]
    guidance: tuple[GuidanceItem, ...]
    messages: dict[str, str]
    commands_help: str
    idle_timeout_hours: float = 24.0
    entry_words: tuple[str, ...] = ("report",)
    order: tuple[str, ...] = field(default=())  # step ids in file order, for summaries
    lexicon: Lexicon | None = None  # what to note from the reporter's own words (understanding.yaml)
    notices: dict[str, Notice] = field(default_factory=dict)

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def text(self, key: str, **params: object) -> str:
        return self.messages[key].format(**params)
