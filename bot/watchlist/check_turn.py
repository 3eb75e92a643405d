""" "check <contact>" as a turn of the reporter's conversation: typed, or its red-flag questions
answered, while no report is under way and no question from the security team waits."""

from __future__ import annotations

from bot.conversation import Envelope
from bot.idle import starts_a_report
from bot.messages import Message
from bot.ports import UnitOfWork
from bot.report import Reporter
from bot.watchlist.check import CHECK_TOKEN, ContactCheck, is_check
from flows.actions import PickOptions, TextAnswer, UserAction, command_in_text
from flows.model import Flow


def for_the_check(checks: ContactCheck | None, action: UserAction, envelope: Envelope) -> bool:
    """Whether "check this contact" may take this action (it reads the watchlist)."""
    if checks is None or envelope.flow_running or envelope.awaiting is not None:
        return False
    if isinstance(action, PickOptions):
        return action.token == CHECK_TOKEN
    return isinstance(action, TextAnswer) and (envelope.checking or is_check(action.text))


async def contact_check(
    checks: ContactCheck | None,
    flow: Flow,
    uow: UnitOfWork,
    envelope: Envelope,
    reporter: Reporter,
    action: UserAction,
) -> list[Message] | None:
    """The check's answer, or None: the action is not for the check (and ends one waiting)."""
    if checks is None or envelope.flow_running or envelope.awaiting is not None:
        return None
    if isinstance(action, PickOptions) and action.token == CHECK_TOKEN:
        messages, envelope.checking = checks.answer(action.values, None)
    elif isinstance(action, TextAnswer) and is_check(action.text):
        messages, envelope.checking = await checks.start(uow, reporter, action.text)
    elif isinstance(action, TextAnswer) and envelope.checking and not starts_a_report(flow, action):
        if command_in_text(action.text) is not None:
            envelope.checking = False
            return None
        messages, envelope.checking = checks.answer(None, action.text)
    else:
        envelope.checking = False
        return None
    return messages
