"""The one channel-delivery algorithm, over a channel that records what it was asked to do and
real storage: a card per report (also when two replicas race), updates, thread lines, repeats.

The Slack and Teams ports are driven end to end against their recording doubles in
tests/slack_inbox and tests/teams; this is the algorithm alone, once for both.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.destinations import DeliveryFailed, PermanentDeliveryFailure
from bot.inbox.channel_delivery import ThreadedChannelInbox
from bot.inbox_events import EventKind, InboxEvent, StatusChange
from bot.ports import DestinationThread
from bot.report import Report, Status
from tests.db_fixtures import engine, uow_factory
from tests.factories import CREATED_AT, Clock, make_entry
from tests.inbox.events import entry_for
from tests.triage.support import store

__all__ = ["engine", "uow_factory"]


class RecordingChannel:
    """A channel that numbers what it posts and remembers every call."""

    key = "chat"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.posted = 0
        self.fail_delete = False

    async def post_card(self, event: InboxEvent) -> DestinationThread:
        self.posted += 1
        self.calls.append(("card", f"m{self.posted}"))
        return DestinationThread("C1", f"m{self.posted}")

    async def update_card(self, thread: DestinationThread, event: InboxEvent) -> None:
        self.calls.append(("update", f"{thread.thread_id}:{event.report.status.value}"))

    async def reply(self, thread: DestinationThread, event: InboxEvent) -> str | None:
        if event.event is EventKind.SUBMITTED:
            return None
        self.posted += 1
        self.calls.append(("reply", f"{thread.thread_id}:m{self.posted}"))
        return f"m{self.posted}"

    async def delete(self, thread: DestinationThread, message_id: str, event: InboxEvent) -> None:
        self.calls.append(("delete", message_id))
        if self.fail_delete:
            raise DeliveryFailed("gone")


def _inbox(uow_factory, channel: RecordingChannel) -> ThreadedChannelInbox:
    async def here(event: InboxEvent) -> RecordingChannel:
        return channel

    return ThreadedChannelInbox("chat inbox", here, uow_factory, Clock(), "chat-inbox")


def _status(report: Report, to: Status) -> InboxEvent:
    change = StatusChange(action="acknowledged", by="cli:alice", from_status=report.status, to_status=to)
    shown = report.model_copy(update={"status": to})
    return InboxEvent.about(EventKind.STATUS, shown, CREATED_AT + timedelta(minutes=1), status_change=change)


async def test_a_new_report_is_one_card_and_a_repeat_posts_nothing(uow_factory) -> None:
    report = await store(uow_factory)
    channel = RecordingChannel()
    submitted = entry_for(InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT), "chat")
    await _inbox(uow_factory, channel).deliver(submitted)
    await _inbox(uow_factory, channel).deliver(submitted)
    assert channel.calls == [("card", "m1")]


async def test_a_status_change_updates_the_card_with_the_stored_report_and_adds_a_line(uow_factory) -> None:
    report = await store(uow_factory)
    channel = RecordingChannel()
    inbox = _inbox(uow_factory, channel)
    await inbox.deliver(entry_for(InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT), "chat"))
    # The event carries an acknowledged copy; the stored report is still new: the card shows that.
    await inbox.deliver(entry_for(_status(report, Status.ACKNOWLEDGED), "chat"))
    assert channel.calls == [("card", "m1"), ("update", "m1:new"), ("reply", "m1:m2")]


async def test_an_event_before_its_card_posts_the_card_and_does_not_update_it(uow_factory) -> None:
    report = await store(uow_factory)
    channel = RecordingChannel()
    await _inbox(uow_factory, channel).deliver(entry_for(_status(report, Status.ACKNOWLEDGED), "chat"))
    assert channel.calls == [("card", "m1"), ("reply", "m1:m2")]


async def test_the_replica_that_lost_the_race_deletes_its_card_and_replies_under_the_winner(
    uow_factory,
) -> None:
    report = await store(uow_factory)
    channel = RecordingChannel()
    async with uow_factory() as uow:  # the other replica stored its card after our look found none
        await uow.threads.put("chat", report.reference, "C1", "theirs", CREATED_AT)
        await uow.commit()

    late = _inbox(_BlindFirstLook(uow_factory), channel)
    await late.deliver(entry_for(_status(report, Status.ACKNOWLEDGED), "chat"))
    assert channel.calls == [
        ("card", "m1"),
        ("delete", "m1"),
        ("update", "theirs:new"),
        ("reply", "theirs:m2"),
    ]


async def test_a_repeated_line_is_deleted_again_and_a_failed_delete_is_not_a_failure(uow_factory) -> None:
    report = await store(uow_factory)
    channel = RecordingChannel()
    inbox = _inbox(uow_factory, channel)
    line = entry_for(_status(report, Status.ACKNOWLEDGED), "chat")
    await inbox.deliver(line)
    channel.fail_delete = True
    await inbox.deliver(line)  # as after a crash between the post and our commit
    assert channel.calls[-3:] == [("update", "m1:new"), ("reply", "m1:m3"), ("delete", "m3")]


async def test_something_that_is_not_an_inbox_event_is_refused_for_good(uow_factory) -> None:
    with pytest.raises(PermanentDeliveryFailure, match="chat inbox: the event is not an inbox event"):
        await _inbox(uow_factory, RecordingChannel()).deliver(make_entry(destination="chat"))


class _BlindFirstLook:
    """A unit of work whose first look for the card finds none, as when another replica's card is
    committed between our look and our own store."""

    def __init__(self, factory) -> None:
        self._factory = factory
        self.blind = True

    def __call__(self) -> _BlindFirstLook:
        self._uow = self._factory()
        return self

    async def __aenter__(self):
        uow = await self._uow.__aenter__()
        if self.blind:
            self.blind = False

            async def get(destination: str, reference: str) -> None:
                return None

            uow.threads.get = get
        return uow

    async def __aexit__(self, *exc: object) -> None:
        await self._uow.__aexit__(*exc)
