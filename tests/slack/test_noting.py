"""Told once, in Slack: signed requests to the real endpoint; the confirm step is checkboxes and
Done, and the questions already answered are not asked."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest

from tests.slack import web_api
from tests.slack.harness import ALICE, Harness, harness, valid_blocks

STORY = (
    "someone called Shirly Shen from Internship Union messaged me on linkedin offering 2000 quid in "
    "USDT for a short report on the new trade bill, she wants to meet in Brussels, flights paid"
)
REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")


@pytest.fixture
async def slack(slack_api, uow_factory) -> AsyncIterator[Harness]:
    async for running in harness(slack_api, uow_factory, understand=True):
        yield running


def _blocks_text(message: dict) -> str:
    return json.dumps(message["blocks"])


async def test_the_story_is_confirmed_with_one_tick_and_its_questions_are_skipped(slack):
    await slack.say("report")
    await slack.say(STORY)
    confirm = slack.last()
    shown = _blocks_text(confirm)
    assert "From what you've told me, I've noted:" in shown and "Where it happened: LinkedIn" in shown
    assert "Name used: Shirly Shen" in shown
    guidance = json.dumps(slack.api.posted[-2]["blocks"])
    assert "Please don't travel yet" in guidance and "Please don't accept payment" in guidance
    valid_blocks(confirm["blocks"])
    await slack.tick_and_done(["yes"])
    pace = slack.last()
    assert [e["value"] for e in pace["blocks"][1]["elements"]] == ["add_detail", "send_now"], (
        "who contacted them is known: straight to send-or-add-detail"
    )
    await slack.click("send_now")
    summary = slack.last()
    assert "Shirly Shen, Internship Union (noted from what you wrote)" in _blocks_text(summary)
    await slack.click("send")
    [reference] = REFERENCE.findall(slack.api.posted[-2]["text"])
    async with slack.uow_factory() as uow:
        report = await uow.reports.get(reference)
    assert report is not None and report.what_happened == STORY
    assert report.contact.name_used == "Shirly Shen" and report.contact.organisation == "Internship Union"
    assert report.channel == "linkedin" and report.offered == ["crypto", "travel"]


async def test_a_wrong_item_ticked_is_asked_about_instead(slack):
    await slack.say("report")
    await slack.say(STORY)
    await slack.tick_and_done(["channel"])
    await slack.click("add_detail")
    assert "Where did it happen?" in _blocks_text(slack.last()), "kinds of approach were confirmed"
    conversation = await slack.conversation()
    answers = conversation.state["flow"]["answers"]
    assert "channel" not in answers and answers["approach_kinds"] == [
        "consultancy",
        "trip_or_event",
        "payment_offer",
    ]


async def test_a_typed_list_at_a_choice_question_is_read_item_by_item(slack):
    await slack.say("report")
    await slack.say("Something odd happened")
    await slack.say("Someone I don't know")
    await slack.click("add_detail")
    await slack.say("paid report, trip, money")
    assert "Where did it happen?" in _blocks_text(slack.last())
    conversation = await slack.conversation()
    assert conversation.state["flow"]["answers"]["approach_kinds"] == [
        "consultancy",
        "trip_or_event",
        "payment_offer",
    ]


async def test_a_flagged_message_is_read_and_what_it_says_is_offered_to_confirm(slack):
    text = (
        "Hi, I'm Karen Liu, a talent partner at Apex Talent Partners. My client pays very well for short "
        "insight reports. Can we continue on WhatsApp? +44 7700 900123"
    )
    delivered = await slack.interact(web_api.message_action(ALICE, text=text))
    assert delivered.status == 200
    confirm = slack.last()
    shown = _blocks_text(confirm)
    assert "I've read the message you shared" in slack.texts()
    assert "Organisation they claimed: Apex Talent Partners" in shown and "+447700900123" in shown
    await slack.tick_and_done(["yes"])
    assert "In a sentence or two, what happened?" in _blocks_text(slack.last()), "their story is still asked"
    conversation = await slack.conversation()
    answers = conversation.state["flow"]["answers"]
    assert answers["phones"] == ["+447700900123"] and "move_off_platform" in answers["asked_for"]
