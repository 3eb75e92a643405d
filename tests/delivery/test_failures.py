"""One reading of an HTTP service's refusal, for every destination."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery_failures import DEFAULT_RETRY_AFTER, ServiceAnswer, delivery_failure, parse_retry_after
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
FIXES: dict[int | str, str] = {403: "reinstall the app", "invalid_auth": "check the token"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", timedelta(seconds=7)),
        ("1.5", timedelta(seconds=1.5)),
        ("Wed, 02 Dec 2026 09:00:20 GMT", timedelta(seconds=20)),
        ("Wed, 02 Dec 2026 08:00:00 GMT", timedelta(0)),
        ("99999999999999", timedelta(seconds=10**9)),
        ("-5", None),
        ("soon", None),
        (None, None),
        (7, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(value: object, expected: timedelta | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("answer", "kind", "wait"),
    [
        (ServiceAnswer(429, "12"), RetryLater, timedelta(seconds=12)),
        (ServiceAnswer(200, None, "ratelimited"), RetryLater, DEFAULT_RETRY_AFTER),
        (ServiceAnswer(403), PermanentDeliveryFailure, None),
        (ServiceAnswer(200, None, "invalid_auth"), PermanentDeliveryFailure, None),
        (ServiceAnswer(503, None, "internal_error"), DeliveryFailed, None),
        (ServiceAnswer(None, None, "TimeoutError"), DeliveryFailed, None),
    ],
)
def test_each_answer_means_one_kind_of_failure(
    answer: ServiceAnswer,
    kind: type[DeliveryFailed],
    wait: timedelta | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    failure = delivery_failure(
        "x: post", answer, NOW, service="Chat", log=logging.getLogger("t"), fixes=FIXES
    )
    assert type(failure) is kind
    if wait is not None:
        assert isinstance(failure, RetryLater) and failure.after == wait
    if kind is PermanentDeliveryFailure:
        assert any(
            "refused by Chat" in r.getMessage() and "x: post" in r.getMessage() for r in caplog.records
        )


def test_a_destination_can_refuse_more_statuses_for_good_and_word_its_own_failure() -> None:
    failure = delivery_failure(
        "hook",
        ServiceAnswer(400),
        NOW,
        service="the receiver",
        refused_for_good=lambda s: 400 <= s < 500,
        message="m",
    )
    assert type(failure) is PermanentDeliveryFailure and str(failure) == "m"
