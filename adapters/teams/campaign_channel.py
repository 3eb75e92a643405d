"""The campaign port (bot.campaigns.channel.CampaignPoster) for the Teams inbox channel: the
campaign's card is a post in the channel, updated in place; its notices are replies under it,
all through the transport (either SDK), by the channel inbox's own Connector calls (retries and
failures as for reports)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from adapters.teams.addresses import InboxChannel
from adapters.teams.campaign_cards import campaign_activity, notice_activity
from adapters.teams.transport import Conversation
from bot.campaigns.card import CampaignCard, GoneCard, Notice
from bot.campaigns.news import campaign_key
from bot.ports import DestinationThread

if TYPE_CHECKING:
    from adapters.teams.channel_inbox import TeamsChannelInbox


def channel_key(name: str, channel: InboxChannel) -> str:
    """Cards are kept per channel: where the inbox channel's cards are in uow.threads."""
    digest = hashlib.sha256(channel.channel_id.encode()).hexdigest()[:12]
    return f"{name}@{digest}"


class CampaignChannelPoster:
    def __init__(self, inbox: TeamsChannelInbox, channel: InboxChannel) -> None:
        self._inbox = inbox
        self._channel = channel

    @property
    def key(self) -> str:
        return channel_key(self._inbox.name, self._channel)

    async def post_campaign(self, card: CampaignCard | GoneCard) -> DestinationThread:
        about = campaign_key(card.campaign_id)
        root = await self._inbox.call(
            "post the campaign card", about, lambda: self._inbox.post(self._channel, campaign_activity(card))
        )
        return DestinationThread(self._channel.channel_id, str(root))

    async def update_campaign(self, thread: DestinationThread, card: CampaignCard | GoneCard) -> None:
        updated = campaign_activity(card)

        async def update(conversation: Conversation) -> None:
            await conversation.update(thread.thread_id, updated)

        about = campaign_key(card.campaign_id)
        await self._inbox.in_thread(
            "update the campaign card", about, self._channel, thread.thread_id, update
        )

    async def post_notice(self, thread: DestinationThread, notice: Notice) -> str:
        sent: list[str] = []
        message = notice_activity(notice)

        async def send(conversation: Conversation) -> None:
            sent.append(await conversation.send(message))

        await self._inbox.in_thread(
            "post a campaign notice", "a campaign", self._channel, thread.thread_id, send
        )
        return sent[0] if sent else ""

    async def delete_campaign_message(self, thread: DestinationThread, message_id: str) -> None:
        async def delete(conversation: Conversation) -> None:
            await conversation.delete(message_id)

        await self._inbox.in_thread(
            "remove a second copy", "a campaign", self._channel, thread.thread_id, delete
        )
