"""Told once, in Teams: over the authenticated endpoint, the story comes back as one card to
confirm, and the questions it answered are not asked."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest

from tests.teams import activities as teams
from tests.teams.connector import inputs, submit_actions
from tests.teams.tipline import REFERENCE, Tipline, running_tipline

CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)
STORY = (
    "someone called Shirly Shen from Internship Union messaged me on linkedin offering 2000 quid in "
    "USDT for a short report on the new trade bill, she wants to meet in Brussels, flights paid"
)


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    extra = {"UNDERSTAND_ANSWERS": "on"}
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env=extra, sdk=teams_sdk
    ) as running:
        yield running


def words(tipline: Tipline) -> str:
    shown = [tipline.connector.current(r.activity_id) for r in tipline.connector.posted(CHAT)]
    said = "\n".join(line for activity in shown for line in tipline.connector.texts(activity))
    return re.sub(r"\\(.)", r"\1", said)


def by_value(card: dict, value: str) -> str:
    [action] = [a for a in submit_actions(card) if a["data"].get("value") == value]
    return str(action["title"])


async def _tell_the_story(tipline: Tipline) -> dict:
    await tipline.say("report")
    await tipline.say(STORY)
    _, confirm = tipline.last_card(CHAT)
    return confirm


async def test_the_story_is_confirmed_on_one_card_and_its_questions_are_skipped(tipline):
    confirm = await _tell_the_story(tipline)
    said = words(tipline)
    assert "From what you've told me, I've noted:" in said and "Where it happened: LinkedIn" in said
    assert "Please don't travel yet" in said and "Please don't accept payment" in said
    [choice] = inputs(confirm)
    values = [c["value"] for c in inputs(confirm)[choice]["choices"]]
    assert values[0] == "yes" and "channel" in values and values[-1] == "none"
    await tipline.press("Done", inputs={choice: "yes"})
    _, pace = tipline.last_card(CHAT)
    await tipline.press(by_value(pace, "send_now"))
    _, summary = tipline.last_card(CHAT)
    assert "Shirly Shen" in json.dumps(summary) and "noted from what you wrote" in json.dumps(summary)
    await tipline.press(by_value(summary, "send"))
    assert "Who contacted you?" not in words(tipline)
    [reference] = set(REFERENCE.findall(words(tipline)))
    async with tipline.runtime.unit_of_work() as uow:
        report = await uow.reports.get(reference)
    assert report is not None and report.what_happened == STORY
    assert report.contact.name_used == "Shirly Shen" and report.channel == "linkedin"
    assert report.offered == ["crypto", "travel"]


async def test_what_is_picked_as_wrong_on_the_card_is_asked_about_instead(tipline):
    confirm = await _tell_the_story(tipline)
    [choice] = inputs(confirm)
    await tipline.press("Done", inputs={choice: "channel,organisation"})
    _, pace = tipline.last_card(CHAT)
    await tipline.press(by_value(pace, "add_detail"))
    assert "Where did it happen?" in words(tipline).rsplit("Would you like to send it now", 1)[-1]
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    answers = stored.state["flow"]["answers"]
    assert "channel" not in answers and "organisation" not in answers and answers["who"] == "Shirly Shen"


async def test_a_typed_correction_in_the_chat(tipline):
    await _tell_the_story(tipline)
    await tipline.say("no, it was on WhatsApp")
    assert "I've changed that." in words(tipline)
    _, confirm = tipline.last_card(CHAT)
    [choice] = inputs(confirm)
    await tipline.press("Done", inputs={choice: "yes"})
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}")
    assert stored.state["flow"]["answers"]["channel"] == "phone_or_messaging"
