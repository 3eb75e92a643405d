"""The security inbox in a Teams channel: the Teams port (ChannelPoster) of the one channel
delivery algorithm, bot.inbox.channel_delivery, which says what each event does to the card and
its reply chain. The card is a new post in the inbox channel, its thread lines are replies under
it, an update replaces it and a second copy is deleted, all through the transport (either SDK).

The channel is the one a security-team member chose ("@Tipline use this channel as the
security inbox"); until then deliveries wait (RetryLater) and are sent the moment it is chosen.
Cards are kept per channel: if the team moves the inbox, each report gets a card in the new
channel at its next event, and the old cards stay where they were.

What the Connector service's answers mean here (after the quick retries of retry.py):
  429                        RetryLater, honouring Retry-After
  401, 403, 404              PermanentDeliveryFailure, with a log line saying what to fix
  anything else              DeliveryFailed: retried with backoff
Logs carry the destination, reference and HTTP status, never content.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Final

from adapters.teams.addresses import INBOX_KEY, PLATFORM, InboxChannel, name_key
from adapters.teams.campaign_channel import CampaignChannelPoster, channel_key
from adapters.teams.digest_card import digest_card
from adapters.teams.failures import delivery_failure
from adapters.teams.inbox_cards import card_activity, thread_activity
from adapters.teams.retry import with_retries
from adapters.teams.sending import post_in_channel
from adapters.teams.transport import Conversation, Transport, channel_thread_reference
from bot.campaigns.channel import CampaignChannel
from bot.campaigns.news import CAMPAIGN_EVENTS
from bot.destinations import RetryLater
from bot.inbox.channel_delivery import ThreadedChannelInbox
from bot.inbox_events import InboxEvent
from bot.ports import DestinationThread, OutboxEntry, UnitOfWorkFactory
from bot.report import utcnow
from bot.statistics.digest import DIGEST_EVENT, DigestPayload

log = logging.getLogger(__name__)

POSTED_SOURCE: Final = "teams-inbox"
NO_CHANNEL_YET = timedelta(minutes=10)


class TeamsChannelInbox:
    def __init__(
        self,
        name: str,
        transport: Transport,
        unit_of_work: UnitOfWorkFactory,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.name = name
        self._transport = transport
        self._uow = unit_of_work
        self._clock = clock
        self._delivery = ThreadedChannelInbox(
            f"teams {name}", self._channel, unit_of_work, clock, POSTED_SOURCE
        )
        self._campaigns = CampaignChannel(f"teams {name}", unit_of_work, clock, POSTED_SOURCE)

    def __repr__(self) -> str:
        return f"TeamsChannelInbox(name={self.name!r})"

    async def deliver(self, entry: OutboxEntry) -> None:
        if entry.event == DIGEST_EVENT:
            await self._post_digest(DigestPayload.model_validate(entry.payload))
            return
        if entry.event in CAMPAIGN_EVENTS:
            channel = await self._inbox_channel(entry.report_reference)
            await self._campaigns.deliver(entry, CampaignChannelPoster(self, channel))
            return
        await self._delivery.deliver(entry)

    async def _post_digest(self, payload: DigestPayload) -> None:
        """A new post in the inbox channel (not under any report's card)."""
        channel = await self._inbox_channel(f"the {payload.week} digest")
        card = await digest_card(payload)
        where = f"teams {self.name}: the {payload.week} digest"
        try:
            await with_retries(lambda: self.post(channel, card), where)
        except Exception as exc:
            raise delivery_failure(where, exc, self._clock()) from None

    async def _channel(self, event: InboxEvent) -> _InboxChannelPoster:
        return _InboxChannelPoster(self, await self._inbox_channel(event.reference))

    async def _inbox_channel(self, what: str) -> InboxChannel:
        async with self._uow() as uow:
            address = await uow.addresses.get(PLATFORM, INBOX_KEY)
        if address is None:
            log.warning(
                "teams %s: no inbox channel yet for %s; a security-team member should say "
                '"@Tipline use this channel as the security inbox" in the channel',
                self.name,
                what,
            )
            raise RetryLater(NO_CHANNEL_YET, f"teams {self.name}: no inbox channel chosen yet")
        return InboxChannel.from_json(address)

    async def names(self, event: InboxEvent) -> dict[str, str]:
        """The analyst's name, when they acted in Teams and said who they are."""
        change = event.status_change
        if change is None:
            return {}
        async with self._uow() as uow:
            known = await uow.addresses.get(PLATFORM, name_key(change.by))
        name = (known or {}).get("name")
        return {change.by: str(name)} if name else {}

    # ---- the Connector service ---------------------------------------------------------------

    async def in_thread(
        self,
        what: str,
        about: str,
        channel: InboxChannel,
        root: str,
        work: Callable[[Conversation], Awaitable[None]],
    ) -> None:
        reference = channel_thread_reference(channel, root)
        await self.call(what, about, lambda: self._transport.continue_conversation(reference, work))

    async def post(self, channel: InboxChannel, activity: dict[str, Any]) -> Any:
        return await post_in_channel(self._transport, channel, activity)

    async def call(self, what: str, about: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """`about`: the report's reference or the campaign's key, for the logs."""
        where = f"teams {self.name}: {what} for {about}"
        try:
            return await with_retries(call, where)
        except Exception as exc:
            raise delivery_failure(where, exc, self._clock()) from None


class _InboxChannelPoster:
    """The port (bot.inbox.channel_delivery.ChannelPoster) for the channel chosen now."""

    def __init__(self, inbox: TeamsChannelInbox, channel: InboxChannel) -> None:
        self._inbox = inbox
        self._channel = channel

    @property
    def key(self) -> str:
        """Cards are kept per channel (see the module's docstring)."""
        return channel_key(self._inbox.name, self._channel)

    async def post_card(self, event: InboxEvent) -> DestinationThread:
        root = await self._inbox.call(
            "post the card", event.reference, lambda: self._inbox.post(self._channel, card_activity(event))
        )
        return DestinationThread(self._channel.channel_id, str(root))

    async def update_card(self, thread: DestinationThread, event: InboxEvent) -> None:
        card = card_activity(event)

        async def update(conversation: Conversation) -> None:
            await conversation.update(thread.thread_id, card)

        await self._inbox.in_thread(
            "update the card", event.reference, self._channel, thread.thread_id, update
        )

    async def reply(self, thread: DestinationThread, event: InboxEvent) -> str | None:
        payload = thread_activity(event, await self._inbox.names(event))
        if payload is None:
            return None
        sent: list[str] = []

        async def send(conversation: Conversation) -> None:
            sent.append(await conversation.send(payload))

        await self._inbox.in_thread(
            "reply under the card", event.reference, self._channel, thread.thread_id, send
        )
        return sent[0] if sent else ""

    async def delete(self, thread: DestinationThread, message_id: str, event: InboxEvent) -> None:
        async def delete(conversation: Conversation) -> None:
            await conversation.delete(message_id)

        await self._inbox.in_thread(
            "remove a second copy", event.reference, self._channel, thread.thread_id, delete
        )
