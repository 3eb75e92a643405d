"""What the Connector service's refusals mean for a delivery the outbox will try again.

  429                 RetryLater, honouring Retry-After
  401, 403, 404       PermanentDeliveryFailure, with a log line saying what to fix
  anything else       DeliveryFailed: retried with backoff

Logs carry the place and the HTTP status, never content.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Final

from adapters.teams.retry import retry_after_header, status_of
from bot.delivery_failures import ServiceAnswer
from bot.delivery_failures import delivery_failure as classified
from bot.destinations import DeliveryFailed

log = logging.getLogger(__name__)

PERMANENT: Final[dict[int | str, str]] = {
    401: "the Bot Framework refused the bot's credentials: check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD",
    403: "the bot may not post there: is Tipline still installed (in that team, or for that person)?",
    404: "the conversation or the message is gone (a deleted card, a deleted channel, a removed app); "
    'for the inbox, choose a channel again with "@Tipline use this channel as the security inbox"',
}


def delivery_failure(where: str, exc: Exception, now: datetime) -> DeliveryFailed:
    """The failure a Connector client error means (bot.delivery_failures decides)."""
    status = status_of(exc)
    answer = ServiceAnswer(status, retry_after_header(exc), "" if status else type(exc).__name__)
    return classified(where, answer, now, service="Teams", log=log, fixes=PERMANENT)
