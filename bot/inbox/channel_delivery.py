"""The security inbox in a chat channel (Slack, Teams): one delivery algorithm, a small port per platform.

  report.submitted           the report's card, posted; where it is is stored (uow.threads) so
                             every later event finds it
  report.updated / status    the card replaced in place, and a line in its thread
  report.message / reminder  a line in the card's thread
  report.campaign            the card replaced in place (it names the campaign), and a line

The card always shows the report as stored now (read at delivery), not the copy in the event:
events delivered out of order, one of them after a retry, never put an older state back. (Two
deliveries for one report at the very same moment could still land their edits in the wrong
order; the next event for the report puts it right.)

One card per report, also with several replicas: where the card is is stored insert-if-absent
after posting, and a replica that finds another's card already stored deletes its own. An event
that arrives before the card (the submitted event is waiting for a retry) posts the card itself.

Repeats: a repeated report.submitted finds the card and does nothing; a repeated thread line is
recognised by the outbox entry's idempotency key (recorded once it is posted) and its second
copy deleted again. Only a crash between the platform's answer and our commit can leave a second
copy, which is the price of never losing one.

The platform's port (ChannelPoster) posts, updates, replies and deletes, and turns the
platform's refusals into DeliveryFailed, RetryLater or PermanentDeliveryFailure. Logs carry the
destination and the reference, never content.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from pydantic import ValidationError

from bot.campaigns.membership import campaign_of
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure
from bot.inbox_events import EventKind, InboxEvent
from bot.ports import DestinationThread, OutboxEntry, UnitOfWorkFactory

log = logging.getLogger(__name__)


class ChannelPoster(Protocol):
    """One platform's channel, as the delivery algorithm uses it."""

    @property
    def key(self) -> str:
        """Where this channel's cards are kept (uow.threads' destination)."""
        ...

    async def post_card(self, event: InboxEvent) -> DestinationThread:
        """Post the report's card; where it is."""
        ...

    async def update_card(self, thread: DestinationThread, event: InboxEvent) -> None: ...

    async def reply(self, thread: DestinationThread, event: InboxEvent) -> str | None:
        """Post the event's line in the card's thread: the id of what was posted ("" when the
        platform gave none), or None when the event has no line (a new report is the card)."""
        ...

    async def delete(self, thread: DestinationThread, message_id: str, event: InboxEvent) -> None:
        """Delete one message of the card's thread (or the card itself, when it is `thread`)."""
        ...


class ThreadedChannelInbox:
    """A Destination (bot.destinations) for the delivery worker, over a platform's ChannelPoster.

    `open_channel` gives the poster for a delivery (raising RetryLater while there is no channel
    yet); `label` ("slack security") starts every log line and failure."""

    def __init__(
        self,
        label: str,
        open_channel: Callable[[InboxEvent], Awaitable[ChannelPoster]],
        unit_of_work: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        posted_source: str,
    ) -> None:
        self._label = label
        self._open = open_channel
        self._uow = unit_of_work
        self._clock = clock
        self._posted = posted_source  # thread lines already posted, by idempotency key (uow.events)

    async def deliver(self, entry: OutboxEntry) -> None:
        try:
            event = InboxEvent.model_validate(entry.payload)
        except ValidationError:
            raise PermanentDeliveryFailure(f"{self._label}: the event is not an inbox event") from None
        channel = await self._open(event)
        async with self._uow() as uow:
            stored = await uow.threads.get(channel.key, event.reference)
            current = await uow.reports.get(event.reference)
            campaign = await campaign_of(uow, event.reference) if current is not None else event.campaign
        # The card shows the report (and its campaign) as it is now, so events delivered out of
        # order (one of them retried) never put an older state back, whatever the replicas' clocks say.
        shown = (
            event if current is None else event.model_copy(update={"report": current, "campaign": campaign})
        )
        thread, posted_now = (stored, False) if stored is not None else await self._post_card(channel, shown)
        if event.event is EventKind.SUBMITTED:
            return
        if event.event in (EventKind.UPDATED, EventKind.STATUS, EventKind.CAMPAIGN) and not posted_now:
            await channel.update_card(thread, shown)
        posted = await channel.reply(thread, event)
        if posted is None:
            return
        first = await first_posting(self._uow, self._clock, self._posted, entry.idempotency_key)
        if not first and posted:
            log.info(
                "%s: %s was already in the thread of %s", self._label, event.event.value, event.reference
            )
            await self._delete(channel, thread, posted, event)

    async def _post_card(self, channel: ChannelPoster, event: InboxEvent) -> tuple[DestinationThread, bool]:
        """Post the report's card and store where it is. True if ours is the card kept."""
        return await place_card(
            self._uow,
            self._clock,
            self._label,
            channel.key,
            event.reference,
            lambda: channel.post_card(event),
            lambda thread: self._delete(channel, thread, thread.thread_id, event),
        )

    async def _delete(
        self, channel: ChannelPoster, thread: DestinationThread, message_id: str, event: InboxEvent
    ) -> None:
        """Best effort: a second copy that stays is a nuisance, not a loss."""
        try:
            await channel.delete(thread, message_id, event)
        except DeliveryFailed:
            log.warning("%s: could not remove a second copy for %s", self._label, event.reference)


# --- The algorithm's two steps, for any card kept in a channel (a report's, a campaign's) --------


async def place_card(
    unit_of_work: UnitOfWorkFactory,
    clock: Callable[[], datetime],
    label: str,
    key: str,
    subject: str,
    post: Callable[[], Awaitable[DestinationThread]],
    remove: Callable[[DestinationThread], Awaitable[None]],
) -> tuple[DestinationThread, bool]:
    """Post a card and store where it is (uow.threads, `key` and `subject`), insert-if-absent:
    of two replicas posting at once, the second finds the first's card stored and removes its
    own (best effort). The card kept, and True if it is ours."""
    mine = await post()
    async with unit_of_work() as uow:
        winner = await uow.threads.put(key, subject, mine.channel, mine.thread_id, clock())
        await uow.commit()
    if winner == mine:
        log.info("%s: posted the card for %s", label, subject)
        return winner, True
    log.info("%s: another replica posted the card for %s first; removing ours", label, subject)
    await remove(mine)
    return winner, False


async def first_posting(
    unit_of_work: UnitOfWorkFactory, clock: Callable[[], datetime], source: str, idempotency_key: str
) -> bool:
    """Record that what the outbox entry `idempotency_key` posted is posted; False if it already was
    (a redelivery: the caller removes its second copy)."""
    async with unit_of_work() as uow:
        first = await uow.events.record(source, idempotency_key, clock())
        await uow.commit()
    return first
