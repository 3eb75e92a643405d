"""The service through real storage: each turn saved before the reply, reports and their
deliveries written together, redeliveries handled once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.conversation import ConversationKey
from bot.messages import (
    Command,
    CommandName,
    PickOptions,
    Question,
    SummaryCard,
    Text,
    TextAnswer,
    TextQuestion,
)
from bot.ports import OutboxStatus
from bot.report import Reporter, Status
from bot.service import ReportingService
from flows.engine import Engine
from tests.flows.helpers import FLOW, FULL, NOW, QUICK

KEY = ConversationKey("console", "local", "alice")
ALICE = Reporter(platform="console", user_id="alice", display_name="Alice", workspace="local")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        self.now += timedelta(seconds=3)
        return self.now


def make_service(
    uow_factory, clock=None, destinations=("file",), woken=None, conversations=None
) -> ReportingService:
    return ReportingService(
        Engine(FLOW),
        uow_factory,
        clock or Clock(),
        route=lambda report: list(destinations),
        on_queued=(lambda: woken.append(1)) if woken is not None else (lambda: None),
        conversations=conversations,
    )


async def say_all(service, texts, key=KEY, who=ALICE):
    reply = None
    for text in texts:
        reply = await service.handle(key, who, TextAnswer(text))
    return reply


async def test_each_answer_is_saved_so_a_new_process_resumes_at_the_same_question(uow_factory):
    first = make_service(uow_factory)
    await first.open(KEY, ALICE)
    await say_all(first, FULL[:5])
    restarted = make_service(uow_factory)  # a fresh service: nothing carried over in memory
    reply = await restarted.open(KEY, ALICE)
    question = reply.messages[-1]
    assert isinstance(question, TextQuestion) and question.key == "profile_url"
    reply = await say_all(restarted, [*FULL[5:], "send"])
    assert any(isinstance(m, Text) and "Your reference is" in m.text for m in reply.messages)


async def test_a_report_and_one_delivery_per_destination_are_written_together(uow_factory):
    woken: list[int] = []
    service = make_service(uow_factory, destinations=("file", "audit-mirror"), woken=woken)
    await service.open(KEY, ALICE)
    reply = await say_all(service, [*FULL, "send"])
    assert reply.reference and reply.queued == 2 and woken == [1]
    async with uow_factory() as uow:
        report = await uow.reports.get(reply.reference)
        entries = await uow.outbox.list(OutboxStatus.PENDING)
        trail = await uow.audit.for_report(reply.reference)
    assert report is not None and report.status is Status.NEW
    assert sorted(e.destination for e in entries) == ["audit-mirror", "file"]
    assert all(e.payload["report"] == report.model_dump(mode="json") for e in entries)
    assert all(e.payload["event"] == "report.submitted" for e in entries)
    assert report.routed_to == ["file", "audit-mirror"]
    assert [t.action for t in trail] == ["report.submitted"]
    assert trail[0].actor == "console:alice"


async def test_detail_added_after_a_quick_send_updates_the_same_report(uow_factory):
    service = make_service(uow_factory)
    await service.open(KEY, ALICE)
    sent = await say_all(service, [*QUICK, "Send it now", "send"])
    reference = sent.reference
    assert isinstance(sent.messages[-1], Question)  # offered to add more
    await service.handle(KEY, ALICE, PickOptions(sent.messages[-1].token, ("add_detail",)))
    update = await say_all(service, [*FULL[3:], "send"])
    assert update.reference == reference and not update.in_progress
    async with uow_factory() as uow:
        report = await uow.reports.get(reference)
        events = sorted(e.event for e in await uow.outbox.list())
    assert report.revision == 2 and report.detail_level == "full" and report.channel == "linkedin"
    assert events == ["report.submitted", "report.updated"]


async def test_a_redelivered_platform_event_is_handled_once(uow_factory):
    service = make_service(uow_factory)
    await service.open(KEY, ALICE)
    event = ("slack", "Ev0123")
    first = await service.handle(KEY, ALICE, TextAnswer(FULL[0]), event=event)
    again = await service.handle(KEY, ALICE, TextAnswer(FULL[0]), event=event)
    assert not first.duplicate and again.duplicate and again.messages == []
    reply = await service.handle(KEY, ALICE, TextAnswer("Anna"), event=("slack", "Ev0124"))
    assert isinstance(reply.messages[-1], Question) and reply.messages[-1].key == "pace"


async def test_two_messages_at_once_are_both_applied_in_turn(uow_factory):
    service = make_service(uow_factory)
    await service.open(KEY, ALICE)
    await asyncio.gather(
        service.handle(KEY, ALICE, TextAnswer(FULL[0])),
        service.handle(KEY, ALICE, TextAnswer(FULL[1])),
    )
    reply = await service.open(KEY, ALICE)
    assert isinstance(reply.messages[-1], Question) and reply.messages[-1].key == "pace"


async def test_with_no_conversation_open_a_message_gets_an_offer_to_start(uow_factory):
    service = make_service(uow_factory)
    reply = await service.handle(KEY, ALICE, TextAnswer("hi there"))
    assert not reply.in_progress
    [offer] = reply.messages
    assert isinstance(offer, Question) and offer.options[0].value == "report"
    started = await service.handle(KEY, ALICE, PickOptions(offer.token, ("report",)))
    assert isinstance(started.messages[-1], TextQuestion) and started.messages[-1].key == "what_happened"


async def test_a_cancelled_draft_is_forgotten_after_its_keep_days(uow_factory):
    clock = Clock()
    service = make_service(uow_factory, clock=clock)
    await service.open(KEY, ALICE)
    await say_all(service, [FULL[0], "cancel", "yes"])
    clock.now += timedelta(days=29)
    kept = await service.handle(KEY, ALICE, Command(CommandName.START))
    assert "unfinished report" in kept.messages[-1].text
    clock.now += timedelta(days=2)
    async with uow_factory() as uow:
        assert await uow.conversations.delete_expired(clock.now) == 1
        await uow.commit()
    fresh = await service.handle(KEY, ALICE, Command(CommandName.START))
    assert isinstance(fresh.messages[-1], TextQuestion) and fresh.messages[-1].key == "what_happened"


async def test_conversations_of_two_people_never_mix(uow_factory):
    service = make_service(uow_factory)
    bob_key, bob = ConversationKey("console", "local", "bob"), Reporter(platform="console", user_id="bob")
    await service.open(KEY, ALICE)
    await service.open(bob_key, bob)
    await say_all(service, QUICK, KEY, ALICE)
    reply = await service.open(bob_key, bob)
    assert reply.messages[-1].key == "what_happened"


async def test_the_summary_card_lists_answers_with_edit_keys(uow_factory):
    service = make_service(uow_factory)
    await service.open(KEY, ALICE)
    reply = await say_all(service, [*QUICK, "2"])
    card = reply.messages[-1]
    assert isinstance(card, SummaryCard)
    assert [(f.label, f.edit_key) for f in card.fields] == [
        ("What happened", "what_happened"),
        ("Who contacted you", "who"),
    ]
    assert card.actions[0].value == "send"
