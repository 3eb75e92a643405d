"""Slack and Teams served side by side, as `python app.py serve` does with both configured:
a report made in Teams is triaged from the Slack security channel, and a report made in Slack
from the Teams inbox channel; each reporter hears back where they reported."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from adapters.slack.inbox.cards import ACK
from tests.slack import web_api
from tests.slack.conftest import slack_api
from tests.slack.harness import SECRET
from tests.slack.web_api import RecordingSlackApi
from tests.teams import activities as teams
from tests.teams.connector import card_texts
from tests.teams.test_inbox import choose_inbox, inbox_card, press_on_card, quick_report, shown, to_alice
from tests.teams.tipline import REFERENCE, Tipline, running_tipline

__all__ = ["slack_api"]

SLACK_CHANNEL = "C0SECURITY"
SLACK_ANALYST = "U0SLACKSAM"
SLACK_REPORTER = "U0BOBBY"
CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)


@pytest.fixture
async def tipline(
    tmp_path, empty_database, connector, token_issuer, teams_sdk, slack_api: RecordingSlackApi
) -> AsyncIterator[Tipline]:
    slack_env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.url,
        "SLACK_SECURITY_CHANNEL": SLACK_CHANNEL,
        "SECURITY_TEAM": f"slack:{SLACK_ANALYST}",
    }
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, slack_env, sdk=teams_sdk
    ) as running:
        yield running


async def slack_event(tipline: Tipline, envelope: dict) -> None:
    delivered = await web_api.deliver(tipline.url + "/slack/events", *web_api.encode_event(envelope), SECRET)
    assert delivered.status == 200
    await tipline.settle()


async def slack_click(tipline: Tipline, payload: dict) -> None:
    delivered = await web_api.deliver(
        tipline.url + "/slack/events", *web_api.encode_interaction(payload), SECRET
    )
    assert delivered.status == 200
    await tipline.settle()


def slack_card(api: RecordingSlackApi, reference: str) -> dict:
    [card] = [
        m
        for m in api.posted
        if m["channel"] == SLACK_CHANNEL and "thread_ts" not in m and reference in m["text"]
    ]
    return card


async def test_a_report_made_in_teams_is_triaged_from_slack(tipline, slack_api):
    reference = await quick_report(tipline)
    card = slack_card(slack_api, reference)

    before = len(tipline.connector.posted(CHAT))
    click = web_api.button(ACK, reference, "triage", "Acknowledge")
    await slack_click(
        tipline, web_api.block_actions(SLACK_ANALYST, [click], channel=SLACK_CHANNEL, message_ts=card["ts"])
    )

    # Bolt runs the triage listener in a task of its own: wait (bounded) for its effect.
    heard = await tipline.connector.wait_for(lambda: to_alice(tipline, before), timeout=10)
    await tipline.settle()
    assert "security team" in heard.lower(), "the Teams reporter hears back in Teams"
    async with tipline.runtime.unit_of_work() as uow:
        report = await uow.reports.get(reference)
    assert report is not None and report.acknowledged_at is not None


async def test_a_report_made_in_slack_is_triaged_from_teams(tipline, slack_api):
    await choose_inbox(tipline)
    for text in ("report", "Someone offered me cash for our org chart", "Mark, mark@example.org"):
        await slack_event(tipline, web_api.message_im(SLACK_REPORTER, text))
    for value in ("send_now", "send"):
        message = next(
            m
            for m in reversed(slack_api.posted)
            if any(e.get("value") == value for b in m["blocks"] for e in b.get("elements") or [])
        )
        block = next(
            b for b in message["blocks"] if any(e.get("value") == value for e in b.get("elements") or [])
        )
        button = next(e for e in block["elements"] if e.get("value") == value)
        action = web_api.button(button["action_id"], value, block["block_id"], button["text"]["text"])
        await slack_click(
            tipline,
            web_api.block_actions(
                SLACK_REPORTER,
                [action],
                channel=message["channel"],
                message_ts=message["ts"],
                message=message,
            ),
        )
    said = json.dumps([m["blocks"] for m in slack_api.posted if m["channel"] == f"D{SLACK_REPORTER}"])
    [reference] = set(REFERENCE.findall(said))
    _, card = inbox_card(tipline, reference)
    assert "Someone offered me cash for our org chart" in shown(card_texts(card))

    dm_before = len([m for m in slack_api.posted if m["channel"] == f"D{SLACK_REPORTER}"])
    await press_on_card(tipline, reference, "Acknowledge", teams.SAM)

    to_reporter = [m for m in slack_api.posted if m["channel"] == f"D{SLACK_REPORTER}"][dm_before:]
    assert to_reporter, "the Slack reporter hears back by DM"
    assert "security team" in json.dumps(to_reporter).lower()
