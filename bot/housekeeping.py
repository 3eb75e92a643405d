"""What storage forgets on a schedule: cancelled drafts past their keep-until date, the
ids of platform events handled long enough ago that no platform will send them again, and,
once a day (bot.retention: once across replicas and restarts), closed reports past
RETENTION_CLOSED."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.ports import UnitOfWorkFactory
from bot.retention.purge import Retention

log = logging.getLogger(__name__)

# Slack retries an event for about an hour at most, the Bot Framework for minutes: a week
# of event ids is far more than any redelivery needs.
EVENT_KEEP = timedelta(days=7)


@dataclass(frozen=True)
class Tidied:
    drafts: int
    events: int


async def tidy(uow_factory: UnitOfWorkFactory, now: datetime, retention: Retention | None = None) -> Tidied:
    """`retention`: drafts go through it, so evidence files they hold go too, audited."""
    drafts = 0
    if retention is not None:
        drafts, _ = await retention.purge_drafts(now)
    async with uow_factory() as uow:
        if retention is None:
            drafts = await uow.conversations.delete_expired(now)
        events = await uow.events.prune(now - EVENT_KEEP)
        await uow.commit()
    if drafts or events:
        log.info("forgot %d cancelled drafts and %d old event ids", drafts, events)
    return Tidied(drafts, events)


async def run(
    uow_factory: UnitOfWorkFactory,
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    interval: float = 3600,
    retention: Retention | None = None,
) -> None:
    """Tidy every `interval` seconds until `stop` is set, and purge when the daily purge is due
    (never at start-up: a command such as `reports purge --dry-run` must find things as they
    are); a failed pass is logged and retried later."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if stop.is_set():
            return
        try:
            await tidy(uow_factory, clock(), retention)
            if retention is not None:
                await retention.run_due(clock())
        except Exception as exc:
            log.error("housekeeping: pass failed: %s", type(exc).__name__)
