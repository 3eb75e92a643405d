"""A push to one reporter that waits on a slow Slack never holds up another reporter's turn:
push_news reads the news and closes its transaction before it calls Slack, and records the
delivery afterwards in a new one (issue 15)."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.reporter_channel import SlackReporterChannel
from bot.conversation import ConversationKey
from bot.messages import TextAnswer, TextQuestion
from bot.report import Reporter
from tests.bot.test_followup import ANALYST, make_triage, submitted_quick_report, texts
from tests.bot.test_service import Clock, make_service

ALICE_KEY = ConversationKey("slack", "T0WORK", "U0ALICE")
ALICE = Reporter(platform="slack", user_id="U0ALICE", workspace="T0WORK")
BOB_KEY = ConversationKey("slack", "T0WORK", "U0BOB")
BOB = Reporter(platform="slack", user_id="U0BOB", workspace="T0WORK")


async def test_another_reporters_turn_runs_while_a_push_waits_on_slack(uow_factory, slack_api):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service, ALICE_KEY, ALICE)
    await triage.ask(reference, "Was the profile photo a stock image?", ANALYST)
    await service.open(BOB_KEY, BOB)

    release = slack_api.hold("chat.postMessage")
    channel = SlackReporterChannel(AsyncWebClient(token="xoxb-test", base_url=slack_api.url))
    push = asyncio.create_task(service.push_news(ALICE, channel))
    try:
        await slack_api.wait_for("chat.postMessage")  # Alice's push is now waiting on Slack
        bobs_turn = await asyncio.wait_for(service.handle(BOB_KEY, BOB, TextAnswer("quit")), 30)
        assert bobs_turn.messages, "Bob got his answer"
        assert not push.done(), "...while Alice's push was still waiting on Slack"
    finally:
        release.set()
    await push

    [posted] = slack_api.calls_to("chat.postMessage")
    assert "stock image" in str(posted)
    # Recorded after the send: the question is delivered once, and her next message answers it.
    again = await service.handle(ALICE_KEY, ALICE, TextAnswer("Yes, it was on a stock site"))
    assert "your answer is with the security team" in texts(again)
    assert not any(isinstance(m, TextQuestion) and "stock image" in m.text for m in again.messages)


async def test_a_push_that_slack_refuses_records_nothing(uow_factory, slack_api):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service, ALICE_KEY, ALICE)
    await triage.ask(reference, "Was the profile photo a stock image?", ANALYST)
    slack_api.fail("chat.postMessage", "channel_not_found")
    channel = SlackReporterChannel(AsyncWebClient(token="xoxb-test", base_url=slack_api.url))

    try:
        await service.push_news(ALICE, channel)
    except Exception as failed:
        assert "channel_not_found" in str(failed)
    else:
        raise AssertionError("a refused push must raise, so the outbox tries again")
    await service.push_news(ALICE, channel)  # the retry sends the same question
    assert ["stock image" in str(p) for p in slack_api.calls_to("chat.postMessage")] == [True, True]
