"""What the security team's chat channels hear about campaigns, queued in the outbox in the
transaction that changed the campaign (so nothing is lost and nothing is sent for a change that
was rolled back):

  campaign.card    the campaign's card, posted if it is not there yet, else updated in place
                   (bot.campaigns.channel reads the campaign as it is at delivery)
  campaign.notice  a notice under the card: the campaign formed, or reached CAMPAIGN_ALERT_AT
                   reports. Each once per campaign and channel: its idempotency key has no
                   random part, so queuing it again (on every later report) adds nothing.
  report.campaign  an inbox event for each report that joined a campaign (or moved to another)
                   as another report linked it, to the chat channels it was routed to: the
                   report's card there is updated to show its campaign

The payloads carry ids only, never what a reporter wrote. Imported history goes through
linking without this (nothing is delivered for it).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict

from bot.campaigns.card import NoticeKind
from bot.campaigns.linking import Linked
from bot.inbox_events import EventKind, InboxEvent
from bot.outbox import queue, queue_event
from bot.ports import UnitOfWork
from bot.report import Report

log = logging.getLogger(__name__)

CARD_EVENT: Final = "campaign.card"
NOTICE_EVENT: Final = "campaign.notice"
CAMPAIGN_EVENTS: Final = frozenset({CARD_EVENT, NOTICE_EVENT})
DEFAULT_ALERT_AT: Final = 3


def campaign_key(campaign_id: int) -> str:
    """The campaign's key where a report's reference would be (outbox, uow.threads): ten
    characters at most, and never a report's reference."""
    return f"C-{campaign_id}"


class CampaignEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    campaign_id: int
    notice: NoticeKind | None = None
    alert_at: int | None = None  # for an alert notice: the threshold it crossed


@dataclass(frozen=True)
class CampaignNews:
    """`destinations`: the security team's chat channels (Slack's, Teams'); none: nothing is queued."""

    destinations: tuple[str, ...]
    alert_at: int = DEFAULT_ALERT_AT

    async def linked(self, uow: UnitOfWork, report: Report, linked: Linked, now: datetime) -> None:
        """After a report was linked (submitted or updated): its campaign's card, the notices it
        earned, and the cards of the other reports that moved with it."""
        if linked.campaign_id is None:
            return
        await self.cards(uow, [linked.campaign_id], now, gone=linked.merged)
        if linked.formed:
            await self._notice(uow, linked.campaign_id, NoticeKind.FORMED, now)
        if linked.size >= self.alert_at:
            await self._notice(uow, linked.campaign_id, NoticeKind.ALERT, now)
        others = [ref for ref in linked.moved if ref != report.reference]
        await self.moved(uow, others, now)

    async def cards(
        self, uow: UnitOfWork, campaign_ids: Sequence[int], now: datetime, gone: Sequence[int] = ()
    ) -> None:
        """Each campaign's card to follow its change; a merged-away one's card says so."""
        if not self.destinations:
            return
        for campaign_id in dict.fromkeys([*campaign_ids, *gone]):
            payload = CampaignEvent(campaign_id=campaign_id).model_dump(mode="json")
            name = f"card.{secrets.token_hex(6)}"  # every change is news
            await queue(uow, campaign_key(campaign_id), CARD_EVENT, payload, name, self.destinations, now)

    async def moved(self, uow: UnitOfWork, references: Sequence[str], now: datetime) -> None:
        """A report.campaign event for each report, to the chat channels it was routed to: there
        its card is updated in place. Email and the other destinations name the campaign in the
        report's next event (a message per report joining would flood a mailbox on a merge)."""
        if not references or not self.destinations:
            return
        for report in await uow.reports.get_many(list(dict.fromkeys(references))):
            channels = [d for d in report.routed_to if d in self.destinations]
            if channels:
                event = InboxEvent.about(EventKind.CAMPAIGN, report, now)
                await queue_event(uow, event, f"campaign.{secrets.token_hex(4)}", now, channels)

    async def _notice(self, uow: UnitOfWork, campaign_id: int, kind: NoticeKind, now: datetime) -> None:
        if not self.destinations:
            return
        alert_at = self.alert_at if kind is NoticeKind.ALERT else None
        payload = CampaignEvent(campaign_id=campaign_id, notice=kind, alert_at=alert_at)
        await queue(
            uow,
            campaign_key(campaign_id),
            NOTICE_EVENT,
            payload.model_dump(mode="json"),
            kind.value,  # no random part: once per campaign and channel, however often queued
            self.destinations,
            now,
        )
        log.info("campaign %d: %s notice queued", campaign_id, kind.value)
