"""Which messages go to the follow-up rather than the reporting flow: one pure table."""

from __future__ import annotations

import pytest

from bot.conversation import Envelope
from bot.follow_up_routing import FollowUp, route
from bot.reporter_desk import MY_REPORTS, Awaiting
from flows.actions import Command, CommandName, PickOptions, SubmitForm, TextAnswer, UserAction

IDLE = Envelope()
ASKED = Envelope(awaiting=Awaiting("answer", "TIP-7K3Q9D", 12))


@pytest.mark.parametrize(
    ("action", "envelope", "expected"),
    [
        (SubmitForm("answer:12", {"answer": "yes"}), IDLE, FollowUp.BUTTON),
        (SubmitForm("add:TIP-7K3Q9D", {"add": "more"}), IDLE, FollowUp.BUTTON),
        (PickOptions(MY_REPORTS, ("add:TIP-7K3Q9D",)), IDLE, FollowUp.BUTTON),
        (PickOptions("t3", ("recruiter",)), IDLE, None),  # the flow's own question
        (TextAnswer("my reports"), ASKED, FollowUp.MY_REPORTS),  # even with a question waiting
        (TextAnswer("My  Data"), IDLE, FollowUp.MY_DATA),
        (TextAnswer("add to 7k3q9d"), IDLE, FollowUp.ADD),
        (TextAnswer("He messaged again today"), ASKED, FollowUp.ANSWER),
        (TextAnswer("He messaged again today"), IDLE, None),  # nothing waits: the flow's
        (Command(CommandName.START), IDLE, FollowUp.NEWS),
        (Command(CommandName.CANCEL), ASKED, None),
    ],
)
def test_each_message_goes_where_the_reporter_means_it(
    action: UserAction, envelope: Envelope, expected: FollowUp | None
) -> None:
    assert route(action, envelope) == expected
