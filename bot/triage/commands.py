"""Triage as commands: what an analyst asked for, as data, and what came of it.

Every chat platform turns a click or a submitted form into one of these and hands it to
`TriageService.apply`, which checks the input, acts and words the outcome; the adapter only
shows `TriageResult.text`. One wording for a refusal and one for a failure, on every platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.ports import ReportMessage
from bot.report import LinkKind, Outcome, Report
from bot.triage.actions import TriageAction
from bot.triage.core import MAX_MESSAGE, MAX_NOTE

REFUSAL: Final = (
    "Only the security team can act on reports, so nothing was changed. The attempt has been "
    "recorded. If you think you should be on the team, ask its lead."
)
FAILED: Final = "Something went wrong and nothing was changed. Please try again in a moment."
CHOOSE_OUTCOME: Final = "Choose an outcome."


@dataclass(frozen=True)
class Acknowledge:
    reference: str


@dataclass(frozen=True)
class Assign:
    reference: str
    analyst: str | None = None  # None: the analyst who asked ("Assign to me")


@dataclass(frozen=True)
class Ask:
    reference: str
    question: str
    signed: bool = False  # sign with the analyst's name; else it is from "the security team"


@dataclass(frozen=True)
class Note:
    reference: str
    text: str


@dataclass(frozen=True)
class Close:
    reference: str
    outcome: Outcome | None  # None: not chosen yet (refused, with CHOOSE_OUTCOME)
    message: str | None = None  # empty or None: the outcome's standard message


@dataclass(frozen=True)
class Reopen:
    reference: str


@dataclass(frozen=True)
class Link:
    reference: str
    other: str
    kind: LinkKind


TriageCommand = Acknowledge | Assign | Ask | Note | Close | Reopen | Link

# What each command is filed as in the audit trail (also when it is refused).
AUDIT_ACTION: Final[dict[type, str]] = {
    Acknowledge: "report.acknowledged",
    Assign: "report.assigned",
    Ask: "report.question",
    Note: "report.note",
    Close: "report.closed",
    Reopen: "report.reopened",
    Link: "report.linked",
}
COMMAND_OF: Final[dict[TriageAction, type]] = {
    TriageAction.ACKNOWLEDGE: Acknowledge,
    TriageAction.ASSIGN_TO_ME: Assign,
    TriageAction.ASK: Ask,
    TriageAction.NOTE: Note,
    TriageAction.CLOSE: Close,
    TriageAction.REOPEN: Reopen,
}


@dataclass(frozen=True)
class TriageResult:
    """What came of a command. `text` is what to tell the analyst when it was not done."""

    done: bool
    text: str = ""
    refused: bool = False  # not a member of the security team
    report: Report | None = None
    message: ReportMessage | None = None  # the question or note written


def input_problem(command: TriageCommand) -> str | None:
    """What is wrong with what the analyst typed, in words for them; None when nothing is.

    Checked before anything else (a chat form shows it next to the field)."""
    if isinstance(command, Ask):
        return _length_problem(command.question.strip(), MAX_MESSAGE, "question")
    if isinstance(command, Note):
        return _length_problem(command.text.strip(), MAX_NOTE, "note")
    if isinstance(command, Close):
        if command.outcome is None:
            return CHOOSE_OUTCOME
        return _length_problem((command.message or "").strip(), MAX_MESSAGE, "message", required=False)
    return None


def _length_problem(text: str, limit: int, what: str, *, required: bool = True) -> str | None:
    if required and not text:
        return f"Write the {what} first."
    if len(text) > limit:
        return f"That's {len(text):,} characters; the limit is {limit:,}. Could you shorten it?"
    return None
