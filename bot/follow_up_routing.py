"""Which of the reporter's messages are for the follow-up (the reporter's side of the thread
with the security team) rather than the reporting flow, decided by one pure function, and the
desk's answer to each.

`route` reads only the action and the conversation's envelope, so the fast turn path can ask
it without touching storage (a message for the desk needs the unit of work), and it is tested
as a table. `take` carries the route out on the desk.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.conversation import Envelope
from bot.messages import Text, Tone
from bot.ports import UnitOfWork
from bot.report import Reporter
from bot.reporter_data import data_copy, is_my_data
from bot.reporter_desk import (
    ADD,
    ANSWER,
    MY_REPORTS,
    Awaiting,
    DeskReply,
    ReporterDesk,
    add_request,
    is_my_reports,
)
from flows.actions import Command, CommandName, PickOptions, SubmitForm, TextAnswer, UserAction

NOT_FOUND = "I can't find that question."


class FollowUp(StrEnum):
    BUTTON = "button"  # a click or form on the team's question, "add to a report", "my reports"
    MY_REPORTS = "my_reports"  # "my reports" typed
    MY_DATA = "my_data"  # "my data" typed
    ADD = "add"  # "add", "add TIP-…" typed
    ANSWER = "answer"  # words while a question from the team (or an "add") waits for them
    NEWS = "news"  # starting again: what the team sent meanwhile comes first


def route(action: UserAction, envelope: Envelope) -> FollowUp | None:
    """The follow-up this action is for, or None: it is for the reporting flow."""
    if isinstance(action, (PickOptions, SubmitForm)):
        return FollowUp.BUTTON if action.token.startswith((ANSWER, ADD, MY_REPORTS)) else None
    if isinstance(action, TextAnswer):
        if is_my_reports(action.text):
            return FollowUp.MY_REPORTS
        if is_my_data(action.text):
            return FollowUp.MY_DATA
        if add_request(action.text) is not None:
            return FollowUp.ADD
        return FollowUp.ANSWER if envelope.awaiting is not None else None
    if isinstance(action, Command) and action.name is CommandName.START:
        return FollowUp.NEWS
    return None


async def take(
    desk: ReporterDesk,
    uow: UnitOfWork,
    follow_up: FollowUp,
    envelope: Envelope,
    reporter: Reporter,
    action: UserAction,
    now: datetime,
) -> DeskReply | None:
    """The desk's answer; None when it has nothing to say (starting with no news)."""
    if follow_up is FollowUp.BUTTON:
        assert isinstance(action, (PickOptions, SubmitForm))
        return await _button(desk, uow, reporter, action, now)
    if follow_up is FollowUp.MY_REPORTS:
        return DeskReply(await desk.my_reports(uow, reporter), envelope.awaiting)
    if follow_up is FollowUp.MY_DATA:
        return DeskReply(await data_copy(uow, reporter, envelope, now), envelope.awaiting, deferred=True)
    assert isinstance(action, (TextAnswer, Command))
    if follow_up is FollowUp.ADD and isinstance(action, TextAnswer):
        return await desk.start_adding(uow, reporter, add_request(action.text) or "")
    if follow_up is FollowUp.ANSWER and isinstance(action, TextAnswer) and envelope.awaiting is not None:
        return await desk.receive(uow, reporter, envelope.awaiting, action.text, now)
    if follow_up is FollowUp.NEWS:
        return await desk.news(uow, reporter, now)
    return None


async def _button(
    desk: ReporterDesk, uow: UnitOfWork, reporter: Reporter, action: PickOptions | SubmitForm, now: datetime
) -> DeskReply:
    token = action.token
    if isinstance(action, PickOptions):
        picked = action.values[0] if action.values else ""
        if token == MY_REPORTS and picked.startswith(ADD):
            return await desk.start_adding(uow, reporter, picked.removeprefix(ADD))
        return DeskReply([], None)
    if token.startswith(ANSWER) and token.removeprefix(ANSWER).isdigit():
        awaiting = await desk.owns_question(uow, reporter, int(token.removeprefix(ANSWER)))
        if awaiting is None:
            return DeskReply([Text(NOT_FOUND, Tone.WARNING)], None)
        answered = await desk.already_answered(uow, awaiting)
        if answered is not None:
            return answered
        return await desk.receive(uow, reporter, awaiting, action.fields.get("answer", ""), now)
    if token.startswith(ADD):
        awaiting = Awaiting("add", token.removeprefix(ADD))
        return await desk.receive(uow, reporter, awaiting, action.fields.get("add", ""), now)
    return DeskReply([], None)
