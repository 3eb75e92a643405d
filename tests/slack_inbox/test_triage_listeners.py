"""The triage buttons and modals, dispatched to a Bolt app as signed requests, on real storage;
the card and its thread follow through the real delivery worker and the recording Web API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.inbox import cards
from adapters.slack.inbox.modals import ASK_VIEW, CLOSE_OUTCOME, CLOSE_VIEW, NOTE_VIEW
from adapters.slack.triage_listeners import REFUSAL, register_triage_listeners
from bot.deadlines import DeadlineScheduler
from bot.delivery import DeliveryWorker
from bot.ports import Deadline, DeadlineKind, MessageKind
from bot.report import Outcome, Status
from bot.reporter_desk import Awaiting, ReporterDesk
from bot.security import DeadlinePolicy, Templates
from bot.triage import TriageService
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock
from tests.slack import web_api
from tests.slack.web_api import RecordingSlackApi
from tests.slack_inbox.support import (
    CHANNEL,
    MEMBER,
    OUTSIDER,
    SIGNING_SECRET,
    SLACK_REPORTER,
    Settings,
    card_of,
    click,
    interact,
    stored,
    submit,
    texts,
)
from tests.triage.support import audit_trail, refusals

UowFactory = Callable[[], SqlUnitOfWork]
CARD_TS = "1700000000.000100"


@pytest.fixture
async def app(client: AsyncWebClient, triage: TriageService, templates: Templates) -> AsyncApp:
    bolt = AsyncApp(signing_secret=SIGNING_SECRET, client=client, process_before_response=True)
    register_triage_listeners(bolt, triage, templates, Settings(CHANNEL))
    return bolt


@pytest.fixture
async def carded(uow_factory: UowFactory, worker: DeliveryWorker, slack_api: RecordingSlackApi, clock: Clock):
    """A report from a Slack user, its card already in the channel."""
    report = await submit(uow_factory, clock())
    await worker.run_once()
    assert (await card_of(uow_factory, report.reference)).thread_id == CARD_TS
    slack_api.clear()
    return report


def _thread_posts(slack_api: RecordingSlackApi) -> list[dict[str, Any]]:
    return [p for p in slack_api.calls_to("chat.postMessage") if p.get("thread_ts") == CARD_TS]


def _opened(slack_api: RecordingSlackApi) -> dict[str, Any]:
    [opened] = slack_api.calls_to("views.open")
    view: dict[str, Any] = opened["view"]
    return view


def _submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return web_api.view_submission(
        user, view["callback_id"], values, private_metadata=view["private_metadata"]
    )


def _text(value: str | None, block_id: str = "text") -> dict[str, Any]:
    return {block_id: {"value": {"type": "plain_text_input", "value": value}}}


async def test_acknowledge_by_a_member_and_the_card_follows_in_place(
    app: AsyncApp,
    carded,
    slack_api: RecordingSlackApi,
    worker: DeliveryWorker,
    uow_factory: UowFactory,
    clock: Clock,
) -> None:
    response = await interact(app, click(MEMBER, cards.ACK, carded.reference))
    assert response.status == 200
    report = await stored(uow_factory, carded.reference)
    assert report.status is Status.ACKNOWLEDGED
    assert slack_api.calls_to("chat.update") == []  # the worker edits the card, not the click
    clock.advance(timedelta(seconds=1))
    await worker.run_once()
    [update] = slack_api.calls_to("chat.update")
    assert (update["channel"], update["ts"]) == (CHANNEL, CARD_TS)
    assert "*Status: Acknowledged*" in texts(update)
    buttons = [e["action_id"] for b in update["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert cards.ACK not in buttons and cards.CLOSE in buttons
    [line] = _thread_posts(slack_api)
    assert f"Acknowledged by <@{MEMBER}>" in texts(line)
    assert slack_api.calls_to("chat.postEphemeral") == []
    [acknowledged] = [
        e for e in await audit_trail(uow_factory, report.reference) if e.action == "report.acknowledged"
    ]
    assert acknowledged.actor == f"slack:{MEMBER}"


async def test_assign_to_me_uses_the_name_on_the_slack_profile(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, worker: DeliveryWorker, uow_factory: UowFactory
) -> None:
    slack_api.users[MEMBER] = {"id": MEMBER, "name": "sam", "profile": {"real_name": "Sam Analyst"}}
    await interact(app, click(MEMBER, cards.ASSIGN_ME, carded.reference))
    report = await stored(uow_factory, carded.reference)
    assert report.status is Status.IN_PROGRESS and report.assigned_to == "Sam Analyst"
    await worker.run_once()
    [update] = slack_api.calls_to("chat.update")
    assert "Assigned to Sam Analyst" in texts(update)
    assert any("Assigned to Sam Analyst by" in texts(p) for p in _thread_posts(slack_api))


async def test_assign_to_me_on_a_card_posted_before_the_triage_action_enum_still_works(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, uow_factory: UowFactory
) -> None:
    slack_api.users[MEMBER] = {"id": MEMBER, "name": "sam", "profile": {"real_name": "Sam Analyst"}}
    await interact(app, click(MEMBER, "triage:assign_me", carded.reference))  # the id such cards carry
    report = await stored(uow_factory, carded.reference)
    assert report.status is Status.IN_PROGRESS and report.assigned_to == "Sam Analyst"


async def test_ask_opens_a_modal_and_its_submission_sends_the_question_into_the_thread(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, worker: DeliveryWorker, uow_factory: UowFactory
) -> None:
    payload = click(MEMBER, cards.ASK, carded.reference)
    await interact(app, payload)
    [opened] = slack_api.calls_to("views.open")
    assert opened["trigger_id"] == payload["trigger_id"]
    view = opened["view"]
    assert view["callback_id"] == ASK_VIEW
    assert json.loads(view["private_metadata"]) == {"reference": carded.reference, "channel": CHANNEL}

    values = _text("Did they send <!channel> any attachments?") | {
        "sign": {"sign": {"type": "checkboxes", "selected_options": []}}
    }
    response = await interact(app, _submission(MEMBER, view, values))
    assert response.status == 200 and not response.body  # the modal closes
    async with uow_factory() as uow:
        [question] = await uow.messages.for_report(carded.reference)
    assert question.kind is MessageKind.QUESTION and question.signed_by is None
    assert question.body == "Did they send <!channel> any attachments?"
    await worker.run_once()
    [line] = _thread_posts(slack_api)
    assert "*Question to the reporter* · Security team" in texts(line)
    assert "&lt;!channel&gt;" in texts(line) and "<!channel>" not in texts(line)


async def test_a_signed_question_carries_the_analysts_name(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, worker: DeliveryWorker, uow_factory: UowFactory
) -> None:
    await interact(app, click(MEMBER, cards.ASK, carded.reference))
    values = _text("When did it start?") | {
        "sign": {"sign": {"type": "checkboxes", "selected_options": [{"value": "sign"}]}}
    }
    await interact(app, _submission(MEMBER, _opened(slack_api), values))
    async with uow_factory() as uow:
        [question] = await uow.messages.for_report(carded.reference)
    assert question.signed_by == f"Person {MEMBER}"
    await worker.run_once()
    assert f"· Person {MEMBER}" in texts(_thread_posts(slack_api)[0])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Write the question first."),
        ("   ", "Write the question first."),
        ("x" * 2001, "the limit is 2,000"),
    ],
)
async def test_an_empty_or_too_long_question_is_refused_in_the_modal(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, uow_factory: UowFactory, text: str, error: str
) -> None:
    await interact(app, click(MEMBER, cards.ASK, carded.reference))
    response = await interact(app, _submission(MEMBER, _opened(slack_api), _text(text)))
    body = json.loads(response.body)
    assert body["response_action"] == "errors" and error in body["errors"]["text"]
    async with uow_factory() as uow:
        assert await uow.messages.for_report(carded.reference) == []


async def test_the_reporters_answer_lands_in_the_thread(
    app: AsyncApp,
    carded,
    slack_api: RecordingSlackApi,
    worker: DeliveryWorker,
    uow_factory: UowFactory,
    clock: Clock,
) -> None:
    await interact(app, click(MEMBER, cards.ASK, carded.reference))
    await interact(app, _submission(MEMBER, _opened(slack_api), _text("Any attachments?")))
    async with uow_factory() as uow:
        [question] = await uow.messages.for_report(carded.reference)
        desk = ReporterDesk(Templates().question_intro)
        awaiting = Awaiting("answer", carded.reference, question.id)
        await desk.receive(
            uow, SLACK_REPORTER, awaiting, "Yes, a PDF <https://evil.example|invoice>", clock()
        )
        await uow.commit()
    await worker.run_once()
    answer = _thread_posts(slack_api)[-1]
    assert "*Answer from the reporter* · Reporter" in texts(answer)
    assert "&lt;hxxps://evil[.]example|invoice&gt;" in texts(answer)


async def test_a_note_goes_to_the_thread_only(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, worker: DeliveryWorker, uow_factory: UowFactory
) -> None:
    await interact(app, click(MEMBER, cards.NOTE, carded.reference))
    view = _opened(slack_api)
    assert view["callback_id"] == NOTE_VIEW
    await interact(app, _submission(MEMBER, view, _text("Same profile as last month's campaign")))
    await worker.run_once()
    [line] = _thread_posts(slack_api)
    assert f"*Internal note (not shown to the reporter)* · Person {MEMBER}" in texts(line)
    outbox_destinations = set()
    async with uow_factory() as uow:
        outbox_destinations = {e.destination for e in await uow.outbox.list()}
    assert outbox_destinations == {"slack"}  # nothing was queued for the reporter


async def test_close_offers_the_template_refills_it_for_another_outcome_and_closes(
    app: AsyncApp,
    carded,
    slack_api: RecordingSlackApi,
    worker: DeliveryWorker,
    uow_factory: UowFactory,
    templates: Templates,
) -> None:
    await interact(app, click(MEMBER, cards.CLOSE, carded.reference))
    view = _opened(slack_api)
    assert view["callback_id"] == CLOSE_VIEW
    message_block = view["blocks"][1]
    assert message_block["element"]["initial_value"] == templates.closing_for(Outcome.NOT_ENOUGH_INFORMATION)

    chosen = {"value": "benign", "text": {"type": "plain_text", "text": "Benign"}}
    change = web_api.block_actions(
        MEMBER,
        [
            {
                "type": "static_select",
                "action_id": CLOSE_OUTCOME,
                "block_id": "outcome",
                "selected_option": chosen,
            }
        ],
        view={**view, "id": "V0000001", "hash": "h1", "state": {"values": {}}},
    )
    await interact(app, change)
    [updated] = slack_api.calls_to("views.update")
    assert updated["view_id"] == "V0000001" and updated["hash"] == "h1"
    refilled = updated["view"]["blocks"][1]
    assert refilled["block_id"] == "message.benign"
    assert refilled["element"]["initial_value"] == templates.closing_for(Outcome.BENIGN)

    values = {
        "outcome": {CLOSE_OUTCOME: {"type": "static_select", "selected_option": chosen}},
        "message.benign": {"value": {"type": "plain_text_input", "value": "Thanks, it was genuine."}},
    }
    response = await interact(app, _submission(MEMBER, updated["view"], values))
    assert response.status == 200 and not response.body
    report = await stored(uow_factory, carded.reference)
    assert report.status is Status.CLOSED and report.outcome is Outcome.BENIGN
    assert report.closing_message == "Thanks, it was genuine."
    await worker.run_once()
    [card] = slack_api.calls_to("chat.update")
    assert card["ts"] == CARD_TS and "*Status: Closed* — Benign" in texts(card)
    buttons = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [cards.NOTE, cards.REOPEN, cards.SHARE_STIX]
    assert any("Closed by" in texts(p) for p in _thread_posts(slack_api))


async def test_closing_with_the_message_left_empty_sends_the_outcomes_template(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, uow_factory: UowFactory, templates: Templates
) -> None:
    await interact(app, click(MEMBER, cards.CLOSE, carded.reference))
    values = {
        "outcome": {CLOSE_OUTCOME: {"type": "static_select", "selected_option": {"value": "likely_hostile"}}},
        "message.not_enough_information": {"value": {"type": "plain_text_input", "value": None}},
    }
    await interact(app, _submission(MEMBER, _opened(slack_api), values))
    report = await stored(uow_factory, carded.reference)
    assert report.outcome is Outcome.LIKELY_HOSTILE
    assert report.closing_message == templates.closing_for(Outcome.LIKELY_HOSTILE)


async def test_a_closed_report_refuses_a_change_with_the_reason_and_can_be_reopened(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, uow_factory: UowFactory, triage: TriageService
) -> None:
    from bot.actors import Actor

    await triage.close(carded.reference, Outcome.BENIGN, Actor("slack", MEMBER))
    await interact(app, click(MEMBER, cards.ASSIGN_ME, carded.reference))
    [told] = slack_api.calls_to("chat.postEphemeral")
    assert (told["channel"], told["user"]) == (CHANNEL, MEMBER)
    assert "is closed, so it can't be changed" in told["text"]
    await interact(app, click(MEMBER, cards.ASK, carded.reference))
    response = await interact(app, _submission(MEMBER, _opened(slack_api), _text("One more thing?")))
    assert "is closed" in json.loads(response.body)["errors"]["text"]
    await interact(app, click(MEMBER, cards.REOPEN, carded.reference))
    assert (await stored(uow_factory, carded.reference)).status is Status.IN_PROGRESS


async def test_a_click_by_someone_outside_the_team_is_refused_privately_changes_nothing_and_is_audited(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, uow_factory: UowFactory, engine: AsyncEngine
) -> None:
    for action in (cards.ACK, cards.ASK, cards.CLOSE):
        await interact(app, click(OUTSIDER, action, carded.reference))
    told = slack_api.calls_to("chat.postEphemeral")
    assert [(t["channel"], t["user"], t["text"]) for t in told] == [(CHANNEL, OUTSIDER, REFUSAL)] * 3
    assert slack_api.calls_to("views.open") == []  # no modal for an outsider
    report = await stored(uow_factory, carded.reference)
    assert report.status is Status.NEW and report == carded
    refused = await refusals(engine)
    assert [(r.actor, r.detail["attempted"]) for r in refused] == [
        (f"slack:{OUTSIDER}", "report.acknowledged"),
        (f"slack:{OUTSIDER}", "report.question"),
        (f"slack:{OUTSIDER}", "report.closed"),
    ]
    assert all(r.report_reference == carded.reference for r in refused), (
        "every attempt is filed with the report"
    )
    async with uow_factory() as uow:
        assert [e.destination for e in await uow.outbox.list()] == ["slack"]  # only the card


async def test_a_modal_submitted_by_someone_outside_the_team_is_refused_in_the_modal(
    app: AsyncApp, carded, uow_factory: UowFactory, engine: AsyncEngine
) -> None:
    view = {"callback_id": NOTE_VIEW, "private_metadata": json.dumps({"reference": carded.reference})}
    response = await interact(app, _submission(OUTSIDER, view, _text("sneaky")))
    assert json.loads(response.body)["errors"]["text"] == REFUSAL
    async with uow_factory() as uow:
        assert await uow.messages.for_report(carded.reference) == []
    assert [r.detail["attempted"] for r in await refusals(engine)] == ["report.note"]


async def test_a_request_not_signed_by_slack_is_refused_before_any_listener(
    app: AsyncApp, carded, slack_api: RecordingSlackApi, uow_factory: UowFactory
) -> None:
    response = await interact(
        app, click(MEMBER, cards.ACK, carded.reference), secret="not-the-secret-0123456789"
    )
    assert response.status == 401
    assert (await stored(uow_factory, carded.reference)).status is Status.NEW
    assert slack_api.calls == []


async def test_a_reminder_goes_in_the_thread(
    carded, slack_api: RecordingSlackApi, worker: DeliveryWorker, uow_factory: UowFactory, clock: Clock
) -> None:
    due = clock() + timedelta(hours=3)
    async with uow_factory() as uow:
        await uow.deadlines.add(Deadline(carded.reference, DeadlineKind.ACKNOWLEDGE, due, clock()))
        await uow.commit()
    scheduler = DeadlineScheduler(uow_factory, DeadlinePolicy(), clock)
    assert await scheduler.run_once() == 1
    await worker.run_once()
    [line] = _thread_posts(slack_api)
    assert texts(line).startswith(":alarm_clock: Reminder: acknowledgement due in 3 hours")
