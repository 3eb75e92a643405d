"""What the Connector service's refusals mean for a delivery the outbox will try again.

  429                 RetryLater, honouring Retry-After
  401, 403, 404       PermanentDeliveryFailure, with a log line saying what to fix
  anything else       DeliveryFailed: retried with backoff

Logs carry the place and the HTTP status, never content.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Final

from adapters.teams.retry import retry_after, status_of
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = timedelta(seconds=30)
PERMANENT: Final[dict[int, str]] = {
    401: "the Bot Framework refused the bot's credentials: check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD",
    403: "the bot may not post there: is Tipline still installed (in that team, or for that person)?",
    404: "the conversation or the message is gone (a deleted card, a deleted channel, a removed app); "
    'for the inbox, choose a channel again with "@Tipline use this channel as the security inbox"',
}


def delivery_failure(where: str, exc: Exception, now: datetime) -> DeliveryFailed:
    status = status_of(exc)
    if status == 429:
        seconds = retry_after(exc, now)
        after = timedelta(seconds=seconds) if seconds else DEFAULT_RETRY_AFTER
        log.info("%s: Teams asked to wait %d s", where, after.total_seconds())
        return RetryLater(after, f"{where}: HTTP 429")
    fix = PERMANENT.get(status or 0)
    if fix is not None:
        log.error("%s refused by Teams (HTTP %s): %s", where, status, fix)
        return PermanentDeliveryFailure(f"{where}: HTTP {status}")
    reason = f"HTTP {status}" if status else type(exc).__name__
    log.warning("%s failed: %s", where, reason)
    return DeliveryFailed(f"{where}: {reason}")
