"""Report this message / Check this contact on any Teams message, over the real endpoint with
authenticated invokes in Teams' shapes and the recording Connector: the dialog, the submit, the
message kept as evidence, the private chat going on from there; a duplicate, a bad and an
unauthenticated invoke; a message in the security inbox channel; someone with no private chat."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.watchlist.model import EntryContent
from tests.teams import activities as teams
from tests.teams.connector import card_texts, submit_actions
from tests.teams.test_inbox import choose_inbox
from tests.teams.tipline import Tipline, running_tipline

FETCH, SUBMIT = "composeExtension/fetchTask", "composeExtension/submitAction"
CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)
KEY = f"teams:{teams.TENANT}:{teams.ALICE.aad_object_id}"
MESSAGE = (
    "<p>Hi! I run <b>BR-YR Executive Search</b>. We pay well for short insight reports. "
    'See <a href="https://br-yr.example/jobs?ref=1">our LinkedIn page</a> &amp; write to '
    "amanda@br-yr.example</p>"
)


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


def action(tipline: Tipline, name: str, command: str = "reportMessage", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("user", teams.ALICE)
    kwargs.setdefault("html", MESSAGE)
    return teams.message_action(name, command, service_url=tipline.connector.url, **kwargs)


def to_alice(tipline: Tipline) -> str:
    return re.sub(r"\\(.)", r"\1", "\n".join(tipline.connector.texts(conversation_id=CHAT)))


async def draft_files(tipline: Tipline) -> list[dict[str, Any]]:
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(KEY)
    return list(stored.state["files"]) if stored else []


async def test_a_message_is_reported_from_its_menu_and_the_private_chat_goes_on(tipline):
    await tipline.say("hello")  # Alice has her private chat with Tipline
    before = len(tipline.connector.posted(CHAT))

    status, dialog = await tipline.invoke(action(tipline, FETCH))
    assert status == 200 and dialog["task"]["type"] == "continue"
    card = dialog["task"]["value"]["card"]["content"]
    shown = "\n".join(card_texts(card))
    assert "BR-YR Executive Search" in shown and "Amanda Qiu" in shown
    assert "https://br-yr.example/jobs?ref=1" in shown.replace("\\", ""), "the link's real target is shown"
    assert len(tipline.connector.posted(CHAT)) == before, "nothing is kept before they say yes"

    [report_it] = submit_actions(card)
    submitted = action(tipline, SUBMIT, data=report_it["data"])
    status, answer = await tipline.invoke(submitted)
    assert status == 200 and "has started in your private chat" in answer["task"]["value"]
    await tipline.settle()

    [kept] = await draft_files(tipline)
    assert kept["name"] == "Teams message" and kept["sent_by"] == "teams:8:orgid:5e6f"
    assert "our LinkedIn page (https://br-yr.example/jobs?ref=1)" in kept["text"]
    assert "amanda@br-yr.example" in kept["text"] and kept["url"].startswith(
        "https://teams.microsoft.com/l/message/"
    )
    said = to_alice(tipline)
    assert "You flagged this message" in said and "In a sentence or two, what happened?" in said

    # Teams delivers the same submit again: nothing happens twice.
    posted = len(tipline.connector.posted(CHAT))
    status, _ = await tipline.invoke(submitted)
    await tipline.settle()
    assert status == 200 and len(tipline.connector.posted(CHAT)) == posted
    assert len(await draft_files(tipline)) == 1

    await tipline.say("A headhunter wants a paid report on our policy work")
    async with tipline.runtime.unit_of_work() as uow:
        stored = await uow.conversations.get(KEY)
    assert stored.state["flow"]["answers"]["what_happened"].startswith("A headhunter")


async def test_attachments_are_named_and_the_sender_s_markup_stays_text(tipline):
    await tipline.say("hello")
    html = "<p>**urgent** &lt;at&gt;everyone&lt;/at&gt; [click](https://evil.example)</p>"
    files = [
        {"id": "a1", "contentType": "reference", "contentUrl": "https://x.example/cv.pdf", "name": "cv.pdf"}
    ]
    status, dialog = await tipline.invoke(action(tipline, FETCH, html=html, attachments=files))
    assert status == 200
    card = dialog["task"]["value"]["card"]["content"]
    text = json.dumps(card)
    assert "\\\\*\\\\*urgent" in text, "Teams markdown in the message is escaped, never rendered"
    assert "cv.pdf" in "\n".join(card_texts(card))
    status, _ = await tipline.invoke(
        action(tipline, SUBMIT, html=html, attachments=files, data={"tipline_flag": "reportMessage"})
    )
    assert status == 200
    await tipline.settle()
    [kept] = await draft_files(tipline)
    assert kept["text"].endswith("Attachments: cv.pdf")


async def test_check_this_contact_answers_in_the_private_chat(tipline):
    await tipline.say("hello")
    entry = EntryContent(
        source="MI5 espionage alert to Parliament, 18 November 2025", emails=["amanda@br-yr.example"]
    )
    async with tipline.runtime.unit_of_work() as uow:
        await uow.watchlist.add(entry, entry.indicators(), "cli:sam", datetime.now(UTC))
        await uow.commit()
    status, answer = await tipline.invoke(action(tipline, FETCH, command="checkContact"))
    assert status == 200 and "the answer is in your private chat" in answer["task"]["value"]
    await tipline.settle()
    assert "matches a profile named in a security alert" in to_alice(tipline)
    assert not tipline.connector.posted(teams.GROUP_CHAT_ID), "nothing reaches the chat the message was in"


async def test_someone_without_a_private_chat_is_offered_it(tipline):
    status, dialog = await tipline.invoke(action(tipline, FETCH, user=teams.EVE))
    assert status == 200
    card = dialog["task"]["value"]["card"]["content"]
    assert "private chat with Tipline" in "\n".join(card_texts(card))
    assert card["actions"][0]["url"] == f"https://teams.microsoft.com/l/app/{teams.APP_ID}"


async def test_a_message_in_the_security_inbox_is_already_with_the_team(tipline):
    await choose_inbox(tipline)
    await tipline.say("hello")
    status, answer = await tipline.invoke(action(tipline, FETCH, channel_id=teams.CHANNEL_ID))
    assert status == 200 and "security team's own channel" in answer["task"]["value"]


async def test_bad_and_unauthenticated_invokes_are_refused(tipline):
    await tipline.say("hello")
    broken = action(tipline, FETCH)
    del broken["value"]["messagePayload"]
    status, answer = await tipline.invoke(broken)
    assert status == 400 and "couldn't read that message" in answer["task"]["value"]

    forged = action(tipline, SUBMIT, data={"tipline_flag": "reportMessage"})
    status, _ = await tipline.invoke(forged, token=None)
    assert status == 401
    status, _ = await tipline.invoke(forged, token="not.a.token")
    assert status == 401
    await tipline.settle()
    assert await draft_files(tipline) == []


async def test_check_this_contact_waits_while_a_report_is_being_written(tipline):
    await tipline.say("report")
    await tipline.say("A recruiter offered paid work")
    async with tipline.runtime.unit_of_work() as uow:
        before = (await uow.conversations.get(KEY)).state["flow"]["answers"]
    status, _ = await tipline.invoke(action(tipline, FETCH, command="checkContact"))
    await tipline.settle()
    assert status == 200 and "haven't checked this contact yet" in to_alice(tipline)
    async with tipline.runtime.unit_of_work() as uow:
        assert (await uow.conversations.get(KEY)).state["flow"]["answers"] == before
