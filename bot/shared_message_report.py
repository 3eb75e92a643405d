""" "Report this message" (Slack's message shortcut, Teams' message action): a report is started
(or the one being written resumed) with the shared message as its evidence.

Two turns of the service, each with its own dedupe id (a platform's redelivery repeats neither),
and one rule for what the reporter sees: the opening, then the message they shared (each adapter
quotes it in its own layout), then the thank-you and the next question. When attaching brings the
question again, the opening's copy of it is left out, so it is asked once, last.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import ConversationKey
from bot.messages import Message, Question, SummaryCard, TextQuestion
from bot.report import EvidenceFile, Reporter
from bot.service import ReportingService
from flows.actions import Command, CommandName

_INTERACTIVE = (Question, TextQuestion, SummaryCard)


@dataclass(frozen=True)
class SharedMessageReply:
    """What to show, in order: `opening`, the adapter's quote of the message, `after`."""

    opening: list[Message]
    after: list[Message]


async def report_shared_message(
    service: ReportingService,
    key: ConversationKey,
    reporter: Reporter,
    evidence: EvidenceFile,
    source: str,
    dedupe_id: str,
) -> SharedMessageReply | None:
    """None when the platform sent the same action again (already handled: show nothing)."""
    start = await service.handle(key, reporter, Command(CommandName.START), (source, f"{dedupe_id}:start"))
    attached = await service.attach_files(key, reporter, [evidence], (source, f"{dedupe_id}:attach"))
    if attached.duplicate:
        return None
    opening = list(start.messages)
    if any(isinstance(m, _INTERACTIVE) for m in attached.messages):
        opening = [m for m in opening if not isinstance(m, _INTERACTIVE)]
    return SharedMessageReply(opening, list(attached.messages))
