"""What storage forgets on a schedule: cancelled drafts past their keep-until date and drafts
abandoned for as long, the ids of platform events handled long enough ago that no platform will
send them again, and, once a day (bot.retention: once across replicas and restarts), closed reports past
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
        drafts = (await retention.purge_drafts(now)).total
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
    first_pass_after: float | None = None,
) -> None:
    """Tidy every `interval` seconds until `stop` is set, and purge when the daily purge is due
    (never at start-up: a command such as `reports purge --dry-run` must find things as they
    are); `first_pass_after`: sooner the first time (a server, so a purge due is not an hour
    late). A failed pass is logged and retried later."""
    wait = interval if first_pass_after is None else first_pass_after
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
        wait = interval
        if stop.is_set():
            return
        try:
            await tidy(uow_factory, clock(), retention)
            if retention is not None:
                await retention.run_due(clock())
        except Exception as exc:
            log.error("housekeeping: pass failed: %s", type(exc).__name__)
