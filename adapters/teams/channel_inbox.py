"""The security inbox in a Teams channel: a Destination (bot.destinations) for the delivery worker.

  report.submitted           the report's card, posted as a new post in the inbox channel; the
                             post's id is stored (uow.threads, per channel) so every later
                             event finds it
  report.updated / status    the card replaced in place (update_activity), and a reply under it
  report.message / reminder  a reply under the card

The channel is the one a security-team member chose ("@Tipline use this channel as the
security inbox"); until then deliveries wait (RetryLater) and are sent the moment it is chosen.
The card always shows the report as stored now, so events delivered out of order never put an
older state back. One card per report across replicas: the post id is stored insert-if-absent
and a replica that lost the race deletes its own post. A repeated reply is recognised by the
outbox entry's idempotency key and its second copy deleted again.

What the Connector service's answers mean here (after the quick retries of retry.py):
  429                        RetryLater, honouring Retry-After
  401, 403, 404              PermanentDeliveryFailure, with a log line saying what to fix
  anything else              DeliveryFailed: retried with backoff
Logs carry the destination, reference and HTTP status, never content.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Final

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from pydantic import ValidationError

from adapters.teams.addresses import INBOX_KEY, PLATFORM, InboxChannel, name_key
from adapters.teams.failures import delivery_failure
from adapters.teams.inbox_cards import card_activity, thread_activity
from adapters.teams.retry import with_retries
from adapters.teams.sending import post_in_channel, to_activity
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater
from bot.inbox_events import EventKind, InboxEvent
from bot.ports import DestinationThread, OutboxEntry, UnitOfWorkFactory
from bot.report import utcnow

log = logging.getLogger(__name__)

POSTED_SOURCE: Final = "teams-inbox"
NO_CHANNEL_YET = timedelta(minutes=10)


class TeamsChannelInbox:
    def __init__(
        self,
        name: str,
        adapter: CloudAdapter,
        app_id: str | None,
        unit_of_work: UnitOfWorkFactory,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.name = name
        self._adapter = adapter
        self._app_id = app_id or ""
        self._uow = unit_of_work
        self._clock = clock

    def __repr__(self) -> str:
        return f"TeamsChannelInbox(name={self.name!r})"

    async def deliver(self, entry: OutboxEntry) -> None:
        try:
            event = InboxEvent.model_validate(entry.payload)
        except ValidationError:
            raise PermanentDeliveryFailure(f"teams {self.name}: the event is not an inbox event") from None
        async with self._uow() as uow:
            address = await uow.addresses.get(PLATFORM, INBOX_KEY)
            current = await uow.reports.get(event.reference)
        if address is None:
            log.warning(
                "teams %s: no inbox channel yet for %s; a security-team member should say "
                '"@Tipline use this channel as the security inbox" in the channel',
                self.name,
                event.reference,
            )
            raise RetryLater(NO_CHANNEL_YET, f"teams {self.name}: no inbox channel chosen yet")
        channel = InboxChannel.from_json(address)
        async with self._uow() as uow:
            stored = await uow.threads.get(self._where(channel), event.reference)
        shown = event if current is None else event.model_copy(update={"report": current})
        thread, posted_now = (stored, False) if stored is not None else await self._post_card(channel, shown)
        if event.event is EventKind.SUBMITTED:
            return
        if event.event in (EventKind.UPDATED, EventKind.STATUS) and not posted_now:
            await self._update_card(channel, thread, shown)
        reply = thread_activity(event, await self._names(event))
        if reply is not None:
            await self._reply(entry, event, channel, thread, reply)

    def _where(self, channel: InboxChannel) -> str:
        """Cards are kept per channel: if the security team moves the inbox, each report gets a
        card in the new channel at its next event, and the old cards stay where they were."""
        digest = hashlib.sha256(channel.channel_id.encode()).hexdigest()[:12]
        return f"{self.name}@{digest}"

    # ---- the card ----------------------------------------------------------------------------

    async def _post_card(self, channel: InboxChannel, event: InboxEvent) -> tuple[DestinationThread, bool]:
        root = await self._call(
            "post the card",
            event,
            lambda: post_in_channel(self._adapter, self._app_id, channel, card_activity(event)),
        )
        mine = DestinationThread(channel.channel_id, str(root))
        async with self._uow() as uow:
            winner = await uow.threads.put(
                self._where(channel), event.reference, mine.channel, mine.thread_id, self._clock()
            )
            await uow.commit()
        if winner == mine:
            log.info("teams %s: posted the card for %s", self.name, event.reference)
            return winner, True
        log.info(
            "teams %s: another replica posted the card for %s first; removing ours",
            self.name,
            event.reference,
        )
        await self._delete(channel, mine.thread_id, mine.thread_id, event)
        return winner, False

    async def _update_card(self, channel: InboxChannel, thread: DestinationThread, event: InboxEvent) -> None:
        card = to_activity(card_activity(event))
        card.id = thread.thread_id

        async def update(context: TurnContext) -> None:
            await context.update_activity(card)

        await self._in_thread("update the card", event, channel, thread.thread_id, update)

    # ---- the reply chain ---------------------------------------------------------------------

    async def _reply(
        self,
        entry: OutboxEntry,
        event: InboxEvent,
        channel: InboxChannel,
        thread: DestinationThread,
        payload: dict[str, Any],
    ) -> None:
        sent: list[str] = []
        activity = to_activity(payload)

        async def send(context: TurnContext) -> None:
            response = await context.send_activity(activity)
            sent.append(str(getattr(response, "id", "") or ""))

        await self._in_thread("reply under the card", event, channel, thread.thread_id, send)
        async with self._uow() as uow:
            first = await uow.events.record(POSTED_SOURCE, entry.idempotency_key, self._clock())
            await uow.commit()
        if not first and sent and sent[0]:
            log.info(
                "teams %s: %s was already under the card of %s", self.name, event.event.value, event.reference
            )
            await self._delete(channel, thread.thread_id, sent[0], event)

    async def _names(self, event: InboxEvent) -> dict[str, str]:
        """The analyst's name, when they acted in Teams and said who they are."""
        change = event.status_change
        if change is None:
            return {}
        async with self._uow() as uow:
            known = await uow.addresses.get(PLATFORM, name_key(change.by))
        name = (known or {}).get("name")
        return {change.by: str(name)} if name else {}

    # ---- the Connector service ---------------------------------------------------------------

    def _reference(self, channel: InboxChannel, root: str) -> ConversationReference:
        return ConversationReference(
            channel_id="msteams",
            service_url=channel.service_url,
            bot=ChannelAccount(id=channel.bot_id, name=channel.bot_name),
            conversation=ConversationAccount(
                id=channel.thread(root),
                is_group=True,
                conversation_type="channel",
                tenant_id=channel.tenant_id,
            ),
        )

    async def _in_thread(
        self,
        what: str,
        event: InboxEvent,
        channel: InboxChannel,
        root: str,
        work: Callable[[TurnContext], Awaitable[None]],
    ) -> None:
        reference = self._reference(channel, root)
        await self._call(
            what, event, lambda: self._adapter.continue_conversation(reference, work, self._app_id)
        )

    async def _delete(self, channel: InboxChannel, root: str, activity_id: str, event: InboxEvent) -> None:
        """Best effort: a second copy that stays is a nuisance, not a loss."""

        async def delete(context: TurnContext) -> None:
            await context.delete_activity(activity_id)

        try:
            await self._in_thread("remove a second copy", event, channel, root, delete)
        except DeliveryFailed:
            log.warning("teams %s: could not remove a second copy for %s", self.name, event.reference)

    async def _call(self, what: str, event: InboxEvent, call: Callable[[], Awaitable[Any]]) -> Any:
        where = f"teams {self.name}: {what} for {event.reference}"
        try:
            return await with_retries(call, where)
        except Exception as exc:
            raise delivery_failure(where, exc, self._clock()) from None
