"""The Slack channel inbox through the real delivery worker, real storage and the recording Web API."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbox.channel_inbox import SlackChannelInbox, inbox_client
from bot.delivery import DeliveryWorker
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater
from bot.inbox_events import EventKind, InboxEvent, StatusChange, ThreadMessage
from bot.ports import MessageKind, OutboxStatus
from bot.report import Outcome, Report, Status
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock
from tests.keys import TEST_SEALER
from tests.slack.web_api import RecordingSlackApi
from tests.slack_inbox.support import (
    CHANNEL,
    REPORTER_ID,
    TOKEN,
    card_of,
    entry,
    outbox,
    submit,
    texts,
)

UowFactory = Callable[[], SqlUnitOfWork]
SENTINEL = "SENTINEL-met-a-handler-in-vienna"


async def _change(
    uow_factory: UowFactory, before: Report, action: str = "acknowledged", *, at: datetime, **changes: Any
) -> InboxEvent:
    """A status change as triage makes it: the report stored changed, and its inbox event."""
    after = before.model_copy(update={"updated_at": at, **changes})
    async with uow_factory() as uow:
        await uow.reports.update(after)
        await uow.commit()
    change = StatusChange(
        action=action, by="slack:U0MEMBER01", from_status=before.status, to_status=after.status
    )
    return InboxEvent.about(EventKind.STATUS, after, at, status_change=change)


async def test_a_submitted_report_becomes_one_card_in_the_security_channel(
    slack_api: RecordingSlackApi, worker: DeliveryWorker, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    assert await worker.run_once() == 1
    [posted] = slack_api.calls_to("chat.postMessage")
    assert posted["channel"] == CHANNEL
    assert "thread_ts" not in posted
    assert posted["unfurl_links"] is False and posted["unfurl_media"] is False
    assert posted["text"] == f"[{report.reference}] New report (High severity)"
    text = texts(posted)
    assert report.reference in text and "High severity" in text and "• payment offered" in text
    assert f"<@{REPORTER_ID}>" in text and "Jane Smith" in text
    card = await card_of(uow_factory, report.reference)
    assert card == (CHANNEL, "1700000000.000100")
    [delivered] = await outbox(uow_factory)
    assert delivered.status is OutboxStatus.DELIVERED
    headers = dict(slack_api.headers)["chat.postMessage"]
    assert headers["Authorization"] == f"Bearer {TOKEN}"


async def test_a_repeated_submitted_event_posts_no_second_card(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    await inbox.deliver(queued)
    await inbox.deliver(queued)  # the worker died before recording the first delivery
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert slack_api.calls_to("chat.delete") == []
    assert (await card_of(uow_factory, report.reference)).thread_id == "1700000000.000100"


async def test_a_status_change_edits_the_card_in_place_and_adds_a_line_to_its_thread(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    await inbox.deliver(queued)
    later = clock() + timedelta(minutes=5)
    event = await _change(uow_factory, report, at=later, status=Status.ACKNOWLEDGED, acknowledged_at=later)
    await inbox.deliver(entry(event, "acknowledged.1"))
    [update] = slack_api.calls_to("chat.update")
    assert (update["channel"], update["ts"]) == (CHANNEL, "1700000000.000100")
    assert "*Status: Acknowledged*" in texts(update)
    assert "triage:ack" not in str(update["blocks"])
    line = slack_api.calls_to("chat.postMessage")[-1]
    assert line["thread_ts"] == "1700000000.000100" and line["channel"] == CHANNEL
    assert "Acknowledged by <@U0MEMBER01>" in texts(line)


async def test_an_event_delivered_late_never_puts_an_older_state_back_on_the_card(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    await inbox.deliver(queued)
    t1, t2 = clock() + timedelta(minutes=1), clock() + timedelta(minutes=2)
    acknowledged = await _change(uow_factory, report, at=t1, status=Status.ACKNOWLEDGED, acknowledged_at=t1)
    closed = await _change(
        uow_factory,
        acknowledged.report,
        "closed",
        at=t2,
        status=Status.CLOSED,
        closed_at=t2,
        outcome=Outcome.BENIGN,
    )
    await inbox.deliver(entry(closed, "closed.1"))
    await inbox.deliver(entry(acknowledged, "acknowledged.1"))  # retried after a failure
    updates = slack_api.calls_to("chat.update")
    assert len(updates) == 2 and all("*Status: Closed*" in texts(u) for u in updates)
    lines = [texts(p) for p in slack_api.calls_to("chat.postMessage")[1:]]
    assert any("Closed by" in line for line in lines) and any("Acknowledged by" in line for line in lines)


async def test_clock_skew_between_replicas_does_not_stop_the_card_following(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    await inbox.deliver(queued)
    behind = clock() - timedelta(seconds=5)  # acknowledged on a replica whose clock is behind
    event = await _change(uow_factory, report, at=behind, status=Status.ACKNOWLEDGED, acknowledged_at=behind)
    await inbox.deliver(entry(event, "acknowledged.1"))
    [update] = slack_api.calls_to("chat.update")
    assert "*Status: Acknowledged*" in texts(update)


async def test_an_event_that_arrives_before_the_card_posts_the_card_itself(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    later = clock() + timedelta(minutes=1)
    event = await _change(uow_factory, report, at=later, status=Status.ACKNOWLEDGED, acknowledged_at=later)
    await inbox.deliver(entry(event, "acknowledged.1"))
    card, line = slack_api.calls_to("chat.postMessage")
    assert "thread_ts" not in card and "*Status: Acknowledged*" in texts(card)
    assert (
        line["thread_ts"] == "1700000000.000100" == (await card_of(uow_factory, report.reference)).thread_id
    )
    assert slack_api.calls_to("chat.update") == []
    [submitted] = await outbox(uow_factory)
    await inbox.deliver(submitted)  # the submitted event's retry: the card is there already
    assert len(slack_api.calls_to("chat.postMessage")) == 2


async def test_messages_and_reminders_go_in_the_thread_once(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    await inbox.deliver(queued)
    answer = ThreadMessage(
        id=9, kind=MessageKind.ANSWER, body="They sent <!channel> a PDF", from_label="Reporter"
    )
    event = InboxEvent.about(EventKind.MESSAGE, report, clock(), message=answer)
    await inbox.deliver(entry(event, "msg9"))
    line = slack_api.calls_to("chat.postMessage")[-1]
    assert line["thread_ts"] == "1700000000.000100"
    assert "*Answer from the reporter* · Reporter" in texts(line) and "&lt;!channel&gt;" in texts(line)
    assert line["text"] == f"[{report.reference}] Reply from the reporter"
    # A repeat (the worker died before recording the delivery) leaves no second copy behind.
    await inbox.deliver(entry(event, "msg9"))
    [deleted] = slack_api.calls_to("chat.delete")
    second = slack_api.calls_to("chat.postMessage")[-1]
    assert (deleted["channel"], deleted["ts"]) == (CHANNEL, "1700000000.000300")
    assert second["thread_ts"] == "1700000000.000100"


async def test_two_replicas_delivering_the_same_submitted_event_leave_one_card(
    slack_api: RecordingSlackApi, empty_database: str, clock: Clock
) -> None:
    engines = [create_engine(empty_database), create_engine(empty_database)]
    try:
        await upgrade_database(engines[0])
        factories = [unit_of_work_factory(e, TEST_SEALER) for e in engines]
        report = await submit(factories[0], clock())
        [queued] = await outbox(factories[0])
        inboxes = [
            SlackChannelInbox(
                "slack", AsyncWebClient(token=TOKEN, base_url=slack_api.url), CHANNEL, f, clock=clock
            )
            for f in factories
        ]
        await asyncio.gather(*(inbox.deliver(queued) for inbox in inboxes))
        cards = len(slack_api.calls_to("chat.postMessage"))
        deleted = [(d["channel"], d["ts"]) for d in slack_api.calls_to("chat.delete")]
        assert cards - len(deleted) == 1
        kept = await card_of(factories[1], report.reference)
        assert kept not in deleted
    finally:
        for engine in engines:
            await engine.dispose()


class _ReadBeforeTheOtherReplicaCommitted:
    """A unit of work whose first look for the card finds none, as when another replica's
    card is committed between our look and our own store."""

    def __init__(self, factory: UowFactory) -> None:
        self._factory = factory
        self.blind = True

    def __call__(self) -> _ReadBeforeTheOtherReplicaCommitted:
        self._uow = self._factory()
        return self

    async def __aenter__(self) -> SqlUnitOfWork:
        uow = await self._uow.__aenter__()
        if self.blind:
            self.blind = False

            async def get(destination: str, reference: str) -> None:
                return None

            uow.threads.get = get  # type: ignore[method-assign]
        return uow

    async def __aexit__(self, *exc: object) -> None:
        await self._uow.__aexit__(*exc)


async def test_a_replica_that_lost_the_race_removes_its_card_and_uses_the_winners(
    slack_api: RecordingSlackApi, client: AsyncWebClient, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    async with uow_factory() as uow:
        await uow.threads.put("slack", report.reference, CHANNEL, "1699999999.000900", clock())
        await uow.commit()
    late = SlackChannelInbox(
        "slack", client, CHANNEL, _ReadBeforeTheOtherReplicaCommitted(uow_factory), clock=clock
    )
    later = clock() + timedelta(minutes=1)
    event = await _change(uow_factory, report, at=later, status=Status.ACKNOWLEDGED)
    await late.deliver(entry(event, "acknowledged.1"))
    mine, line = slack_api.calls_to("chat.postMessage")
    assert "thread_ts" not in mine
    [deleted] = slack_api.calls_to("chat.delete")
    assert deleted == {"channel": CHANNEL, "ts": "1700000000.000100"}
    [update] = slack_api.calls_to("chat.update")  # the winner's card shows the newer state
    assert update["ts"] == "1699999999.000900" and "*Status: Acknowledged*" in texts(update)
    assert line["thread_ts"] == "1699999999.000900"
    assert await card_of(uow_factory, report.reference) == (CHANNEL, "1699999999.000900")


async def test_two_workers_on_one_outbox_post_one_card(
    slack_api: RecordingSlackApi, empty_database: str, clock: Clock
) -> None:
    engines = [create_engine(empty_database), create_engine(empty_database)]
    try:
        await upgrade_database(engines[0])
        factories = [unit_of_work_factory(e, TEST_SEALER) for e in engines]
        await submit(factories[0], clock())
        workers = [
            DeliveryWorker(
                f,
                {
                    "slack": SlackChannelInbox(
                        "slack", AsyncWebClient(token=TOKEN, base_url=slack_api.url), CHANNEL, f
                    )
                },
                clock,
                rng=random.Random(i),
                owner=f"replica-{i}",
            )
            for i, f in enumerate(factories)
        ]
        attempted = await asyncio.gather(*(w.run_once() for w in workers))
        assert sorted(attempted) == [0, 1]
        assert len(slack_api.calls_to("chat.postMessage")) == 1
    finally:
        for engine in engines:
            await engine.dispose()


async def test_ratelimited_means_retry_after_what_slack_asked(
    slack_api: RecordingSlackApi,
    inbox: SlackChannelInbox,
    worker: DeliveryWorker,
    uow_factory: UowFactory,
    clock: Clock,
) -> None:
    await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    slack_api.rate_limit("chat.postMessage", retry_after=120)
    with pytest.raises(RetryLater) as limited:
        await inbox.deliver(queued)
    assert limited.value.after == timedelta(seconds=120)
    slack_api.rate_limit("chat.postMessage", retry_after=120)
    await worker.run_once()
    [waiting] = await outbox(uow_factory)
    assert waiting.status is OutboxStatus.PENDING and waiting.last_error == "RetryLater"
    assert waiting.next_attempt_at >= clock() + timedelta(seconds=120)
    clock.advance(timedelta(seconds=121))
    await worker.run_once()
    assert (await outbox(uow_factory))[0].status is OutboxStatus.DELIVERED


@pytest.mark.parametrize(
    ("error", "fix"),
    [
        ("channel_not_found", "SLACK_SECURITY_CHANNEL"),
        ("not_in_channel", "/invite"),
        ("invalid_auth", "SLACK_BOT_TOKEN"),
    ],
)
async def test_errors_no_retry_can_fix_are_dead_lettered_at_once_with_a_clear_log_line(
    slack_api: RecordingSlackApi,
    inbox: SlackChannelInbox,
    worker: DeliveryWorker,
    uow_factory: UowFactory,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    error: str,
    fix: str,
) -> None:
    await submit(uow_factory, clock(), what_happened=SENTINEL)
    [queued] = await outbox(uow_factory)
    slack_api.fail("chat.postMessage", error)
    with pytest.raises(PermanentDeliveryFailure):
        await inbox.deliver(queued)
    slack_api.fail("chat.postMessage", error)
    caplog.set_level(logging.INFO)
    await worker.run_once()
    [dead] = await outbox(uow_factory)
    assert dead.status is OutboxStatus.DEAD and dead.attempts == 1
    lines = [r.getMessage() for r in caplog.records]
    assert any(error in line and fix in line for line in lines), lines
    assert all(SENTINEL not in line for line in lines)


async def test_server_errors_and_a_network_failure_are_retried(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    slack_api.answer("chat.postMessage", {"ok": False, "error": "internal_error"}, status=503)
    with pytest.raises(DeliveryFailed) as failed:
        await inbox.deliver(queued)
    assert type(failed.value) is DeliveryFailed
    slack_api.fail("chat.postMessage", "fatal_error")
    with pytest.raises(DeliveryFailed) as unknown:
        await inbox.deliver(queued)
    assert type(unknown.value) is DeliveryFailed
    await slack_api.stop()
    with pytest.raises(DeliveryFailed) as down:
        await inbox.deliver(queued)
    assert type(down.value) is DeliveryFailed


async def test_an_edit_refused_because_the_card_is_gone_is_permanent(
    slack_api: RecordingSlackApi, inbox: SlackChannelInbox, uow_factory: UowFactory, clock: Clock
) -> None:
    report = await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    await inbox.deliver(queued)
    slack_api.fail("chat.update", "message_not_found")
    later = clock() + timedelta(minutes=1)
    with pytest.raises(PermanentDeliveryFailure):
        event = await _change(uow_factory, report, at=later, status=Status.ACKNOWLEDGED)
        await inbox.deliver(entry(event, "acknowledged.1"))


async def test_nothing_of_the_report_reaches_the_logs_even_at_debug(
    slack_api: RecordingSlackApi,
    client: AsyncWebClient,
    worker: DeliveryWorker,
    uow_factory: UowFactory,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client.logger.setLevel(logging.NOTSET)
    inbox = SlackChannelInbox("slack", client, CHANNEL, uow_factory, clock=clock)  # raises it again
    worker = DeliveryWorker(uow_factory, {"slack": inbox}, clock, owner="debug")
    await submit(uow_factory, clock(), what_happened=SENTINEL)
    await worker.run_once()
    assert slack_api.calls_to("chat.postMessage")
    assert SENTINEL in texts(slack_api.calls_to("chat.postMessage")[0])
    assert all(SENTINEL not in r.getMessage() for r in caplog.records)
    assert TOKEN not in repr(inbox)


def test_a_destination_without_a_channel_is_refused(client: AsyncWebClient, uow_factory: UowFactory) -> None:
    with pytest.raises(ValueError, match="SLACK_SECURITY_CHANNEL"):
        SlackChannelInbox("slack", client, " ", uow_factory)


async def test_the_inbox_client_leaves_rate_limits_to_the_worker(
    slack_api: RecordingSlackApi, uow_factory: UowFactory, clock: Clock
) -> None:
    client = inbox_client(TOKEN, slack_api.url)
    assert client.base_url == slack_api.url
    inbox = SlackChannelInbox("slack", client, CHANNEL, uow_factory, clock=clock)
    await submit(uow_factory, clock())
    [queued] = await outbox(uow_factory)
    slack_api.rate_limit("chat.postMessage", retry_after=1)
    with pytest.raises(RetryLater):
        await inbox.deliver(queued)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
