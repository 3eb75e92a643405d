"""The security inbox in a Slack channel: the Slack port (ChannelPoster) of the one channel
delivery algorithm, bot.inbox.channel_delivery, which says what each event does to the card and
its thread. The card is a chat.postMessage, its thread lines are replies under its ts, an update
is chat.update and a second copy goes with chat.delete.

What Slack's answers mean here:
  ratelimited (429)                    RetryLater, honouring Retry-After
  invalid_auth, channel_not_found,
  not_in_channel, ... (see PERMANENT)  PermanentDeliveryFailure, with a log line saying what to fix
  5xx, network errors, timeouts,
  any other error                      DeliveryFailed: retried with backoff

Logs carry the destination, reference and Slack's error code, never content.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbox.campaign_cards import campaign_blocks, notice_blocks
from adapters.slack.inbox.cards import card_blocks, notification_text, thread_blocks, to_dicts
from adapters.slack.inbox.digest import chart_name, digest_chart, digest_message, digest_payload
from adapters.slack.inbox.files import upload_to_channel
from bot.campaigns.card import CampaignCard, GoneCard, Notice
from bot.campaigns.channel import CampaignChannel
from bot.campaigns.news import CAMPAIGN_EVENTS
from bot.delivery_failures import ServiceAnswer, delivery_failure
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure
from bot.inbox.channel_delivery import ThreadedChannelInbox
from bot.inbox_events import InboxEvent
from bot.ports import DestinationThread, OutboxEntry, UnitOfWorkFactory
from bot.report import utcnow
from bot.statistics.digest import DIGEST_EVENT, DigestPayload

log = logging.getLogger(__name__)

# Thread messages already posted, by outbox idempotency key (uow.events, this source).
POSTED_SOURCE: Final = "slack-inbox"

# Slack errors that no retry will fix, with what the operator should do about them.
PERMANENT: Final[dict[int | str, str]] = {
    "invalid_auth": "the bot token is not valid: check SLACK_BOT_TOKEN",
    "not_authed": "no bot token was sent: check SLACK_BOT_TOKEN",
    "account_inactive": "the bot token belongs to a deleted app or user: reinstall the app",
    "token_revoked": "the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
    "token_expired": "the bot token has expired: reinstall the app and update SLACK_BOT_TOKEN",
    "no_permission": "the app lacks a permission: check its scopes",
    "missing_scope": "the app lacks a scope (chat:write): add it and reinstall",
    "ekm_access_denied": "the workspace's key management refused access",
    "channel_not_found": "the security channel does not exist or the app cannot see it: "
    "check SLACK_SECURITY_CHANNEL",
    "not_in_channel": "the app is not a member of the security channel: invite it (/invite @Tipline)",
    "is_archived": "the security channel is archived: unarchive it or set another SLACK_SECURITY_CHANNEL",
    "restricted_action": "the workspace does not let the app post in the security channel",
    "team_access_not_granted": "the app is not installed for the security channel's workspace",
    "invalid_blocks": "Slack refused the card's layout (a bug in Tipline)",
    "invalid_blocks_format": "Slack refused the card's layout (a bug in Tipline)",
    "msg_too_long": "the message is too long for Slack (a bug in Tipline)",
    "message_not_found": "the report's card was deleted from the channel",
    "cant_update_message": "the report's card can no longer be edited",
    "edit_window_closed": "the workspace no longer allows the report's card to be edited",
}


def inbox_client(bot_token: str, api_url: str, *, timeout: int = 15) -> AsyncWebClient:
    """A Web API client for the inbox alone: unlike the reporter side's, it does not sleep
    through a 429 itself, so the delivery worker hears RetryLater and moves on to other work."""
    return AsyncWebClient(token=bot_token, base_url=api_url, timeout=timeout)


class SlackChannelInbox:
    def __init__(
        self,
        name: str,
        client: AsyncWebClient,
        channel: str,
        unit_of_work: UnitOfWorkFactory,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if not channel.strip():
            raise ValueError(f"slack destination {name!r}: no channel given; set SLACK_SECURITY_CHANNEL")
        self.name = name
        self.channel = channel.strip()
        self._client = client
        self._clock = clock
        self._delivery = ThreadedChannelInbox(f"slack {name}", self._here, unit_of_work, clock, POSTED_SOURCE)
        self._campaigns = CampaignChannel(f"slack {name}", unit_of_work, clock, POSTED_SOURCE)
        # slack_sdk logs every request body at DEBUG, which here is a report.
        client.logger.setLevel(max(logging.INFO, client.logger.level))

    def __repr__(self) -> str:  # the client holds the token: never show it
        return f"SlackChannelInbox(name={self.name!r}, channel={self.channel!r})"

    async def deliver(self, entry: OutboxEntry) -> None:
        if entry.event == DIGEST_EVENT:
            await self._post_digest(digest_payload(entry))
            return
        if entry.event in CAMPAIGN_EVENTS:
            await self._campaigns.deliver(entry, self)
            return
        await self._delivery.deliver(entry)

    async def _post_digest(self, payload: DigestPayload) -> None:
        chart = await digest_chart(payload)
        await self._call(
            f"slack {self.name}: the {payload.week} digest",
            lambda: upload_to_channel(
                self._client,
                self.channel,
                chart_name(payload),
                chart,
                "Reports per week by kind and by channel, and contact checks",
                digest_message(payload),
            ),
        )

    # ---- the port (bot.inbox.channel_delivery.ChannelPoster) --------------------------------

    async def _here(self, event: InboxEvent) -> SlackChannelInbox:
        return self  # one channel, set in the settings

    @property
    def key(self) -> str:
        return self.name

    async def post_card(self, event: InboxEvent) -> DestinationThread:
        response = await self._slack(
            "chat.postMessage",
            event,
            lambda: self._client.chat_postMessage(
                channel=self.channel,
                text=notification_text(event),
                blocks=self._blocks(card_blocks(event)),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return DestinationThread(str(response.get("channel") or self.channel), str(response["ts"]))

    async def update_card(self, thread: DestinationThread, event: InboxEvent) -> None:
        await self._slack(
            "chat.update",
            event,
            lambda: self._client.chat_update(
                channel=thread.channel,
                ts=thread.thread_id,
                text=notification_text(event),
                blocks=self._blocks(card_blocks(event)),
            ),
        )

    async def reply(self, thread: DestinationThread, event: InboxEvent) -> str | None:
        blocks = thread_blocks(event)
        if not blocks:
            return None
        response = await self._slack(
            "chat.postMessage",
            event,
            lambda: self._client.chat_postMessage(
                channel=thread.channel,
                thread_ts=thread.thread_id,
                text=notification_text(event),
                blocks=self._blocks(blocks),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return str(response["ts"])

    async def delete(self, thread: DestinationThread, message_id: str, event: InboxEvent) -> None:
        await self._slack(
            "chat.delete", event, lambda: self._client.chat_delete(channel=thread.channel, ts=message_id)
        )

    # ---- the campaign port (bot.campaigns.channel.CampaignPoster) --------------------------

    async def post_campaign(self, card: CampaignCard | GoneCard) -> DestinationThread:
        response = await self._call(
            f"slack {self.name}: chat.postMessage for campaign {card.campaign_id}",
            lambda: self._client.chat_postMessage(
                channel=self.channel,
                text=card.notification,
                blocks=self._blocks(campaign_blocks(card)),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return DestinationThread(str(response.get("channel") or self.channel), str(response["ts"]))

    async def update_campaign(self, thread: DestinationThread, card: CampaignCard | GoneCard) -> None:
        await self._call(
            f"slack {self.name}: chat.update for campaign {card.campaign_id}",
            lambda: self._client.chat_update(
                channel=thread.channel,
                ts=thread.thread_id,
                text=card.notification,
                blocks=self._blocks(campaign_blocks(card)),
            ),
        )

    async def post_notice(self, thread: DestinationThread, notice: Notice) -> str:
        # Under the campaign's card, and shown in the channel too: a notice is for everyone.
        response = await self._call(
            f"slack {self.name}: chat.postMessage for a campaign notice",
            lambda: self._client.chat_postMessage(
                channel=thread.channel,
                thread_ts=thread.thread_id,
                reply_broadcast=True,
                text=notice.notification,
                blocks=self._blocks(notice_blocks(notice)),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return str(response["ts"])

    async def delete_campaign_message(self, thread: DestinationThread, message_id: str) -> None:
        await self._call(
            f"slack {self.name}: chat.delete for a campaign",
            lambda: self._client.chat_delete(channel=thread.channel, ts=message_id),
        )

    # ---- Slack -------------------------------------------------------------------------------

    def _blocks(self, blocks: list[Block]) -> list[dict[str, Any]]:
        try:
            return to_dicts(blocks)
        except SlackClientError:  # SlackObjectFormationError: over a Block Kit limit
            raise PermanentDeliveryFailure(f"slack {self.name}: a message broke a Block Kit limit") from None

    async def _slack(self, method: str, event: InboxEvent, call: Callable[[], Awaitable[Any]]) -> Any:
        return await self._call(f"slack {self.name}: {method} for {event.reference}", call)

    async def _call(self, where: str, call: Callable[[], Awaitable[Any]]) -> Any:
        try:
            return await call()
        except SlackApiError as exc:
            raise self._failure(where, exc) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("%s failed: %s", where, type(exc).__name__)
            raise DeliveryFailed(f"{where}: {type(exc).__name__}") from None

    def _failure(self, where: str, exc: SlackApiError) -> DeliveryFailed:
        response = exc.response
        status = getattr(response, "status_code", None) or getattr(response, "status", None)
        data = getattr(response, "data", None)
        error = str(data.get("error") or "") if isinstance(data, dict) else ""
        headers = getattr(response, "headers", None) or {}
        answer = ServiceAnswer(status if isinstance(status, int) else None, headers.get("Retry-After"), error)
        return delivery_failure(where, answer, self._clock(), service="Slack", log=log, fixes=PERMANENT)
