"""The triage actions a report's card offers, one vocabulary for every platform.

Slack encodes an action as the button's action id ("triage:ack"), Teams as the submit's data
({"tipline_triage": "ack"}). Cards posted before this vocabulary carry older ids; `parse`
still reads them, so the buttons of every card already in a channel keep working.
"""

from __future__ import annotations

from enum import StrEnum

from bot.report import Status


class TriageAction(StrEnum):
    ACKNOWLEDGE = "ack"
    ASSIGN_TO_ME = "assign"
    ASK = "ask"
    NOTE = "note"
    CLOSE = "close"
    REOPEN = "reopen"
    SHARE_STIX = "share_stix"  # the report's STIX bundle as a file where the card is (bot.sharing.files)

    @classmethod
    def parse(cls, text: object) -> TriageAction | None:
        """The action a value names, also in an older spelling; None for anything else."""
        if not isinstance(text, str):
            return None
        text = _OLDER.get(text, text)
        try:
            return cls(text)
        except ValueError:
            return None


_OLDER = {"assign_me": "assign"}  # Slack's id for Assign to me on cards posted before this enum


def actions_for(status: Status) -> tuple[TriageAction, ...]:
    """What can be done at this status: a closed report can take a note, be reopened or be shared,
    nothing else; Acknowledge only while it is new; sharing at every status."""
    if status is Status.CLOSED:
        return (TriageAction.NOTE, TriageAction.REOPEN, TriageAction.SHARE_STIX)
    first = (TriageAction.ACKNOWLEDGE,) if status is Status.NEW else ()
    return (
        *first,
        TriageAction.ASSIGN_TO_ME,
        TriageAction.ASK,
        TriageAction.NOTE,
        TriageAction.CLOSE,
        TriageAction.SHARE_STIX,
    )
