"""Calls to the Bot Connector service, retried when the service says "not now".

Teams answers 429 when a bot sends too fast (per conversation and per tenant), 412 when two
writes to one conversation collide, and 502/504 when a backend is briefly away. Those are
retried here with exponential backoff and full jitter (so a burst of sends that failed
together does not retry in step), honouring Retry-After. Anything else is raised at once:
the caller decides (a reply says sorry; the outbox tries again later).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.delivery_failures import parse_retry_after

log = logging.getLogger(__name__)

RETRIED = frozenset({412, 429, 502, 504})
ATTEMPTS = 4
BASE_DELAY = 0.5
MAX_DELAY = 8.0

T = TypeVar("T")


def status_of(exc: BaseException) -> int | None:
    """The HTTP status behind a Connector client error, or None for other errors: botbuilder's
    (msrest's HttpOperationError, botframework's ErrorResponseException) carry the response; the
    Agents SDK's (aiohttp's ClientResponseError) carry the status and headers themselves."""
    response = getattr(exc, "response", None)
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    value = getattr(exc, "status", None)
    return value if isinstance(value, int) else None


def retry_after_header(exc: BaseException) -> str | None:
    """The Retry-After header of the answer behind a Connector client error, as sent."""
    response = getattr(exc, "response", None)
    headers: Any = getattr(response, "headers", None) or getattr(exc, "headers", None) or {}
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    return str(raw) if raw else None


def retry_after(exc: BaseException, now: datetime | None = None) -> float | None:
    """Seconds the service asked us to wait, from Retry-After (seconds or an HTTP date)."""
    raw = retry_after_header(exc)
    wait = parse_retry_after(str(raw), now or datetime.now(UTC)) if raw else None
    return wait.total_seconds() if wait is not None else None


async def with_retries(
    call: Callable[[], Awaitable[T]],
    what: str,
    *,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY,
    max_delay: float = MAX_DELAY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
    long_waits_to_caller: bool = True,
) -> T:
    """`call()`, tried up to `attempts` times while the service answers 412/429/502/504.

    A wait longer than `max_delay` is raised to a caller that can wait that long (the outbox);
    `long_waits_to_caller=False` (a reply within a turn: nothing else would send it) waits
    `max_delay` and tries again instead."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as exc:
            status = status_of(exc)
            asked = retry_after(exc) or 0.0
            if status not in RETRIED or attempt == attempts or (asked > max_delay and long_waits_to_caller):
                raise  # a long wait is not for here: the outbox waits as long as was asked
            backoff = min(max_delay, base_delay * 2 ** (attempt - 1)) * jitter()
            delay = max(backoff, min(asked, max_delay))
            log.info("teams: %s got HTTP %s; trying again in %.1f s", what, status, delay)
            await sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
