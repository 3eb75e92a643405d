""" "Check this contact" on a message (Slack's message shortcut, Teams' message action): the
message's words are checked as "check …" typed in the chat would be, but only when nothing else
is waiting for the reporter's next words.

The reporter did not type those words as an answer. With a report being written, or a question
from the security team waiting, they would land there (as the answer to the current question,
or sent to the team as the reporter's reply), so the check waits instead, and says so.
"""

from __future__ import annotations

from typing import Final

from bot.conversation import ConversationKey, Reply, load_envelope
from bot.messages import Text, Tone
from bot.report import Reporter
from bot.service import ReportingService
from flows.actions import TextAnswer

MAX_CHECKED: Final = 2000  # characters of the message read for a contact
BUSY: Final = (
    "You have a report in progress, or a question from the security team waiting for your answer, "
    "so I haven't checked this contact yet and nothing you've written has changed. Finish or "
    'pause that first (type "cancel" to put a report aside), then use Check this contact on the '
    "message again."
)


async def check_shared_message(
    service: ReportingService,
    key: ConversationKey,
    reporter: Reporter,
    text: str,
    event: tuple[str, str] | None,
) -> Reply:
    async with service.unit_of_work(readonly=True) as uow:
        stored = await uow.conversations.get(str(key))
    envelope = load_envelope(stored, service.clock(), service.engine.flow.id)
    if envelope.flow_running or envelope.awaiting is not None:
        return Reply([Text(BUSY, Tone.WARNING)], True)
    return await service.handle(key, reporter, TextAnswer("check " + text[:MAX_CHECKED]), event)
