"""The Connector service's "not now" answers are retried with jittered backoff; others are not."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from adapters.teams.retry import retry_after, status_of, with_retries


class ServiceSaid(Exception):
    """Shaped like msrest's HttpOperationError: the response rides on the exception."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.response = SimpleNamespace(status_code=status, headers=headers or {})


class Flaky:
    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "sent"


@pytest.mark.parametrize("status", [412, 429, 502, 504])
async def test_busy_answers_are_retried_until_the_send_goes_through(status):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    call = Flaky(ServiceSaid(status), ServiceSaid(status))
    assert await with_retries(call, "a reply", sleep=sleep, jitter=lambda: 1.0) == "sent"
    assert call.calls == 3
    assert slept == [0.5, 1.0]  # exponential; the jitter here is at its top


async def test_the_jitter_spreads_retries_and_retry_after_is_honoured():
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    call = Flaky(ServiceSaid(429, {"Retry-After": "3"}), ServiceSaid(502))
    await with_retries(call, "a reply", sleep=sleep, jitter=lambda: 0.1)
    assert slept == [3.0, pytest.approx(0.1)]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
async def test_other_answers_are_not_retried(status):
    call = Flaky(ServiceSaid(status))
    with pytest.raises(ServiceSaid):
        await with_retries(call, "a reply", sleep=_no_sleep)
    assert call.calls == 1


async def test_it_gives_up_after_the_last_attempt():
    call = Flaky(*(ServiceSaid(429) for _ in range(10)))
    with pytest.raises(ServiceSaid):
        await with_retries(call, "a reply", attempts=3, sleep=_no_sleep)
    assert call.calls == 3


def test_retry_after_as_seconds_or_a_date():
    now = datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC)
    assert retry_after(ServiceSaid(429, {"Retry-After": "7"}), now) == 7.0
    assert retry_after(ServiceSaid(429, {"Retry-After": "Wed, 02 Dec 2026 09:00:20 GMT"}), now) == 20.0
    assert retry_after(ServiceSaid(429, {"Retry-After": "soon"}), now) is None
    assert retry_after(ServiceSaid(429), now) is None
    assert status_of(ValueError("no response")) is None


async def _no_sleep(seconds: float) -> None:
    return None


async def test_a_long_wait_asked_for_is_left_to_the_outbox():
    call = Flaky(ServiceSaid(429, {"Retry-After": "120"}))
    with pytest.raises(ServiceSaid):
        await with_retries(call, "a card", sleep=_no_sleep)
    assert call.calls == 1


async def test_a_reply_within_a_turn_waits_out_a_long_retry_after_at_most_the_cap():
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    call = Flaky(ServiceSaid(429, {"Retry-After": "120"}))
    assert await with_retries(call, "a reply", sleep=sleep, long_waits_to_caller=False) == "sent"
    assert slept == [8.0]
