"""What the security team does with a report: read it, search, and change it by triage commands.

actions.py    the TriageAction vocabulary every platform's buttons encode
service.py    TriageService: reads, search and the changes, one transaction each
"""

from bot.actors import Actor
from bot.triage.actions import TriageAction, actions_for
from bot.triage.service import (
    MAX_MESSAGE,
    MAX_NAME,
    MAX_NOTE,
    MAX_QUERY,
    MIN_QUERY,
    NotAllowed,
    TimelineEntry,
    TriageError,
    TriageService,
)

__all__ = [
    "MAX_MESSAGE",
    "MAX_NAME",
    "MAX_NOTE",
    "MAX_QUERY",
    "MIN_QUERY",
    "Actor",
    "NotAllowed",
    "TimelineEntry",
    "TriageAction",
    "TriageError",
    "TriageService",
    "actions_for",
]
