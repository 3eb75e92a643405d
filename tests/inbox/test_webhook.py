"""The webhook destination against a real aiohttp receiver on 127.0.0.1, and signature checks."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from adapters.inbox.webhook import WebhookInbox, sign, verify_signature
from bot.delivery_failures import parse_retry_after
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater
from bot.inbox_events import EventKind
from tests.factories import make_report
from tests.inbox.conftest import Receiver, free_port
from tests.inbox.events import IDENTITY, entry_for, event

SECRET = b"whsec-test-0123456789abcdef"
NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
CONTENT = "SENTINEL-the-roadmap-they-asked-for"


@pytest.fixture
async def make_inbox() -> AsyncIterator[Callable[..., WebhookInbox]]:
    made: list[WebhookInbox] = []

    def make(url: str, **kwargs) -> WebhookInbox:
        inbox = WebhookInbox(
            "webhook", url, kwargs.pop("secret", SECRET), kwargs.pop("timeout", 5.0), **kwargs
        )
        made.append(inbox)
        return inbox

    try:
        yield make
    finally:
        for inbox in made:
            await inbox.close()


def _entry():
    return entry_for(
        event(EventKind.SUBMITTED, make_report(reporter=IDENTITY, what_happened=CONTENT)), "webhook"
    )


async def test_the_event_is_posted_signed_with_its_delivery_key(receiver: Receiver, make_inbox) -> None:
    entry = _entry()
    await make_inbox(receiver.url).deliver(entry)

    [request] = receiver.requests
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Tipline-Event"] == "report.submitted"
    assert headers["X-Tipline-Delivery"] == headers["Idempotency-Key"] == entry.idempotency_key
    assert json.loads(request.body) == entry.payload
    assert request.body == json.dumps(entry.payload, ensure_ascii=False, separators=(",", ":")).encode()
    now = datetime.now(UTC)
    assert abs(int(headers["X-Tipline-Timestamp"]) - now.timestamp()) < 5
    assert (
        headers["X-Tipline-Signature"] == f"v1={sign(SECRET, headers['X-Tipline-Timestamp'], request.body)}"
    )
    assert verify_signature(
        SECRET, headers["X-Tipline-Timestamp"], headers["X-Tipline-Signature"], request.body, now
    )


async def test_a_tampered_body_or_an_old_timestamp_does_not_verify(receiver: Receiver, make_inbox) -> None:
    await make_inbox(receiver.url, clock=lambda: NOW).deliver(_entry())
    [request] = receiver.requests
    timestamp, signature = request.headers["X-Tipline-Timestamp"], request.headers["X-Tipline-Signature"]
    assert timestamp == str(int(NOW.timestamp()))

    assert verify_signature(SECRET, timestamp, signature, request.body, NOW + timedelta(minutes=5))
    tampered = request.body.replace(CONTENT.encode(), b"SENTINEL-something-else")
    assert tampered != request.body
    assert not verify_signature(SECRET, timestamp, signature, tampered, NOW)
    assert not verify_signature(
        SECRET, timestamp, signature, request.body, NOW + timedelta(minutes=6)
    )  # replayed
    assert not verify_signature(
        SECRET, timestamp, signature, request.body, NOW - timedelta(minutes=6)
    )  # from the future
    assert not verify_signature(b"another-secret", timestamp, signature, request.body, NOW)
    assert not verify_signature(SECRET, str(int(NOW.timestamp()) + 1), signature, request.body, NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        (None, "v1=00"),
        ("1773480600", None),
        ("", "v1=00"),
        ("-1773480600", "v1=00"),
        ("1773480600.0", "v1=00"),
        ("99999999999999999999", "v1=00"),
        ("1773480600", "v0=whatever"),
        ("1773480600", "garbage"),
        ("1773480600", "v1=é"),
    ],
)
def test_malformed_signature_headers_do_not_verify(timestamp, signature) -> None:
    assert not verify_signature(SECRET, timestamp, signature, b"{}", NOW)


def test_a_receiver_rotating_its_secret_may_accept_several_signatures() -> None:
    timestamp = str(int(NOW.timestamp()))
    good = sign(SECRET, timestamp, b"{}")
    assert verify_signature(SECRET, timestamp, f"v1={'0' * 64}, v1={good}", b"{}", NOW)
    assert not verify_signature(b"", timestamp, f"v1={good}", b"{}", NOW)


async def test_a_400_is_a_permanent_failure(receiver: Receiver, make_inbox) -> None:
    receiver.answers = [(400, {})]
    with pytest.raises(PermanentDeliveryFailure):
        await make_inbox(receiver.url).deliver(_entry())
    assert len(receiver.requests) == 1


async def test_a_redirect_is_not_followed_and_is_permanent(receivers, make_inbox) -> None:
    elsewhere = receivers()
    await elsewhere.start()
    receiver = receivers()
    await receiver.start()
    receiver.answers = [(307, {"Location": elsewhere.url})]
    with pytest.raises(PermanentDeliveryFailure):
        await make_inbox(receiver.url).deliver(_entry())
    assert (len(receiver.requests), len(elsewhere.requests)) == (1, 0)


async def test_a_429_with_retry_after_seconds_asks_to_retry_later(receiver: Receiver, make_inbox) -> None:
    receiver.answers = [(429, {"Retry-After": "7"})]
    with pytest.raises(RetryLater) as caught:
        await make_inbox(receiver.url).deliver(_entry())
    assert caught.value.after == timedelta(seconds=7)


async def test_a_429_with_an_http_date_or_nothing_usable(receiver: Receiver, make_inbox) -> None:
    inbox = make_inbox(receiver.url, clock=lambda: NOW)
    receiver.answers = [
        (429, {"Retry-After": format_datetime(NOW + timedelta(minutes=2), usegmt=True)}),
        (429, {}),
        (429, {"Retry-After": "soon"}),
    ]
    afters = []
    for _ in range(3):
        with pytest.raises(RetryLater) as caught:
            await inbox.deliver(_entry())
        afters.append(caught.value.after)
    assert afters == [timedelta(minutes=2), timedelta(0), timedelta(0)]  # 0: the worker's own backoff


@pytest.mark.parametrize("status", [500, 502, 503, 408])
async def test_server_errors_are_retried(receiver: Receiver, make_inbox, status: int) -> None:
    receiver.answers = [(status, {})]
    with pytest.raises(DeliveryFailed) as caught:
        await make_inbox(receiver.url).deliver(_entry())
    assert type(caught.value) is DeliveryFailed


async def test_a_receiver_that_is_down_or_too_slow_is_retried(receivers, make_inbox) -> None:
    with pytest.raises(DeliveryFailed) as caught:
        await make_inbox(f"http://127.0.0.1:{free_port()}/hook").deliver(_entry())
    assert type(caught.value) is DeliveryFailed

    slow = receivers()
    original = slow._handle

    async def hang(request):
        await asyncio.sleep(0.6)
        return await original(request)

    slow._handle = hang
    await slow.start()
    with pytest.raises(DeliveryFailed) as caught:
        await make_inbox(slow.url, timeout=0.2).deliver(_entry())
    assert type(caught.value) is DeliveryFailed


async def test_failures_say_nothing_of_the_report_or_the_secret(
    receiver: Receiver, make_inbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [(400, {})]
    inbox = make_inbox(receiver.url)
    with pytest.raises(PermanentDeliveryFailure) as caught:
        await inbox.deliver(_entry())
    assert str(caught.value) == "webhook webhook: the receiver answered 400"
    assert SECRET.decode() not in repr(inbox)
    assert all(
        CONTENT not in r.getMessage() and SECRET.decode() not in r.getMessage() for r in caplog.records
    )


async def test_close_is_safe_twice_and_a_closed_inbox_opens_a_new_session(
    receiver: Receiver, make_inbox
) -> None:
    inbox = make_inbox(receiver.url)
    await inbox.close()  # never used
    await inbox.deliver(_entry())
    await inbox.close()
    await inbox.close()
    await inbox.deliver(_entry())
    assert len(receiver.requests) == 2


@pytest.mark.parametrize(
    ("url", "secret", "complaint"),
    [
        ("https://cases.example/hook", b"", "secret is empty"),
        ("ftp://cases.example/hook", SECRET, "http"),
        ("cases.example/hook", SECRET, "http"),
        ("https:///hook", SECRET, "host"),
        ("http://cases.example/hook", SECRET, "must use https"),
        ("http://10.0.0.5/hook", SECRET, "must use https"),
        ("http://127.0.0.1:notaport/hook", SECRET, "not a valid URL"),
    ],
)
def test_an_unsafe_configuration_is_refused_at_start(url: str, secret: bytes, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        WebhookInbox("webhook", url, secret, 5.0)


@pytest.mark.parametrize(
    "url", ["https://cases.example/hook", "http://127.0.0.1:8080/h", "http://[::1]/h", "http://localhost/h"]
)
def test_https_anywhere_and_http_only_on_this_machine(url: str) -> None:
    assert WebhookInbox("webhook", url, SECRET, 5.0).url == url


def test_retry_after_parsing() -> None:
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after(" 0 ", NOW) == timedelta(0)
    assert parse_retry_after("Sat, 14 Mar 2026 09:31:00 GMT", NOW) == timedelta(minutes=1)
    assert parse_retry_after("Sat, 14 Mar 2026 09:00:00 GMT", NOW) == timedelta(0)  # in the past
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("-5", NOW) is None
    assert parse_retry_after("later", NOW) is None
