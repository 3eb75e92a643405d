"""Reports through the real delivery worker and real storage to a real SMTP server and a real
webhook receiver, with the worker's clock in the test's hands."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest

from adapters.inbox.email import EmailInbox
from adapters.inbox.webhook import WebhookInbox, verify_signature
from bot.delivery import DeliveryWorker
from bot.destinations import Destination
from bot.inbox_events import EventKind, InboxEvent
from bot.ports import OutboxEntry, OutboxStatus
from bot.report import Report
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import Clock, make_report
from tests.inbox.conftest import HOST, Receiver, StartSmtp, free_port

UowFactory = Callable[[], SqlUnitOfWork]
SECRET = b"pipeline-secret-0123456789"
BASE = timedelta(seconds=10)
TEAM = ["soc@security.example"]


def _entry(report: Report, destination: str, now) -> OutboxEntry:
    return OutboxEntry(
        report_reference=report.reference,
        destination=destination,
        event="report.submitted",
        payload=InboxEvent.about(EventKind.SUBMITTED, report, now).model_dump(mode="json"),
        idempotency_key=f"{report.reference}:report.submitted:r{report.revision}:{destination}",
        created_at=now,
        next_attempt_at=now,
    )


async def _queue(uow_factory: UowFactory, *entries: OutboxEntry) -> None:
    async with uow_factory() as uow:
        for entry in entries:
            await uow.outbox.add(entry)
        await uow.commit()


async def _entries(uow_factory: UowFactory) -> dict[str, OutboxEntry]:
    async with uow_factory() as uow:
        return {e.destination: e for e in await uow.outbox.list()}


def _worker(uow_factory: UowFactory, destinations: dict[str, Destination], clock: Clock) -> DeliveryWorker:
    return DeliveryWorker(
        uow_factory,
        destinations,
        clock,
        max_attempts=5,
        backoff_base=BASE,
        backoff_max=timedelta(minutes=10),
        rng=random.Random(1),
        owner="pipeline-test",
    )


@pytest.fixture
async def clock() -> Clock:
    return Clock()


@pytest.fixture
async def webhook_for(clock: Clock) -> AsyncIterator[Callable[[str], WebhookInbox]]:
    made: list[WebhookInbox] = []

    def make(url: str) -> WebhookInbox:
        inbox = WebhookInbox("webhook", url, SECRET, 5.0, clock=clock)
        made.append(inbox)
        return inbox

    try:
        yield make
    finally:
        for inbox in made:
            await inbox.close()


def _email(port: int) -> EmailInbox:
    return EmailInbox("email", HOST, port, "none", None, None, "tipline@security.example", TEAM, 5.0)


def _verified(receiver: Receiver, clock: Clock) -> list[bool]:
    return [
        verify_signature(
            SECRET,
            r.headers.get("X-Tipline-Timestamp"),
            r.headers.get("X-Tipline-Signature"),
            r.body,
            clock(),
        )
        for r in receiver.requests
    ]


async def test_a_submitted_report_reaches_the_mailbox_and_the_webhook_exactly_once(
    uow_factory: UowFactory, smtp_server: StartSmtp, receiver: Receiver, webhook_for, clock: Clock
) -> None:
    smtp = smtp_server()
    report = make_report()
    await _queue(uow_factory, _entry(report, "email", clock()), _entry(report, "webhook", clock()))
    worker = _worker(uow_factory, {"email": _email(smtp.port), "webhook": webhook_for(receiver.url)}, clock)

    assert await worker.run_once() == 2
    clock.advance(timedelta(hours=2))
    assert await worker.run_once() == 0

    entries = await _entries(uow_factory)
    assert {d: e.status for d, e in entries.items()} == {
        "email": OutboxStatus.DELIVERED,
        "webhook": OutboxStatus.DELIVERED,
    }
    [mail] = smtp.recorder.received
    assert mail.message["Subject"] == f"[{report.reference}] New report (High severity)"
    assert mail.message["X-Tipline-Delivery"] == entries["email"].idempotency_key
    [request] = receiver.requests
    assert request.headers["X-Tipline-Delivery"] == entries["webhook"].idempotency_key
    clock.now = clock.now - timedelta(hours=2)  # the moment it was signed
    assert _verified(receiver, clock) == [True]
    assert InboxEvent.model_validate_json(request.body).report == report


async def test_a_receiver_answering_503_for_a_while_gets_the_report_once_it_is_back(
    uow_factory: UowFactory, receiver: Receiver, webhook_for, clock: Clock
) -> None:
    receiver.answers = [(503, {}), (503, {}), (503, {})]
    await _queue(uow_factory, _entry(make_report(), "webhook", clock()))
    worker = _worker(uow_factory, {"webhook": webhook_for(receiver.url)}, clock)

    for attempt in range(1, 4):
        assert await worker.run_once() == 1
        entry = (await _entries(uow_factory))["webhook"]
        assert (entry.status, entry.attempts, entry.last_error) == (
            OutboxStatus.PENDING,
            attempt,
            "DeliveryFailed",
        )
        assert await worker.run_once() == 0  # waits for its backoff
        clock.now = entry.next_attempt_at
    assert await worker.run_once() == 1
    assert (await _entries(uow_factory))["webhook"].status is OutboxStatus.DELIVERED
    assert _verified(receiver, clock)[-1] is True  # signed afresh on each attempt
    clock.advance(timedelta(days=1))
    assert await worker.run_once() == 0

    assert len(receiver.requests) == 4
    assert (
        len({r.headers["X-Tipline-Delivery"] for r in receiver.requests}) == 1
    )  # one key: the receiver can de-duplicate


async def test_a_receiver_that_is_not_listening_yet_gets_the_report_once_it_starts(
    uow_factory: UowFactory, receivers, webhook_for, clock: Clock
) -> None:
    receiver = receivers(free_port())  # nothing listens there yet
    await _queue(uow_factory, _entry(make_report(), "webhook", clock()))
    worker = _worker(uow_factory, {"webhook": webhook_for(receiver.url)}, clock)

    assert await worker.run_once() == 1
    entry = (await _entries(uow_factory))["webhook"]
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.PENDING, 1, "DeliveryFailed")

    await receiver.start()
    clock.now = entry.next_attempt_at
    assert await worker.run_once() == 1
    assert (await _entries(uow_factory))["webhook"].status is OutboxStatus.DELIVERED
    assert len(receiver.requests) == 1 and _verified(receiver, clock) == [True]


async def test_a_400_is_dead_lettered_after_one_request_with_no_retry_storm(
    uow_factory: UowFactory, receiver: Receiver, webhook_for, clock: Clock
) -> None:
    receiver.answers = [(400, {})] * 10
    await _queue(uow_factory, _entry(make_report(), "webhook", clock()))
    worker = _worker(uow_factory, {"webhook": webhook_for(receiver.url)}, clock)

    assert await worker.run_once() == 1
    for _ in range(3):
        clock.advance(timedelta(days=1))
        assert await worker.run_once() == 0
    entry = (await _entries(uow_factory))["webhook"]
    assert (entry.status, entry.attempts, entry.last_error) == (
        OutboxStatus.DEAD,
        1,
        "PermanentDeliveryFailure",
    )
    assert len(receiver.requests) == 1


async def test_a_429_retry_after_is_honoured(
    uow_factory: UowFactory, receiver: Receiver, webhook_for, clock: Clock
) -> None:
    receiver.answers = [(429, {"Retry-After": "120"})]
    await _queue(uow_factory, _entry(make_report(), "webhook", clock()))
    worker = _worker(uow_factory, {"webhook": webhook_for(receiver.url)}, clock)
    start = clock()

    assert await worker.run_once() == 1
    entry = (await _entries(uow_factory))["webhook"]
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.PENDING, 1, "RetryLater")
    assert entry.next_attempt_at == start + timedelta(seconds=120)  # not the 10 s backoff

    clock.now = start + timedelta(seconds=119)
    assert await worker.run_once() == 0
    assert len(receiver.requests) == 1
    clock.now = start + timedelta(seconds=120)
    assert await worker.run_once() == 1
    assert (await _entries(uow_factory))["webhook"].status is OutboxStatus.DELIVERED
    assert len(receiver.requests) == 2 and _verified(receiver, clock)[-1] is True
