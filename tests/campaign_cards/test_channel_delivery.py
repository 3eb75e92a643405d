"""The campaign's card in a channel by the one delivery algorithm, on real storage (SQLite and
PostgreSQL) with a recording fake of the platform's port: post if absent, one card whatever the
replicas do, update on change, each notice once (queued once, and a redelivered one removed), a
merged-away campaign's card says so, and what linking and the team's decisions queue."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bot.actors import Actor
from bot.campaigns.card import CampaignCard, GoneCard, Notice
from bot.campaigns.channel import CampaignChannel
from bot.campaigns.linking import link_report
from bot.campaigns.news import CARD_EVENT, NOTICE_EVENT, CampaignNews, campaign_key
from bot.campaigns.service import CampaignService
from bot.destinations import PermanentDeliveryFailure
from bot.inbox_events import EventKind
from bot.ports import DestinationThread, OutboxEntry
from bot.report import Contact, Report, Reporter
from storage.unit_of_work import SqlUnitOfWork
from tests.db_fixtures import engine, uow_factory
from tests.factories import CREATED_AT, make_report

__all__ = ["engine", "uow_factory"]

UowFactory = Callable[[], SqlUnitOfWork]
NEWS = CampaignNews(("slack",), alert_at=3)
PROFILE = {"name_used": "Amanda Qiu", "profile_urls": ["https://www.linkedin.com/in/amanda-qiu-3b"]}


@dataclass
class FakeChannel:
    """The platform's port: what was posted, updated and deleted, by message id."""

    key: str = "slack"
    posted: dict[str, str] = field(default_factory=dict)  # id -> what (card text or notice kind)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    hold: asyncio.Event | None = None  # posting a card waits until two are posted (two replicas at once)
    _next: int = 0

    def _id(self) -> str:
        self._next += 1
        return f"m{self._next}"

    async def post_campaign(self, card: CampaignCard | GoneCard) -> DestinationThread:
        message = self._id()
        self.posted[message] = card.notification
        if self.hold is not None:
            if len(self.posted) >= 2:
                self.hold.set()
            await self.hold.wait()
        return DestinationThread("C1", message)

    async def update_campaign(self, thread: DestinationThread, card: CampaignCard | GoneCard) -> None:
        self.updated.append(f"{thread.thread_id}: {card.notification}")

    async def post_notice(self, thread: DestinationThread, notice: Notice) -> str:
        message = self._id()
        self.posted[message] = f"{notice.kind.value} under {thread.thread_id}"
        return message

    async def delete_campaign_message(self, thread: DestinationThread, message_id: str) -> None:
        self.deleted.append(message_id)

    def kept(self) -> dict[str, str]:
        return {k: v for k, v in self.posted.items() if k not in self.deleted}


def _channel(uow_factory: UowFactory) -> CampaignChannel:
    return CampaignChannel("slack test", uow_factory, lambda: CREATED_AT, "slack-inbox")


async def _arrive(uow_factory: UowFactory, n: int, news: CampaignNews = NEWS) -> Report:
    at = CREATED_AT + timedelta(hours=n)
    report = make_report(
        contact=Contact(**PROFILE),
        created_at=at,
        updated_at=at,
        reporter=Reporter(platform="slack", user_id=f"U{n:04d}"),
        routed_to=["slack", "file"],
    )
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await news.linked(uow, report, await link_report(uow, report, at), at)
        await uow.commit()
    return report


async def _entries(uow_factory: UowFactory, event: str | None = None) -> list[OutboxEntry]:
    async with uow_factory() as uow:
        due = await uow.outbox.claim_due(
            CREATED_AT + timedelta(days=30), "test", CREATED_AT + timedelta(days=31), 500
        )
        await uow.commit()
    return [e for e in due if event is None or e.event == event]


async def test_linking_queues_the_card_and_each_notice_once(uow_factory: UowFactory) -> None:
    await _arrive(uow_factory, 1)
    assert await _entries(uow_factory) == []  # one report is no campaign
    first = await _arrive(uow_factory, 2)
    queued = await _entries(uow_factory)
    assert sorted(e.event for e in queued) == sorted([CARD_EVENT, NOTICE_EVENT, EventKind.CAMPAIGN.value])
    [notice] = [e for e in queued if e.event == NOTICE_EVENT]
    assert notice.payload == {"campaign_id": 1, "notice": "formed", "alert_at": None}
    assert notice.report_reference == campaign_key(1) == "C-1"
    # The earlier report's card follows, in the chat channel only (not the file destination).
    [moved] = [e for e in queued if e.event == EventKind.CAMPAIGN.value]
    assert moved.destination == "slack" and moved.report_reference != first.reference
    assert moved.payload["campaign"]["id"] == 1

    await _arrive(uow_factory, 3)
    await _arrive(uow_factory, 4)
    later = await _entries(uow_factory)  # claimed: each is handed out once
    assert [e.payload["notice"] for e in later if e.event == NOTICE_EVENT] == ["alert"]  # the 4th adds none
    assert len([e for e in later if e.event == CARD_EVENT]) == 2  # the card follows each report


async def test_the_card_is_posted_once_then_updated_in_place(uow_factory: UowFactory) -> None:
    await _arrive(uow_factory, 1)
    await _arrive(uow_factory, 2)
    entries = await _entries(uow_factory)
    fake, delivery = FakeChannel(), _channel(uow_factory)
    for entry in sorted(entries, key=lambda e: e.event):
        if entry.event in (CARD_EVENT, NOTICE_EVENT):
            await delivery.deliver(entry, fake)
    assert list(fake.kept().values()) == ["Campaign 1: 2 reports about one persona", "formed under m1"]
    assert fake.updated == []

    await _arrive(uow_factory, 3)
    for entry in await _entries(uow_factory):
        if entry.event in (CARD_EVENT, NOTICE_EVENT):
            await delivery.deliver(entry, fake)
    assert fake.updated == ["m1: Campaign 1: 3 reports about one persona"]
    assert list(fake.kept().values())[-1] == "alert under m1"


async def test_a_redelivered_notice_is_removed_again(uow_factory: UowFactory) -> None:
    await _arrive(uow_factory, 1)
    await _arrive(uow_factory, 2)
    [notice] = await _entries(uow_factory, NOTICE_EVENT)
    fake, delivery = FakeChannel(), _channel(uow_factory)
    await delivery.deliver(notice, fake)
    await delivery.deliver(notice, fake)  # the worker died before recording the first as done
    assert list(fake.kept().values()) == ["Campaign 1: 2 reports about one persona", "formed under m1"]
    assert len(fake.deleted) == 1


async def test_two_replicas_posting_at_once_keep_one_card(uow_factory: UowFactory) -> None:
    await _arrive(uow_factory, 1)
    await _arrive(uow_factory, 2)
    [card] = await _entries(uow_factory, CARD_EVENT)
    fake = FakeChannel(hold=asyncio.Event())
    # Both look, find no card, and post one before either stores where theirs is.
    await asyncio.gather(_channel(uow_factory).deliver(card, fake), _channel(uow_factory).deliver(card, fake))
    assert len(fake.kept()) == 1 and len(fake.deleted) == 1
    async with uow_factory() as uow:
        stored = await uow.threads.get("slack", "C-1")
    assert stored is not None and stored.thread_id in fake.kept()


async def test_a_merged_away_campaigns_card_says_so_and_one_never_posted_stays_unposted(
    uow_factory: UowFactory,
) -> None:
    for n in (1, 2):
        await _arrive(uow_factory, n)
    other = {"name_used": "Bob Bloggs", "emails": ["bob@bloggs-talent.example"]}
    for n in (3, 4):
        at = CREATED_AT + timedelta(hours=n)
        report = make_report(contact=Contact(**other), created_at=at, updated_at=at, routed_to=["slack"])
        async with uow_factory() as uow:
            await uow.reports.add(report)
            await NEWS.linked(uow, report, await link_report(uow, report, at), at)
            await uow.commit()
    fake, delivery = FakeChannel(), _channel(uow_factory)
    for entry in await _entries(uow_factory, CARD_EVENT):
        await delivery.deliver(entry, fake)
    assert len(fake.kept()) == 2

    async def allow(actor: Actor, action: str) -> None:
        return None

    service = CampaignService(uow_factory, lambda: CREATED_AT, allow, news=NEWS)
    await service.merge(1, [2], Actor("cli", "sam"))
    for entry in await _entries(uow_factory, CARD_EVENT):
        await delivery.deliver(entry, fake)
    assert sorted(fake.updated) == [
        "m1: Campaign 1: 4 reports about one persona",
        "m2: Campaign 2 was merged into another",
    ]
    # A campaign merged away before its card was posted: nothing is posted for it.
    gone = OutboxEntry(
        report_reference="C-99",
        destination="slack",
        event=CARD_EVENT,
        payload={"campaign_id": 99},
        idempotency_key="C-99.card.x.slack",
        created_at=CREATED_AT,
        next_attempt_at=CREATED_AT,
    )
    before = dict(fake.posted)
    await delivery.deliver(gone, fake)
    assert fake.posted == before


async def test_an_entry_that_is_not_a_campaign_event_is_refused_for_good(uow_factory: UowFactory) -> None:
    entry = OutboxEntry(
        report_reference="C-1",
        destination="slack",
        event=CARD_EVENT,
        payload={"campaign": "one"},
        idempotency_key="C-1.card.bad.slack",
        created_at=CREATED_AT,
        next_attempt_at=CREATED_AT,
    )
    with pytest.raises(PermanentDeliveryFailure):
        await _channel(uow_factory).deliver(entry, FakeChannel())


async def test_without_chat_channels_nothing_is_queued(uow_factory: UowFactory) -> None:
    quiet = CampaignNews(())
    await _arrive(uow_factory, 1, quiet)
    await _arrive(uow_factory, 2, quiet)
    assert await _entries(uow_factory) == []
