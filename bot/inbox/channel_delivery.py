"""The security inbox in a chat channel (Slack, Teams): one delivery algorithm, a small port per platform.

  report.submitted           the report's card, posted; where it is is stored (uow.threads) so
                             every later event finds it
  report.updated / status    the card replaced in place, and a line in its thread
  report.message / reminder  a line in the card's thread

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
        # The card shows the report as it is now, so events delivered out of order (one of
        # them retried) never put an older state back, whatever the replicas' clocks say.
        shown = event if current is None else event.model_copy(update={"report": current})
        thread, posted_now = (stored, False) if stored is not None else await self._post_card(channel, shown)
        if event.event is EventKind.SUBMITTED:
            return
        if event.event in (EventKind.UPDATED, EventKind.STATUS) and not posted_now:
            await channel.update_card(thread, shown)
        posted = await channel.reply(thread, event)
        if posted is None:
            return
        async with self._uow() as uow:
            first = await uow.events.record(self._posted, entry.idempotency_key, self._clock())
            await uow.commit()
        if not first and posted:
            log.info(
                "%s: %s was already in the thread of %s", self._label, event.event.value, event.reference
            )
            await self._delete(channel, thread, posted, event)

    async def _post_card(self, channel: ChannelPoster, event: InboxEvent) -> tuple[DestinationThread, bool]:
        """Post the report's card and store where it is. True if ours is the card kept."""
        mine = await channel.post_card(event)
        async with self._uow() as uow:
            winner = await uow.threads.put(
                channel.key, event.reference, mine.channel, mine.thread_id, self._clock()
            )
            await uow.commit()
        if winner == mine:
            log.info("%s: posted the card for %s", self._label, event.reference)
            return winner, True
        log.info(
            "%s: another replica posted the card for %s first; removing ours", self._label, event.reference
        )
        await self._delete(channel, mine, mine.thread_id, event)
        return winner, False

    async def _delete(
        self, channel: ChannelPoster, thread: DestinationThread, message_id: str, event: InboxEvent
    ) -> None:
        """Best effort: a second copy that stays is a nuisance, not a loss."""
        try:
            await channel.delete(thread, message_id, event)
        except DeliveryFailed:
            log.warning("%s: could not remove a second copy for %s", self._label, event.reference)
