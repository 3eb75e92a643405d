"""The thread between the security team and the reporter, through the real service and triage."""

from __future__ import annotations

from bot.conversation import ConversationKey
from bot.messages import PickOptions, SubmitForm, SummaryCard, TextAnswer, TextQuestion
from bot.ports import MessageKind, OutboxStatus
from bot.report import Outcome, Reporter
from bot.triage import Actor, NotAllowed, TriageService
from tests.bot.test_service import ALICE, KEY, Clock, make_service, say_all
from tests.flows.helpers import FULL, QUICK

ANALYST = Actor("cli", "sam")
BOB_KEY = ConversationKey("console", "local", "bob")
BOB = Reporter(platform="console", user_id="bob")


class Team:
    def __init__(self, *members: tuple[str, str]) -> None:
        self.members = set(members)

    def allows(self, platform: str, user_id: str) -> bool:
        return (platform, user_id) in self.members


def make_triage(uow_factory, clock) -> TriageService:
    templates = {o: f"Closing template for {o.value}." for o in Outcome}
    return TriageService(
        uow_factory, clock, Team(("cli", "sam")), "We have your report and are looking at it.", templates
    )


async def submitted_quick_report(service, key=KEY, who=ALICE):
    await service.open(key, who)
    reply = await say_all(service, [*QUICK, "Send it now", "send", "That's all for now"], key, who)
    assert not reply.in_progress
    return reply.reference


def texts(reply) -> str:
    return "\n".join(getattr(m, "text", "") for m in reply.messages)


async def test_a_question_reaches_the_reporter_and_the_answer_reaches_the_inbox(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.ask(reference, "Did they give a phone number?", ANALYST)

    opened = await service.open(KEY, ALICE)
    question = opened.messages[-1]
    assert isinstance(question, TextQuestion) and "Did they give a phone number?" in question.text
    assert reference in question.text and "sam" not in question.text, "unsigned: the analyst stays anonymous"
    assert opened.in_progress

    answered = await service.handle(KEY, ALICE, TextAnswer("Yes, +44 20 7946 0000"))
    assert "your answer is with the security team" in texts(answered)
    async with uow_factory() as uow:
        thread = await uow.messages.for_report(reference)
        events = [e for e in await uow.outbox.list(OutboxStatus.PENDING) if e.event == "report.message"]
    answer = next(m for m in thread if m.kind is MessageKind.ANSWER)
    assert answer.body == "Yes, +44 20 7946 0000" and answer.in_reply_to is not None
    relayed = [e.payload["message"] for e in events if e.payload["message"]["kind"] == "answer"]
    assert relayed == [
        {
            "id": answer.id,
            "kind": "answer",
            "body": "Yes, +44 20 7946 0000",
            "from_label": "Reporter",
            "in_reply_to": answer.in_reply_to,
        }
    ]
    timeline = await triage.timeline(reference, ANALYST)
    assert [e.what for e in timeline if e.text] == ["question", "answer"]


async def test_a_signed_question_names_the_analyst(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.ask(reference, "When did they last write?", ANALYST, sign_as="Sam (security team)")
    opened = await service.open(KEY, ALICE)
    assert "— Sam (security team)" in opened.messages[-1].text


async def test_several_questions_come_one_at_a_time_and_later_defers(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.ask(reference, "First question?", ANALYST)
    await triage.ask(reference, "Second question?", ANALYST)
    opened = await service.open(KEY, ALICE)
    assert "First question?" in texts(opened) and "Second question?" not in texts(opened)
    after_first = await service.handle(KEY, ALICE, TextAnswer("First answer"))
    assert "Second question?" in texts(after_first)
    deferred = await service.handle(KEY, ALICE, TextAnswer("later"))
    assert "ask again the next time" in texts(deferred)
    assert "Second question?" not in texts(deferred), "later means later, not straight away"
    reopened = await service.open(KEY, ALICE)
    assert "still hoping for your answer" in texts(reopened) and "Second question?" in texts(reopened)
    answered = await service.handle(KEY, ALICE, TextAnswer("Second answer"))
    assert "your answer is with the security team" in texts(answered)
    async with uow_factory() as uow:
        assert await uow.messages.unanswered_questions(reference) == []


async def test_an_answer_with_control_characters_is_reasked_and_kept_waiting(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.ask(reference, "Anything else?", ANALYST)
    await service.open(KEY, ALICE)
    reply = await service.handle(KEY, ALICE, TextAnswer("no\x1b[2J"))
    assert "control characters" in texts(reply) and reply.in_progress
    reply = await service.handle(KEY, ALICE, TextAnswer("No, nothing else"))
    assert "your answer is with the security team" in texts(reply)


async def test_acknowledgement_and_closing_messages_are_told_once(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.acknowledge(reference, ANALYST)
    await triage.close(reference, Outcome.BENIGN, ANALYST)
    opened = await service.open(KEY, ALICE)
    said = texts(opened)
    assert "We have your report and are looking at it." in said
    assert "Closing template for benign." in said
    again = await service.open(KEY, ALICE)
    assert "Closing template for benign." not in texts(again)


async def test_my_reports_shows_only_the_reporters_own_with_status_and_news(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    mine = await submitted_quick_report(service)
    theirs = await submitted_quick_report(service, BOB_KEY, BOB)
    await triage.acknowledge(mine, ANALYST)
    await service.open(KEY, ALICE)  # the acknowledgement is delivered
    reply = await service.handle(KEY, ALICE, TextAnswer("my reports"))
    card = next(m for m in reply.messages if isinstance(m, SummaryCard))
    assert [f.label for f in card.fields] == [mine]
    assert "Seen by the security team" in card.fields[0].value
    assert "We have your report" in card.fields[0].value
    assert theirs not in texts(reply)
    assert reply.messages[-1] is card, "nothing else is started behind the list"


async def test_adding_information_to_an_open_report_updates_it_not_a_new_one(uow_factory):
    clock = Clock()
    service = make_service(uow_factory, clock)
    reference = await submitted_quick_report(service)
    listing = await service.handle(KEY, ALICE, TextAnswer("my reports"))
    card = next(m for m in listing.messages if isinstance(m, SummaryCard))
    prompt = await service.handle(KEY, ALICE, PickOptions(card.token, (card.actions[0].value,)))
    assert isinstance(prompt.messages[-1], TextQuestion) and reference in prompt.messages[-1].text
    done = await service.handle(KEY, ALICE, TextAnswer("They wrote again today from anna@new-domain.com"))
    assert "added to " + reference in texts(done)
    async with uow_factory() as uow:
        assert len(await uow.reports.list()) == 1
        [update] = [
            m for m in await uow.messages.for_report(reference) if m.kind is MessageKind.REPORTER_UPDATE
        ]
    assert "anna@new-domain.com" in update.body


async def test_add_by_typed_reference_and_by_form(uow_factory):
    clock = Clock()
    service = make_service(uow_factory, clock)
    reference = await submitted_quick_report(service)
    prompt = await service.handle(KEY, ALICE, TextAnswer(f"add {reference.lower()}"))
    assert prompt.in_progress and reference in prompt.messages[-1].text
    await service.handle(KEY, ALICE, TextAnswer("later"))
    done = await service.handle(
        KEY, ALICE, SubmitForm(f"add:{reference}", {"add": "A second profile: linkedin.com/in/anna-2"})
    )
    assert "added to" in texts(done)


async def test_nobody_can_add_to_or_answer_for_someone_elses_report(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    alices = await submitted_quick_report(service)
    question = await triage.ask(alices, "Anything else?", ANALYST)
    await submitted_quick_report(service, BOB_KEY, BOB)
    sneaky_add = await service.handle(BOB_KEY, BOB, TextAnswer(f"add {alices}"))
    assert "can't find an open report" in texts(sneaky_add)
    sneaky_answer = await service.handle(
        BOB_KEY, BOB, SubmitForm(f"answer:{question.id}", {"answer": "hijacked"})
    )
    assert "can't find that question" in texts(sneaky_answer)
    async with uow_factory() as uow:
        kinds = [m.kind for m in await uow.messages.for_report(alices)]
    assert kinds == [MessageKind.QUESTION]


async def test_a_closed_report_cannot_be_added_to(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.close(reference, Outcome.BENIGN, ANALYST, "Thanks, all fine.")
    reply = await service.handle(KEY, ALICE, TextAnswer(f"add {reference}"))
    assert "start a new report" in texts(reply)


async def test_only_the_security_team_can_ask(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    try:
        await triage.ask(reference, "Send me your password", Actor("slack", "U0MALLORY"))
    except NotAllowed:
        pass
    else:
        raise AssertionError("an outsider could ask the reporter a question")
    opened = await service.open(KEY, ALICE)
    assert "password" not in texts(opened)
    async with uow_factory() as uow:
        trail = await uow.audit.for_report(reference)
    refused = [e for e in trail if e.action == "triage.refused"]
    assert refused and refused[0].actor == "slack:U0MALLORY"


async def test_a_question_arriving_mid_report_waits_for_the_next_open(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await service.open(KEY, ALICE)
    await say_all(service, FULL[:2])
    await triage.ask(reference, "One more thing?", ANALYST)
    mid = await service.handle(KEY, ALICE, TextAnswer("1"))
    assert "One more thing?" not in texts(mid), "a typed answer to the flow stays with the flow"
    resumed = await service.open(KEY, ALICE)
    assert "One more thing?" in texts(resumed)
    assert isinstance(resumed.messages[-1], TextQuestion) and resumed.messages[-1].key == "answer"
    answered = await service.handle(KEY, ALICE, TextAnswer("Here it is"))
    assert "your answer is with the security team" in texts(answered)
    assert answered.messages[-1].key == "approach_kinds", "then straight back to the report in progress"
    async with uow_factory() as uow:
        draft = (await uow.conversations.get(str(KEY))).state["flow"]["answers"]
    assert draft["pace"] == "add_detail"
    assert "approach_kinds" not in draft, "the answer never leaked into the flow"


async def test_coming_back_to_news_offers_a_new_report_instead_of_starting_one(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.close(reference, Outcome.BENIGN, ANALYST, "All checked — thank you.")
    opened = await service.open(KEY, ALICE)
    assert "All checked" in texts(opened)
    assert opened.messages[-1].token == "idle", "an offer to report again, not the first question"
    assert "what happened" not in texts(opened)


async def test_the_timeline_says_who_was_assigned_and_a_repeated_acknowledgement_is_not_a_new_one(
    uow_factory,
):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.acknowledge(reference, ANALYST)
    await triage.acknowledge(reference, ANALYST)
    await triage.assign(reference, "Priya", ANALYST)
    timeline = await triage.timeline(reference, ANALYST)
    whats = [e.what for e in timeline]
    assert whats.count("report.acknowledged") == 1 and "report.already_acknowledged" in whats
    assigned = next(e for e in timeline if e.what == "report.assigned")
    assert assigned.text == "assigned to: Priya"
