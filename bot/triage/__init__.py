"""What the security team does with a report: read it, search, and change it by triage commands.

actions.py    the TriageAction vocabulary every platform's buttons encode
commands.py   the commands (Acknowledge, Assign, Ask, ...), TriageResult, one refusal wording
service.py    TriageService: `apply(command, actor)`, and the methods the CLI calls
core.py       membership, audit and the one-transaction change machinery
reads.py      a report, a list, a timeline
search.py     related reports, and every report that mentions an indicator
changes.py    acknowledge, assign, ask, note, link, close, reopen
"""

from bot.actors import Actor
from bot.triage.actions import TriageAction, actions_for
from bot.triage.commands import (
    FAILED,
    REFUSAL,
    Acknowledge,
    Ask,
    Assign,
    Close,
    Link,
    Note,
    Reopen,
    TriageCommand,
    TriageResult,
    input_problem,
)
from bot.triage.core import MAX_MESSAGE, MAX_NAME, MAX_NOTE, MAX_QUERY, MIN_QUERY, NotAllowed, TriageError
from bot.triage.reads import TimelineEntry
from bot.triage.service import TriageService

__all__ = [
    "FAILED",
    "MAX_MESSAGE",
    "MAX_NAME",
    "MAX_NOTE",
    "MAX_QUERY",
    "MIN_QUERY",
    "REFUSAL",
    "Acknowledge",
    "Actor",
    "Ask",
    "Assign",
    "Close",
    "Link",
    "NotAllowed",
    "Note",
    "Reopen",
    "TimelineEntry",
    "TriageAction",
    "TriageCommand",
    "TriageError",
    "TriageResult",
    "TriageService",
    "actions_for",
    "input_problem",
]
