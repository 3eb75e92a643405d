"""The security inbox in a Slack channel: a Destination (bot.destinations) for the delivery worker.

  report.submitted           the report's card, posted to the channel; its ts is stored
                             (uow.threads) so every later event finds it
  report.updated             the card edited in place (chat.update), and a line in its thread
  report.status              the card edited in place, and one line in its thread
  report.message / reminder  a message in the card's thread

The card always shows the report as stored now (read at delivery), not the copy in the
event: events delivered out of order, one of them after a retry, never put an older state
back. (Two deliveries for one report at the very same moment could still land their edits in
the wrong order; the next event for the report puts it right.)

One card per report, also with several replicas: the card's ts is stored insert-if-absent
after posting, and a replica that finds another's card already stored deletes its own. An
event that arrives before the card (the submitted event is waiting for a retry) posts the
card itself.

Repeats: a repeated report.submitted finds the card and does nothing; a repeated thread
message is recognised by the outbox entry's idempotency key (recorded once it is posted)
and its second copy deleted again. Only a crash between Slack's answer and our commit can
leave a second copy, which is the price of never losing one.

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
from datetime import datetime, timedelta
from typing import Any, Final

import aiohttp
from pydantic import ValidationError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from adapters.inbox.webhook import parse_retry_after
from adapters.slack.inbox.cards import card_blocks, notification_text, thread_blocks, to_dicts
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure, RetryLater
from bot.inbox_events import EventKind, InboxEvent
from bot.ports import DestinationThread, OutboxEntry, UnitOfWorkFactory
from bot.report import utcnow

log = logging.getLogger(__name__)

# Thread messages already posted, by outbox idempotency key (uow.events, this source).
POSTED_SOURCE: Final = "slack-inbox"
DEFAULT_RETRY_AFTER = timedelta(seconds=30)

# Slack errors that no retry will fix, with what the operator should do about them.
PERMANENT: Final[dict[str, str]] = {
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
        self._uow = unit_of_work
        self._clock = clock
        # slack_sdk logs every request body at DEBUG, which here is a report.
        client.logger.setLevel(max(logging.INFO, client.logger.level))

    def __repr__(self) -> str:  # the client holds the token: never show it
        return f"SlackChannelInbox(name={self.name!r}, channel={self.channel!r})"

    async def deliver(self, entry: OutboxEntry) -> None:
        try:
            event = InboxEvent.model_validate(entry.payload)
        except ValidationError:
            raise PermanentDeliveryFailure(f"slack {self.name}: the event is not an inbox event") from None
        async with self._uow() as uow:
            stored = await uow.threads.get(self.name, event.reference)
            current = await uow.reports.get(event.reference)
        # The card shows the report as it is now, so events delivered out of order (one of
        # them retried) never put an older state back, whatever the replicas' clocks say.
        shown = event if current is None else event.model_copy(update={"report": current})
        thread, posted_now = (stored, False) if stored is not None else await self._post_card(shown)
        if event.event is EventKind.SUBMITTED:
            return
        if event.event in (EventKind.UPDATED, EventKind.STATUS) and not posted_now:
            await self._update_card(shown, thread)
        blocks = thread_blocks(event)
        if blocks:
            await self._post_in_thread(entry, event, thread, blocks)

    # ---- the card ----------------------------------------------------------------------------

    async def _post_card(self, event: InboxEvent) -> tuple[DestinationThread, bool]:
        """Post the report's card and store where it is. True if ours is the card kept."""
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
        mine = DestinationThread(str(response.get("channel") or self.channel), str(response["ts"]))
        async with self._uow() as uow:
            winner = await uow.threads.put(
                self.name, event.reference, mine.channel, mine.thread_id, self._clock()
            )
            await uow.commit()
        if winner == mine:
            log.info("slack %s: posted the card for %s", self.name, event.reference)
            return winner, True
        log.info(
            "slack %s: another replica posted the card for %s first; removing ours",
            self.name,
            event.reference,
        )
        await self._delete(mine, event)
        return winner, False

    async def _update_card(self, event: InboxEvent, thread: DestinationThread) -> None:
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

    # ---- the thread --------------------------------------------------------------------------

    async def _post_in_thread(
        self, entry: OutboxEntry, event: InboxEvent, thread: DestinationThread, blocks: list[Block]
    ) -> None:
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
        async with self._uow() as uow:
            first = await uow.events.record(POSTED_SOURCE, entry.idempotency_key, self._clock())
            await uow.commit()
        if not first:
            log.info(
                "slack %s: %s was already in the thread of %s", self.name, event.event.value, event.reference
            )
            await self._delete(DestinationThread(thread.channel, str(response["ts"])), event)

    # ---- Slack -------------------------------------------------------------------------------

    def _blocks(self, blocks: list[Block]) -> list[dict[str, Any]]:
        try:
            return to_dicts(blocks)
        except SlackClientError:  # SlackObjectFormationError: over a Block Kit limit
            raise PermanentDeliveryFailure(f"slack {self.name}: a message broke a Block Kit limit") from None

    async def _delete(self, message: DestinationThread, event: InboxEvent) -> None:
        """Best effort: a second copy that stays is a nuisance, not a loss."""
        try:
            await self._slack(
                "chat.delete",
                event,
                lambda: self._client.chat_delete(channel=message.channel, ts=message.thread_id),
            )
        except DeliveryFailed:
            log.warning(
                "slack %s: could not remove a second copy in the thread of %s", self.name, event.reference
            )

    async def _slack(self, method: str, event: InboxEvent, call: Callable[[], Awaitable[Any]]) -> Any:
        where = f"slack {self.name}: {method} for {event.reference}"
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
        if status == 429 or error == "ratelimited":
            headers = getattr(response, "headers", None) or {}
            after = parse_retry_after(headers.get("Retry-After"), self._clock()) or DEFAULT_RETRY_AFTER
            log.info("%s: Slack asked to wait %d s", where, after.total_seconds())
            return RetryLater(after, f"{where}: ratelimited")
        fix = PERMANENT.get(error)
        if fix is not None:
            log.error("%s refused by Slack (%s): %s", where, error, fix)
            return PermanentDeliveryFailure(f"{where}: {error}")
        log.warning("%s failed: HTTP %s, %s", where, status, error or "no error code")
        return DeliveryFailed(f"{where}: HTTP {status}, {error or 'no error code'}")
