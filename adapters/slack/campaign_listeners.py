"""The buttons on a campaign's card in the Slack security channel: Confirm, Dismiss and Share
as STIX, for the security team only.

Each is acknowledged at once and done after (Bolt's rule). The campaign service checks
membership and audits every decision (an outsider is refused with a message only they see, and
the attempt audited); the card follows through the outbox. Share as STIX uploads the campaign's
reporter-free bundle into the campaign card's thread and records the export on each report.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import escape
from adapters.slack.inbox import campaign_cards
from adapters.slack.inbox.files import upload_to_thread
from bot.actors import Actor
from bot.campaigns.service import CampaignError, CampaignService
from bot.sharing.audit import Shared, record_shared
from bot.sharing.settings import SharingSettings
from bot.triage import FAILED, REFUSAL, NotAllowed, TriageError, TriageService

log = logging.getLogger(__name__)

SHARED_TO = "slack thread"
Body = Mapping[str, Any]


def register_campaign_listeners(
    app: AsyncApp, campaigns: CampaignService, triage: TriageService, sharing: SharingSettings
) -> None:
    listeners = _CampaignListeners(campaigns, triage, sharing)
    app.action(campaign_cards.CONFIRM)(listeners.confirm)
    app.action(campaign_cards.DISMISS)(listeners.dismiss)
    app.action(campaign_cards.SHARE_STIX)(listeners.share)


class _CampaignListeners:
    def __init__(self, campaigns: CampaignService, triage: TriageService, sharing: SharingSettings) -> None:
        self._campaigns = campaigns
        self._triage = triage
        self._sharing = sharing

    async def confirm(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._decide(body, client, "confirm")

    async def dismiss(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        await self._decide(body, client, "dismiss")

    async def _decide(self, body: Body, client: AsyncWebClient, what: str) -> None:
        campaign_id = _campaign_id(body)
        if campaign_id is None:
            return
        decide = self._campaigns.confirm if what == "confirm" else self._campaigns.dismiss
        try:
            await decide(campaign_id, _actor(body))
        except NotAllowed:
            await _tell(client, body, REFUSAL)
        except CampaignError as exc:
            await _tell(client, body, str(exc))

    async def share(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()
        from bot.sharing.files import campaign_stix_file  # stix2 takes seconds to load: on first use

        campaign_id = _campaign_id(body)
        channel, ts = _where(body)
        if campaign_id is None:
            return
        actor = _actor(body)
        try:
            shared = await campaign_stix_file(
                self._triage, self._campaigns, actor, campaign_id, self._sharing
            )
        except NotAllowed:
            await _tell(client, body, REFUSAL)
            return
        except TriageError as exc:
            await _tell(client, body, str(exc))
            return
        if channel is None or ts is None:
            await _tell(client, body, FAILED)
            return
        comment = (
            f"STIX 2.1 bundle of campaign {campaign_id} ({len(shared.references)} reports), shared by "
            f"<@{actor.user_id}> ({self._sharing.tlp.label}). No reporter is in it."
        )
        try:
            await upload_to_thread(client, channel, ts, shared.file, comment)
        except SlackClientError as exc:
            log.warning(
                "slack share: campaign %d's bundle was not uploaded: %s", campaign_id, type(exc).__name__
            )
            await _tell(client, body, FAILED)
            return
        await record_shared(
            self._triage, actor, Shared("stix", list(shared.references), SHARED_TO, self._sharing.tlp)
        )


def _campaign_id(body: Body) -> int | None:
    actions = body.get("actions") or [{}]
    value = str(actions[0].get("value") or "")
    return int(value) if value.isdigit() else None


def _actor(body: Body) -> Actor:
    user = body.get("user") or {}
    name = user.get("name") or user.get("username")
    return Actor("slack", str(user.get("id") or ""), str(name) if name else None)


def _where(body: Body) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (str(channel) if channel else None, str(ts) if ts else None)


async def _tell(client: AsyncWebClient, body: Body, text: str) -> None:
    """Only for them, in the channel where they clicked."""
    user = str((body.get("user") or {}).get("id") or "")
    channel, _ = _where(body)
    if not user or not channel:
        return
    try:
        await client.chat_postEphemeral(channel=channel, user=user, text=escape(text))
    except SlackApiError as exc:
        log.warning("slack campaigns: could not tell %s: %s", user, type(exc).__name__)
