"""What the engine decides: things to show the user, and effects for the service to carry out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.model import GuidanceItem, Option, Step
from flows.state import ConversationState


@dataclass(frozen=True)
class Say:
    text: str
    tone: str = "info"  # info | warning | success


@dataclass(frozen=True)
class Ask:
    """Put a flow question. `problem` is set on a re-ask; `kept` is what they typed last time."""

    step: Step
    token: str
    problem: str | None = None
    kept: str | None = None
    current: str | None = None  # the answer already given, shown when going back or editing
    field_problems: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Offer:
    """A choice the flow itself puts: confirm cancel, resume a draft, add more detail..."""

    token: str
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class ShowGuidance:
    items: tuple[GuidanceItem, ...]


@dataclass(frozen=True)
class SummaryRow:
    number: int
    step_id: str
    label: str
    answer: str


@dataclass(frozen=True)
class ShowSummary:
    token: str
    intro: str
    rows: tuple[SummaryRow, ...]
    actions_hint: str
    is_update: bool


@dataclass(frozen=True)
class ReportSent:
    """The presenter fills in the reference the service got back."""

    is_update: bool


Output = Say | Ask | Offer | ShowGuidance | ShowSummary | ReportSent


@dataclass(frozen=True)
class SubmitReport:
    answers: Mapping[str, Any]  # only the answers on the path actually taken
    is_update: bool


@dataclass(frozen=True)
class KeepDraft:
    days: int


@dataclass(frozen=True)
class DiscardDraft:
    pass


@dataclass(frozen=True)
class EndConversation:
    pass


Effect = SubmitReport | KeepDraft | DiscardDraft | EndConversation


@dataclass(frozen=True)
class Turn:
    state: ConversationState
    outputs: tuple[Output, ...]
    effects: tuple[Effect, ...] = ()
    # The click or command answered a question that had already moved on: nothing was used.
    moved_on: bool = False
