"""The watchlist in a Slack DM, over signed HTTP with the recording Web API: a contact named in
an alert is flagged as the reporter types, and "check <contact>" answers before anyone replies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.watchlist.model import EntryContent
from tests.slack import web_api
from tests.slack.harness import ALICE, valid_blocks

ALERT = "This contact matches a profile named in a security alert"


async def add_entry(slack, **fields):
    entry = EntryContent(source="MI5 espionage alert to Parliament, 18 November 2025", **fields)
    async with slack.uow_factory() as uow:
        await uow.watchlist.add(entry, entry.indicators(), "cli:alice", datetime.now(UTC))
        await uow.commit()


async def test_a_match_is_told_in_the_dm_as_the_reporter_types(slack):
    await add_entry(slack, names=["Shirly Shen"], organisations=["Internship Union"])
    await slack.say("report")
    await slack.say("Shirly Shen of InternshipUnion offered me a paid internship")
    said = slack.texts()
    assert ALERT in said and "stop all contact" in said and "in touch today" in said
    assert "MI5" not in said
    for message in slack.api.posted:
        valid_blocks(message["blocks"])


async def test_check_in_a_dm_named_then_questions_with_checkboxes(slack):
    await add_entry(slack, profile_urls=["https://www.linkedin.com/in/amanda-qiu-br-yr"])
    await slack.say("check https://cn.linkedin.com/in/Amanda-Qiu-BR-YR/?trk=x")
    assert ALERT in slack.texts() and "Please report the approach now" in slack.texts()

    await slack.say("check anna@gip-consult.example")
    assert "haven't found this contact" in slack.texts()
    await slack.tick_and_done(["thin_profile", "secrecy"])
    said = slack.texts()
    assert "High risk" in said and "keep it to yourself" in said
    for message in slack.api.posted:
        valid_blocks(message["blocks"])


async def test_the_home_tab_button_asks_what_to_check(slack):
    await slack.event(web_api.app_home_opened(ALICE))
    [published] = slack.api.calls_to("views.publish")
    valid_blocks(published["view"]["blocks"])
    assert "Check a contact" in json.dumps(published["view"])
    pressed = web_api.block_actions(
        ALICE,
        [web_api.button("home:check", "check", "home|start", "Check a contact")],
        view={"id": "V1", "type": "home"},
    )
    assert (await slack.interact(pressed)).status == 200
    assert "their profile address" in slack.texts() and slack.api.posted[-1]["channel"] == f"D{ALICE}"


async def test_the_check_this_contact_shortcut_checks_what_the_message_says(slack):
    await add_entry(slack, emails=["amanda@br-yr.example"])
    payload = web_api.message_action(
        ALICE, callback_id="check_message", text="Hello, I'm Amanda, write to me at amanda@br-yr.example"
    )
    assert (await slack.interact(payload)).status == 200
    said = slack.texts()
    assert ALERT in said and slack.api.posted[-1]["channel"] == f"D{ALICE}"
    assert all(p["channel"] != "C0GENERAL" for p in slack.api.posted), "nothing reaches the message's channel"


async def test_check_this_contact_waits_while_a_report_is_being_written(slack):
    await add_entry(slack, emails=["amanda@br-yr.example"])
    await slack.say("report")
    await slack.say("A recruiter offered paid work")  # the draft now waits for the next answer
    async with slack.uow_factory() as uow:
        before = (await uow.conversations.get(f"slack:T0001:{ALICE}")).state
    payload = web_api.message_action(ALICE, callback_id="check_message", text="write to amanda@br-yr.example")
    assert (await slack.interact(payload)).status == 200
    assert "haven't checked this contact yet" in slack.texts()
    async with slack.uow_factory() as uow:
        after = (await uow.conversations.get(f"slack:T0001:{ALICE}")).state
    assert after["flow"]["answers"] == before["flow"]["answers"], "the message is not taken as an answer"
