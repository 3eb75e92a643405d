"""News for a reporter on a platform that can message them first, through the real outbox worker."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation import ConversationKey
from bot.delivery import DeliveryWorker
from bot.destinations import DeliveryFailed
from bot.messages import Text, TextAnswer, TextQuestion
from bot.ports import MessageKind
from bot.report import Outcome, Reporter
from bot.reporter_push import REPORTER_DESTINATION, ReporterInbox
from tests.bot.test_followup import ANALYST, make_triage, submitted_quick_report, texts
from tests.bot.test_service import Clock, make_service

SLACK_KEY = ConversationKey("slack", "T0WORK", "U0ALICE")
ALICE = Reporter(platform="slack", user_id="U0ALICE", display_name="Alice", workspace="T0WORK")


class RecordingChannel:
    """Stands where Slack's or Teams' direct messages would be; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[Reporter, list]] = []
        self.failures = 0

    async def send(self, reporter, messages) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("platform unavailable")
        self.sent.append((reporter, list(messages)))


def worker_for(uow_factory, clock, service, channel) -> DeliveryWorker:
    inbox = ReporterInbox(service.push_news, {"slack": channel})
    return DeliveryWorker(
        uow_factory,
        {REPORTER_DESTINATION: inbox, "file": _Nowhere()},
        clock,
        backoff_base=timedelta(seconds=1),
    )


class _Nowhere:
    name = "file"

    async def deliver(self, entry) -> None:
        return None


async def test_a_question_is_pushed_and_the_next_message_answers_it(uow_factory):
    clock, channel = Clock(), RecordingChannel()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service, SLACK_KEY, ALICE)
    await triage.ask(reference, "Was the profile photo a stock image?", ANALYST)
    await worker_for(uow_factory, clock, service, channel).run_once()

    [(who, messages)] = channel.sent
    assert who.user_id == "U0ALICE"
    assert isinstance(messages[-1], TextQuestion) and "stock image" in messages[-1].text
    reply = await service.handle(SLACK_KEY, ALICE, TextAnswer("Yes, I found it on a stock site"))
    assert "your answer is with the security team" in texts(reply)
    async with uow_factory() as uow:
        kinds = [m.kind for m in await uow.messages.for_report(reference)]
    assert kinds == [MessageKind.QUESTION, MessageKind.ANSWER]


async def test_a_failed_push_is_retried_and_delivered_once(uow_factory):
    clock, channel = Clock(), RecordingChannel()
    channel.failures = 1
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service, SLACK_KEY, ALICE)
    await triage.close(reference, Outcome.BENIGN, ANALYST, "All fine — thank you for telling us.")
    worker = worker_for(uow_factory, clock, service, channel)
    await worker.run_once()
    assert channel.sent == []
    clock.now += timedelta(minutes=5)
    await worker.run_once()
    await worker.run_once()
    assert len(channel.sent) == 1
    assert isinstance(channel.sent[0][1][0], Text) and "All fine" in channel.sent[0][1][0].text
    opened = await service.open(SLACK_KEY, ALICE)
    assert "All fine" not in texts(opened), "pushed once, not shown again"


async def test_a_second_question_waits_while_the_first_is_unanswered(uow_factory):
    clock, channel = Clock(), RecordingChannel()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service, SLACK_KEY, ALICE)
    worker = worker_for(uow_factory, clock, service, channel)
    await triage.ask(reference, "First?", ANALYST)
    await worker.run_once()
    await triage.ask(reference, "Second?", ANALYST)
    await worker.run_once()
    assert [m.text for _, batch in channel.sent for m in batch] == [channel.sent[0][1][0].text]
    answered = await service.handle(SLACK_KEY, ALICE, TextAnswer("First answer"))
    assert "Second?" in texts(answered), "the next question follows the answer"


async def test_console_reporters_get_nothing_pushed_and_see_it_when_they_open(uow_factory):
    clock, channel = Clock(), RecordingChannel()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    console_key = ConversationKey("console", "local", "bob")
    bob = Reporter(platform="console", user_id="bob", workspace="local")
    reference = await submitted_quick_report(service, console_key, bob)
    await triage.ask(reference, "Anything else?", ANALYST)
    await worker_for(uow_factory, clock, service, channel).run_once()
    assert channel.sent == []
    opened = await service.open(console_key, bob)
    assert "Anything else?" in texts(opened)
