"""What an HTTP service's refusal means for a delivery the outbox will try again: one place for
every destination (the webhook, the Slack and Teams channels, pushes to a reporter).

  429 (or a "rate limited" code)   RetryLater, honouring Retry-After (seconds or an HTTP date)
  a status or code with a fix      PermanentDeliveryFailure, with a log line saying what to fix
  a status refused for good        PermanentDeliveryFailure (the webhook's other 3xx and 4xx)
  anything else                    DeliveryFailed: retried with backoff

Each destination reads the status, the Retry-After header and the service's own error code out
of its SDK's answer; the decision is made here. Logs carry the place, the status and the code,
never content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater

DEFAULT_RETRY_AFTER: Final = timedelta(seconds=30)
RATE_LIMITED_CODES: Final = frozenset({"ratelimited", "rate_limited"})
_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_LONGEST = 10**9  # seconds: a Retry-After past this is someone's mistake, not a plan


def parse_retry_after(value: object, now: datetime) -> timedelta | None:
    """Retry-After as delay-seconds (whole or decimal) or an HTTP date; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return timedelta(seconds=min(float(value), _LONGEST))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


@dataclass(frozen=True)
class ServiceAnswer:
    """What a service answered a request that did not succeed."""

    status: int | None  # None: no HTTP answer at all (a network error, a timeout)
    retry_after: str | None = None  # the Retry-After header, as sent
    code: str = ""  # the service's own error code ("invalid_auth"), or what went wrong

    @property
    def reason(self) -> str:
        parts = ([f"HTTP {self.status}"] if self.status is not None else []) + (
            [self.code] if self.code else []
        )
        return ", ".join(parts) or "no answer"


def delivery_failure(
    where: str,
    answer: ServiceAnswer,
    now: datetime,
    *,
    service: str,
    log: logging.Logger | None = None,
    fixes: Mapping[int | str, str] | None = None,
    refused_for_good: Callable[[int], bool] = lambda status: False,
    default_wait: timedelta = DEFAULT_RETRY_AFTER,
    message: str | None = None,
) -> DeliveryFailed:
    """The failure to raise for `answer`. `fixes` says, by status or error code, what an operator
    must do when no retry will help; `message` replaces the failure's text ("<where>: <reason>")."""
    text = message or f"{where}: {answer.reason}"
    if answer.status == 429 or answer.code in RATE_LIMITED_CODES:
        after = parse_retry_after(answer.retry_after, now) or default_wait
        if log is not None:
            log.info("%s: %s asked to wait %d s", where, service, after.total_seconds())
        return RetryLater(after, text)
    fix = (fixes or {}).get(answer.code) if answer.code else None
    if fix is None and answer.status is not None:
        fix = (fixes or {}).get(answer.status)
    if fix is not None:
        if log is not None:
            log.error(
                "%s refused by %s (%s): %s", where, service, answer.code or f"HTTP {answer.status}", fix
            )
        return PermanentDeliveryFailure(text)
    if answer.status is not None and refused_for_good(answer.status):
        return PermanentDeliveryFailure(text)
    if log is not None:
        log.warning("%s failed: %s", where, answer.reason)
    return DeliveryFailed(text)
