"""The security inbox in a Teams channel, end to end over the real endpoint: the security team
chooses the channel, a member of staff's report lands there as a card, an analyst triages it
from the card, and the reporter hears back in their personal chat; outsiders are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.teams.addresses import INBOX_KEY, PLATFORM
from bot.report import Status
from tests.teams import activities as teams
from tests.teams.connector import card_texts, inputs, submit_actions
from tests.teams.tipline import REFERENCE, Tipline, running_tipline

CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


def shown(lines: list[str]) -> str:
    return re.sub(r"\\(.)", r"\1", "\n".join(lines))  # as Teams shows it


async def choose_inbox(tipline: Tipline, who: teams.Person = teams.SAM) -> str:
    said = teams.channel_message(
        "use this channel as the security inbox", user=who, service_url=tipline.connector.url
    )
    assert await tipline.post(said) == 200
    await tipline.settle()
    return str(said["conversation"]["id"])


async def quick_report(tipline: Tipline, what: str = "A recruiter on LinkedIn offered paid work") -> str:
    await tipline.say("report")
    await tipline.say(what)
    await tipline.say("Anna Smith, linkedin.com/in/anna-smith-123")
    for value in ("send_now", "send"):
        _, card = tipline.last_card(CHAT)
        [title] = [a["title"] for a in submit_actions(card) if a["data"].get("value") == value]
        await tipline.press(title)
    [reference] = set(REFERENCE.findall(shown(tipline.connector.texts(conversation_id=CHAT))))
    return str(reference)


def inbox_card(tipline: Tipline, reference: str) -> tuple[str, dict[str, Any]]:
    """The report's card in the channel (as it is now): its id and content."""
    cards = [
        r
        for r in tipline.connector.posted()
        if r.conversation_id == teams.thread_conversation_id(teams.CHANNEL_ID, r.activity_id)
        and reference in shown(tipline.connector.texts(r.activity))
    ]
    [record] = cards
    assert record.activity_id is not None
    current = tipline.connector.current(record.activity_id)
    return record.activity_id, current["attachments"][0]["content"]


def thread(tipline: Tipline, root: str) -> str:
    return shown(
        tipline.connector.texts(conversation_id=teams.thread_conversation_id(teams.CHANNEL_ID, root))
    )


async def press_on_card(
    tipline: Tipline, reference: str, title: str, user: teams.Person, inputs: dict[str, str] | None = None
) -> None:
    root, card = inbox_card(tipline, reference)
    [action] = [a for a in submit_actions(card) if a.get("title") == title]
    value = {**action["data"], **(inputs or {})}
    submit = teams.channel_card_submit(value, reply_to_id=root, user=user, service_url=tipline.connector.url)
    assert await tipline.post(submit) == 200
    await tipline.settle()


def to_alice(tipline: Tipline, since: int) -> str:
    return shown(
        [line for r in tipline.connector.posted(CHAT)[since:] for line in tipline.connector.texts(r.activity)]
    )


async def test_a_report_is_triaged_from_its_card_and_the_reporter_hears_back(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)

    root, card = inbox_card(tipline, reference)
    assert "A recruiter on LinkedIn offered paid work" in shown(card_texts(card))
    assert "linkedin[.]com/in/anna-smith-123" in shown(card_texts(card)), "addresses are defanged"
    assert [a["title"] for a in submit_actions(card)][:2] == ["Acknowledge", "Assign to me"]

    # Acknowledge: the card changes in place, the thread says who, the reporter is told.
    before = len(tipline.connector.posted(CHAT))
    await press_on_card(tipline, reference, "Acknowledge", teams.SAM)
    _, card = inbox_card(tipline, reference)
    assert "Acknowledge" not in [a["title"] for a in submit_actions(card)]
    assert "Sam Singh" in thread(tipline, root)
    assert "security team" in to_alice(tipline, before).lower()

    # A question from the card reaches the reporter; their typed answer lands under the card.
    before = len(tipline.connector.posted(CHAT))
    await press_on_card(
        tipline, reference, "Send question", teams.SAM, {"question": "Did they send attachments?"}
    )
    assert "Did they send attachments?" in to_alice(tipline, before)
    await tipline.say("Yes, a PDF brochure")
    assert "Yes, a PDF brochure" in thread(tipline, root)

    # Closing with an outcome and a message: the reporter is told; the card offers Reopen.
    before = len(tipline.connector.posted(CHAT))
    await press_on_card(
        tipline,
        reference,
        "Close report",
        teams.SAM,
        {"outcome": "benign", "message": "Thanks, this one was a genuine recruiter."},
    )
    assert "Thanks, this one was a genuine recruiter." in to_alice(tipline, before)
    _, card = inbox_card(tipline, reference)
    assert "Reopen" in [a["title"] for a in submit_actions(card)]
    async with tipline.runtime.unit_of_work() as uow:
        report = await uow.reports.get(reference)
    assert report is not None and report.status is Status.CLOSED and report.acknowledged_at is not None
    async with tipline.runtime.unit_of_work() as uow:
        audit = await uow.audit.for_report(reference)
    assert {
        e.actor for e in audit if e.action.startswith("report.") and e.actor.startswith("teams:2b4d")
    } == {f"teams:{teams.SAM.aad_object_id}"}


async def test_an_outsider_cannot_triage_and_the_attempt_is_recorded(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)
    root, _ = inbox_card(tipline, reference)

    await press_on_card(tipline, reference, "Acknowledge", teams.EVE)

    assert "Only the security team can act on reports" in thread(tipline, root)
    async with tipline.runtime.unit_of_work() as uow:
        report = await uow.reports.get(reference)
        audit = await uow.audit.for_report(reference)
    assert report is not None and report.status is Status.NEW
    assert any(e.action == "triage.refused" and e.actor == f"teams:{teams.EVE.aad_object_id}" for e in audit)


async def test_only_the_security_team_can_choose_the_inbox_channel(tipline):
    conversation = await choose_inbox(tipline, teams.EVE)
    assert "Only the security team" in shown(tipline.connector.texts(conversation_id=conversation))
    async with tipline.runtime.unit_of_work() as uow:
        assert await uow.addresses.get(PLATFORM, INBOX_KEY) is None

    conversation = await choose_inbox(tipline, teams.SAM)
    assert "now the security inbox" in shown(tipline.connector.texts(conversation_id=conversation))
    async with tipline.runtime.unit_of_work() as uow:
        chosen = await uow.addresses.get(PLATFORM, INBOX_KEY)
    assert chosen is not None and chosen["channel_id"] == teams.CHANNEL_ID


async def test_a_report_sent_before_the_inbox_was_chosen_arrives_when_it_is(tipline):
    reference = await quick_report(tipline)
    assert not [r for r in tipline.connector.requests if r.operation == "create_conversation"]
    await choose_inbox(tipline)
    await tipline.connector.wait_for(
        lambda: [r for r in tipline.connector.requests if r.operation == "create_conversation"]
    )
    await tipline.settle()
    inbox_card(tipline, reference)


async def test_the_same_card_press_delivered_twice_acts_once(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)
    root, card = inbox_card(tipline, reference)
    [note] = [a for a in submit_actions(card) if a.get("title") == "Add note"]
    submit = teams.channel_card_submit(
        {**note["data"], "note": "Same profile as last month"},
        reply_to_id=root,
        user=teams.SAM,
        service_url=tipline.connector.url,
    )
    assert await tipline.post(submit) == 200
    assert await tipline.post(submit) == 200
    await tipline.settle()
    assert thread(tipline, root).count("Same profile as last month") == 1


async def test_a_question_card_sent_twice_gives_one_answer(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)
    root, _ = inbox_card(tipline, reference)
    await press_on_card(tipline, reference, "Send question", teams.SAM, {"question": "Was it by email?"})
    card = tipline.last_card(CHAT)
    [field] = inputs(card[1])
    await tipline.press("Send", inputs={field: "Yes, from gip-consult.com"}, card=card)
    before = len(tipline.connector.posted(CHAT))
    await tipline.press("Send", inputs={field: "Yes, from gip-consult.com"}, card=card)  # a second device

    assert thread(tipline, root).count("Yes, from gip-consult.com") == 1
    assert "already answered that question" in to_alice(tipline, before)


async def test_when_the_inbox_moves_the_next_event_brings_the_card_to_the_new_channel(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)
    old_root, _ = inbox_card(tipline, reference)
    other = "19:0123456789abcdef0123456789abcdef@thread.tacv2"
    moved = teams.channel_message(
        "use this channel as the security inbox",
        user=teams.SAM,
        service_url=tipline.connector.url,
        channel_id=other,
    )
    assert await tipline.post(moved) == 200
    await tipline.settle()

    await press_on_card(tipline, reference, "Acknowledge", teams.SAM)  # from the old card

    [new_card] = [
        r
        for r in tipline.connector.posted()
        if r.conversation_id == teams.thread_conversation_id(other, r.activity_id)
        and reference in shown(tipline.connector.texts(r.activity))
    ]
    assert "Acknowledge" not in [
        a["title"] for a in submit_actions(tipline.connector.current(new_card.activity_id))
    ]
    assert tipline.connector.current(old_root), "the old card is left where it was"
    told = [
        line
        for r in tipline.connector.posted()
        if r.conversation_id == teams.thread_conversation_id(teams.CHANNEL_ID, r.activity_id)
        for line in tipline.connector.texts(r.activity)
    ]
    assert any("no longer the security inbox: Sam Singh has chosen another" in shown([t]) for t in told)
    assert "Acknowledged by Sam Singh" in shown(
        tipline.connector.texts(conversation_id=teams.thread_conversation_id(other, new_card.activity_id))
    )


async def test_with_the_teams_inbox_off_reports_go_only_to_the_other_inbox(
    tmp_path, empty_database, connector, token_issuer, teams_sdk
):
    off = {"TEAMS_INBOX": "off"}
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env=off, sdk=teams_sdk
    ) as tipline:
        conversation = await choose_inbox(tipline)
        assert "TEAMS_INBOX is off" in shown(tipline.connector.texts(conversation_id=conversation))
        reference = await quick_report(tipline)
        async with tipline.runtime.unit_of_work() as uow:
            report = await uow.reports.get(reference)
        assert report is not None and report.routed_to == ["file"]
    assert reference in (tmp_path / "inbox.jsonl").read_text()
