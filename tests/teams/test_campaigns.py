"""Campaigns in the Teams security inbox channel, over the real endpoint with Bot Framework tokens
from the local issuer and the recording Connector, the app's own runtime: two staff report the same
LinkedIn profile; the campaign's card is posted in the channel with a notice under it, each
report's card names the campaign, Confirm from the card updates it in place, Share as STIX sends a
file consent to the analyst's private chat and the accepted upload is audited on each report, an
outsider is refused, and neither reporter hears of the other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import stix2

from tests.teams import activities as teams
from tests.teams.connector import submit_actions
from tests.teams.test_inbox import choose_inbox, shown, thread
from tests.teams.test_share_file import SAM_CHAT, answer, consent_cards, exports, upload_info
from tests.teams.tipline import REFERENCE, Tipline, running_tipline
from tests.triage.support import audit_detail, refusals

PROFILE = "Anna Smith, linkedin.com/in/anna-smith-123"


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        await running.say("hello", user=teams.SAM)  # the analyst has a private chat with Tipline
        await choose_inbox(running)
        yield running


async def report_as(tipline: Tipline, who: teams.Person) -> str:
    chat = teams.personal_conversation_id(who.teams_id)
    await tipline.say("report", user=who)
    await tipline.say("A recruiter on LinkedIn offered paid work", user=who)
    await tipline.say(PROFILE, user=who)
    for value in ("send_now", "send"):
        _, card = tipline.last_card(chat)
        [title] = [a["title"] for a in submit_actions(card) if a["data"].get("value") == value]
        await tipline.press(title, user=who)
    found = REFERENCE.findall(shown(tipline.connector.texts(conversation_id=chat)))
    return str(found[-1])


def _card(tipline: Tipline, summary_starts: str) -> tuple[str, dict[str, Any]]:
    """The one card in the channel (as it is now) whose notification starts so."""
    roots = [
        r
        for r in tipline.connector.posted()
        if r.conversation_id == teams.thread_conversation_id(teams.CHANNEL_ID, r.activity_id)
        and (r.activity or {}).get("summary", "").startswith(summary_starts)
        and r.activity_id not in tipline.connector.deleted
    ]
    [record] = roots
    assert record.activity_id is not None
    return record.activity_id, tipline.connector.current(record.activity_id)["attachments"][0]["content"]


def campaign_card(tipline: Tipline) -> tuple[str, dict[str, Any]]:
    return _card(tipline, "Campaign ")


def report_card(tipline: Tipline, reference: str) -> tuple[str, dict[str, Any]]:
    return _card(tipline, f"[{reference}]")


async def press_on_campaign(tipline: Tipline, title: str, user: teams.Person) -> None:
    root, card = campaign_card(tipline)
    [action] = [a for a in submit_actions(card) if a.get("title") == title]
    submit = teams.channel_card_submit(
        action["data"], reply_to_id=root, user=user, service_url=tipline.connector.url
    )
    assert await tipline.post(submit) == 200
    await tipline.settle()


def card_text(card: dict[str, Any]) -> str:
    """Every text, title and value on the card, as Teams shows it."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.extend(str(node[k]) for k in ("text", "title", "value") if isinstance(node.get(k), str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return shown(found)


async def test_the_campaign_card_is_posted_updated_in_place_and_named_on_each_report(
    tipline: Tipline,
) -> None:
    first = await report_as(tipline, teams.ALICE)
    second = await report_as(tipline, teams.EVE)

    root, card = campaign_card(tipline)
    text = card_text(card)
    assert (
        "Campaign 1 · Open" in text
        and "linkedin[.]com/in/anna-smith-123" in text
        and "2 staff approached" in text
    )
    assert first in text and second in text
    assert teams.ALICE.name not in text and teams.EVE.name not in text
    assert "New campaign 1" in thread(tipline, root)
    for reference in (first, second):
        _, shown_card = report_card(tipline, reference)
        assert "🧩 Campaign 1 (Open)" in card_text(shown_card)

    await press_on_campaign(tipline, "Confirm campaign", teams.SAM)
    again, card = campaign_card(tipline)
    assert again == root and "Confirmed by the security team" in card_text(card)
    assert [a["title"] for a in submit_actions(card)] == ["Dismiss", "Share as STIX"]
    # Neither reporter hears anything about the campaign, nor of the other.
    for who, other in ((teams.ALICE, teams.EVE), (teams.EVE, teams.ALICE)):
        told = shown(tipline.connector.texts(conversation_id=teams.personal_conversation_id(who.teams_id)))
        assert "campaign" not in told.lower() and other.name not in told
    told_eve = shown(
        tipline.connector.texts(conversation_id=teams.personal_conversation_id(teams.EVE.teams_id))
    )
    assert first not in told_eve


async def test_share_as_stix_on_the_campaign_card_goes_to_the_analysts_chat_and_is_audited(
    tipline: Tipline,
) -> None:
    references = sorted([await report_as(tipline, teams.ALICE), await report_as(tipline, teams.EVE)])

    await press_on_campaign(tipline, "Share as STIX", teams.SAM)
    [consent] = consent_cards(tipline, SAM_CHAT)
    assert consent["name"] == "campaign-1.stix.json"
    context = consent["content"]["acceptContext"]
    assert context == {"tipline_share": "stix", "campaign": 1}
    assert await answer(tipline, "accept", context, upload_info(tipline, consent["name"])) == 200
    [put] = tipline.connector.uploads()
    bundle = put.raw.decode()
    assert stix2.parse(bundle).type == "bundle" and "Tipline campaign 1" in bundle
    for reporter in (teams.ALICE, teams.EVE):
        assert reporter.aad_object_id not in bundle and reporter.name not in bundle
    rows = await exports(tipline)
    assert sorted(str(r.report_reference) for r in rows) == references
    assert audit_detail(rows[0])["shared_to"] == "teams chat"


async def test_an_outsider_is_refused_on_the_campaign_card_and_the_attempt_is_audited(
    tipline: Tipline,
) -> None:
    await report_as(tipline, teams.ALICE)
    await report_as(tipline, teams.EVE)

    await press_on_campaign(tipline, "Share as STIX", teams.EVE)
    await press_on_campaign(tipline, "Dismiss", teams.EVE)
    assert consent_cards(tipline, SAM_CHAT) == []
    attempted = [r.detail.get("attempted") for r in await refusals(tipline.runtime.database)]
    assert "share.stix" in attempted and "campaign.dismissed" in attempted
    _, card = campaign_card(tipline)
    assert "Open: formed automatically" in card_text(card)
    assert await exports(tipline) == []
