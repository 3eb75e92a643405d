"""When the Teams Connector service says "not now" (429, 412, 502, 504) the bot tries again
with backoff; when it says "never" (403, 404) the delivery stops with a log line saying what to
fix. Nothing a reporter sent is lost either way."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

import app
from bot.ports import OutboxStatus
from tests.teams import activities as teams
from tests.teams.test_inbox import choose_inbox, inbox_card, press_on_card, quick_report, to_alice
from tests.teams.tipline import Tipline, running_tipline

CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


async def inbox_entries(tipline: Tipline):
    async with tipline.runtime.unit_of_work() as uow:
        return [e for e in await uow.outbox.list() if e.destination == "teams-channel"]


@pytest.mark.parametrize("status", [429, 412, 502, 504])
async def test_a_reply_the_service_turned_away_is_sent_again(tipline, status):
    tipline.connector.fail_next(status, retry_after="0", path_contains=CHAT, method="POST")
    await tipline.say("report")
    assert [r.status for r in tipline.connector.failures()] == [status]
    assert "In a sentence or two, what happened?" in "\n".join(tipline.connector.texts(conversation_id=CHAT))


async def test_a_throttled_card_post_waits_as_teams_asks_then_arrives(tipline):
    await choose_inbox(tipline)
    tipline.connector.fail_next(429, times=4, retry_after="0", path_is="/v3/conversations", method="POST")
    reference = await quick_report(tipline)
    [entry, *_] = [e for e in await inbox_entries(tipline) if e.event == "report.submitted"]
    assert entry.status is OutboxStatus.PENDING and entry.attempts == 1
    assert entry.last_error == "RetryLater" and entry.next_attempt_at > app.utc_now()
    assert len([r for r in tipline.connector.failures() if r.status == 429]) == 4, "tried 4 times at once"

    async with tipline.runtime.unit_of_work() as uow:  # the wait is over
        await uow.outbox.requeue(entry.id, app.utc_now())
        await uow.commit()
    await tipline.settle()
    inbox_card(tipline, reference)


async def test_a_channel_the_bot_was_removed_from_is_dead_lettered_with_a_fix(tipline, caplog):
    await choose_inbox(tipline)
    tipline.connector.fail_next(
        403, times=10, path_is="/v3/conversations", method="POST", code="BotNotInConversationRoster"
    )
    with caplog.at_level(logging.ERROR, logger="adapters.teams"):
        reference = await quick_report(tipline)
    [entry] = [e for e in await inbox_entries(tipline) if e.event == "report.submitted"]
    assert entry.status is OutboxStatus.DEAD
    assert "is Tipline still installed" in caplog.text
    assert reference in caplog.text and "Anna" not in caplog.text, "the log names the report, never its words"


async def test_a_proactive_message_is_retried_until_the_reporter_gets_it(tipline):
    await choose_inbox(tipline)
    reference = await quick_report(tipline)
    before = len(tipline.connector.posted(CHAT))
    tipline.connector.fail_next(502, times=10, path_contains=CHAT, method="POST")
    await press_on_card(tipline, reference, "Acknowledge", teams.SAM)
    assert to_alice(tipline, before) == ""
    async with tipline.runtime.unit_of_work() as uow:
        [push] = [e for e in await uow.outbox.list() if e.destination == "reporter"]
    assert push.status is OutboxStatus.PENDING and push.attempts == 1, "not marked delivered"

    tipline.connector.recover()
    async with tipline.runtime.unit_of_work() as uow:
        await uow.outbox.requeue(push.id, app.utc_now())
        await uow.commit()
    await tipline.settle()
    assert "security team" in to_alice(tipline, before).lower()
