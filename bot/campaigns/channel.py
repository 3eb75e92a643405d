"""A campaign's card in a security chat channel (Slack, Teams), by the one channel delivery
algorithm (bot.inbox.channel_delivery): post it if it is not there, keep one card whatever the
replicas do (insert-if-absent, the loser removes its copy), update it in place on every change,
and post each notice under it once.

  campaign.card    the card is drawn from the campaign as it is at delivery (so events
                   delivered out of order, or retried, never show an older state); posted if
                   absent, else updated. A campaign merged away updates its card to say so
                   (and posts nothing if it never had one).
  campaign.notice  formed / reached CAMPAIGN_ALERT_AT: the card first if absent, then the
                   notice under it; a redelivered notice is recognised by its outbox key and
                   its second copy removed.

Where the card is lives in uow.threads under the campaign's key ("C-12"), beside the reports'
cards of the same channel. The platform's port (CampaignPoster) posts, updates and deletes, and
turns its refusals into DeliveryFailed, RetryLater or PermanentDeliveryFailure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from pydantic import ValidationError

from bot.campaigns.card import (
    CampaignCard,
    GoneCard,
    Notice,
    NoticeKind,
    alert_notice,
    campaign_card,
    formed_notice,
)
from bot.campaigns.news import CARD_EVENT, CampaignEvent, campaign_key
from bot.campaigns.views import view
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure
from bot.inbox.channel_delivery import first_posting, place_card
from bot.normalise import DEFAULT_PHONE_REGION
from bot.ports import DestinationThread, OutboxEntry, UnitOfWorkFactory

log = logging.getLogger(__name__)

Shown = CampaignCard | GoneCard


class CampaignPoster(Protocol):
    @property
    def key(self) -> str:
        """Where this channel's cards are kept (uow.threads' destination)."""
        ...

    async def post_campaign(self, card: Shown) -> DestinationThread: ...

    async def update_campaign(self, thread: DestinationThread, card: Shown) -> None: ...

    async def post_notice(self, thread: DestinationThread, notice: Notice) -> str:
        """The notice under the card; the id of what was posted ("" if the platform gave none)."""
        ...

    async def delete_campaign_message(self, thread: DestinationThread, message_id: str) -> None: ...


class CampaignChannel:
    def __init__(
        self,
        label: str,
        unit_of_work: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        posted_source: str,
        region: str = DEFAULT_PHONE_REGION,
    ) -> None:
        self._label = label
        self._uow = unit_of_work
        self._clock = clock
        self._posted = posted_source
        self._region = region

    async def deliver(self, entry: OutboxEntry, poster: CampaignPoster) -> None:
        try:
            event = CampaignEvent.model_validate(entry.payload)
        except ValidationError:
            raise PermanentDeliveryFailure(f"{self._label}: the event is not a campaign event") from None
        subject = campaign_key(event.campaign_id)
        async with self._uow() as uow:
            stored = await uow.threads.get(poster.key, subject)
        card = await self.card(event.campaign_id)
        if stored is None and isinstance(card, GoneCard):
            return  # merged away before its card was ever posted: nothing to say
        if stored is None:
            thread, posted_now = await place_card(
                self._uow,
                self._clock,
                self._label,
                poster.key,
                subject,
                lambda: poster.post_campaign(card),
                lambda mine: self._delete(poster, mine, mine.thread_id),
            )
        else:
            thread, posted_now = stored, False
        if entry.event == CARD_EVENT:
            if not posted_now:
                await poster.update_campaign(thread, card)
            return
        if isinstance(card, GoneCard) or event.notice is None:
            return
        notice = (
            formed_notice(card)
            if event.notice is NoticeKind.FORMED
            else alert_notice(card, event.alert_at or card.report_count)
        )
        posted = await poster.post_notice(thread, notice)
        if not await first_posting(self._uow, self._clock, self._posted, entry.idempotency_key) and posted:
            log.info("%s: the %s notice of %s was already posted", self._label, notice.kind.value, subject)
            await self._delete(poster, thread, posted)

    async def card(self, campaign_id: int) -> Shown:
        """The campaign's card as it is now (a GoneCard once it was merged away)."""
        async with self._uow() as uow:
            campaign = await uow.campaigns.get(campaign_id)
            if campaign is None:
                return GoneCard(campaign_id)
            reports = list(await uow.reports.get_many(campaign.references))
        return campaign_card(view(campaign, reports, region=self._region), reports)

    async def _delete(self, poster: CampaignPoster, thread: DestinationThread, message_id: str) -> None:
        try:
            await poster.delete_campaign_message(thread, message_id)
        except DeliveryFailed:
            log.warning("%s: could not remove a second copy of a campaign message", self._label)
