"""The security team adds to the watchlist from the Teams channel, over the real endpoint with
authenticated activities and the recording Bot Framework connector: "@Tipline add to the
watchlist" brings the form, a mistake brings it back filled in and marked, a good entry is
added and hunted back through earlier reports; anyone else is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.report import Severity
from tests.teams import activities as teams
from tests.teams.connector import inputs, submit_actions
from tests.teams.test_inbox import choose_inbox, quick_report, shown
from tests.teams.tipline import Tipline, running_tipline

SOURCE = "MI5 espionage alert to Parliament, 18 November 2025"


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


async def ask_for_the_form(tipline: Tipline, who: teams.Person) -> str:
    said = teams.channel_message("add to the watchlist", user=who, service_url=tipline.connector.url)
    assert await tipline.post(said) == 200
    await tipline.settle()
    return str(said["conversation"]["id"])


def last_card(tipline: Tipline, conversation: str) -> tuple[str, dict[str, Any]]:
    [*_, record] = [r for r in tipline.connector.posted(conversation) if r.activity.get("attachments")]
    return str(record.activity_id), record.activity["attachments"][0]["content"]


async def submit_form(tipline: Tipline, conversation: str, who: teams.Person, typed: dict[str, str]) -> None:
    root, card = last_card(tipline, conversation)
    [action] = submit_actions(card)
    value = {**action["data"], **typed}
    submit = teams.channel_card_submit(
        value, reply_to_id=root, user=who, service_url=tipline.connector.url, conversation_id=conversation
    )
    assert await tipline.post(submit) == 200
    await tipline.settle()


async def test_a_member_adds_an_entry_and_the_earlier_report_is_flagged(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)  # the contact: Anna Smith, linkedin.com/in/anna-smith-123
    conversation = await ask_for_the_form(tipline, teams.SAM)
    _, card = last_card(tipline, conversation)
    assert {"source", "names", "organisations", "profile_urls", "emails", "phones"} <= set(inputs(card))

    await submit_form(tipline, conversation, teams.SAM, {"source": SOURCE, "emails": "anna at example"})
    _, again = last_card(tipline, conversation)
    assert "is not an email address" in shown(tipline.connector.texts(again))
    assert inputs(again)["source"]["value"] == SOURCE, "what was typed is kept"
    async with tipline.runtime.unit_of_work() as uow:
        assert list(await uow.watchlist.list()) == []

    typed = {"source": SOURCE, "profile_urls": "https://uk.linkedin.com/in/Anna-Smith-123/?trk=x"}
    await submit_form(tipline, conversation, teams.SAM, typed)
    said = shown(tipline.connector.texts(conversation_id=conversation))
    # Defanged as every address in a card is, so nothing typed becomes a link to click.
    assert "Added hxxps://uk[.]linkedin[.]com/in/Anna-Smith-123/?trk=x to the watchlist as #1" in said
    assert "1 earlier report matches it" in said
    async with tipline.runtime.unit_of_work() as uow:
        [entry] = list(await uow.watchlist.list())
        report = await uow.reports.get(reference)
    assert entry.added_by == f"teams:{teams.SAM.aad_object_id}"
    assert report is not None and report.severity is Severity.CRITICAL


async def test_anyone_else_is_refused_and_gets_no_form(tipline):
    conversation = await ask_for_the_form(tipline, teams.EVE)
    said = shown(tipline.connector.texts(conversation_id=conversation))
    assert "Only the security team" in said
    assert not any(inputs(r.activity) for r in tipline.connector.posted(conversation))

    # A form posted back by an outsider (copied from elsewhere) adds nothing.
    forged = teams.channel_card_submit(
        {"tipline_watchlist": "add", "source": SOURCE, "names": "Anna Smith", "organisations": "Acme"},
        reply_to_id="1700000000001",
        user=teams.EVE,
        service_url=tipline.connector.url,
    )
    assert await tipline.post(forged) == 200
    await tipline.settle()
    async with tipline.runtime.unit_of_work() as uow:
        assert list(await uow.watchlist.list()) == []


async def test_the_form_is_only_in_the_security_inbox_channel(tipline):
    await choose_inbox(tipline)
    other = "19:0ther0channel0000000000000000000@thread.tacv2"
    said = teams.channel_message(
        "add to the watchlist", user=teams.SAM, service_url=tipline.connector.url, channel_id=other
    )
    assert await tipline.post(said) == 200
    await tipline.settle()
    conversation = str(said["conversation"]["id"])
    assert "in the security inbox channel" in shown(tipline.connector.texts(conversation_id=conversation))
    assert not any(inputs(r.activity) for r in tipline.connector.posted(conversation)), "no form elsewhere"
