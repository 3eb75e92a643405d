"""What the security team does with campaigns: list and show them; confirm, rename, split,
merge and dismiss them. Security team only (checked, and a refusal audited, by `check`); every
decision is one transaction with its audit entry, and marks the campaign decided, so that
automatic linking never undoes it (bot.campaigns.linking).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.actors import Actor
from bot.analyst_text import bounded_text, parse_reference
from bot.campaigns.linking import link_report
from bot.campaigns.model import Campaign, CampaignStatus
from bot.campaigns.news import CampaignNews
from bot.campaigns.views import CampaignView, view
from bot.normalise import DEFAULT_PHONE_REGION
from bot.ports import AuditEvent, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_TITLE = 200
_LINK_BATCH = 200


class CampaignError(Exception):
    """The decision cannot be made; the message says why, in words for the analyst."""


# Refuses (and audits) anyone outside the security team: TriageService.check_member.
CheckMember = Callable[[Actor, str], Awaitable[None]]


@dataclass
class CampaignService:
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    check: CheckMember
    region: str = DEFAULT_PHONE_REGION
    # The chat channels' campaign cards follow every decision (none: nothing is queued).
    news: CampaignNews = field(default_factory=lambda: CampaignNews(()))

    # ---- reading ---------------------------------------------------------------------------
    async def list(self, actor: Actor) -> list[CampaignView]:
        """Every campaign, newest first."""
        await self.check(actor, "campaigns.list")
        async with self.unit_of_work(readonly=True) as uow:
            campaigns = await uow.campaigns.list()
            references = [ref for c in campaigns for ref in c.references]
            reports = await uow.reports.get_many(references)
        return [view(c, reports, region=self.region) for c in campaigns]

    async def show(self, campaign_id: int, actor: Actor) -> CampaignView:
        """One campaign with the evidence of every link between its reports."""
        await self.check(actor, "campaigns.show")
        async with self.unit_of_work(readonly=True) as uow:
            campaign = await _load(uow, campaign_id)
            reports = await uow.reports.get_many(campaign.references)
            links = await uow.campaigns.links_among(campaign.references)
        pairs = [(link.reference_a, link.reference_b) for link in links]
        return view(campaign, reports, pairs, self.region)

    async def link_earlier(self, actor: Actor) -> int:
        """Link the reports that are in no campaign yet, oldest first, as if they had just
        arrived (after an upgrade: new reports are linked as they come). How many joined one."""
        await self.check(actor, "campaigns.linked")
        async with self.unit_of_work(readonly=True) as uow:
            everything = list(reversed(await uow.reports.list()))  # once, by hand: not a hot path
            before = await uow.campaigns.count_members()
        for start in range(0, len(everything), _LINK_BATCH):
            async with self.unit_of_work() as uow:
                for report in everything[start : start + _LINK_BATCH]:
                    if (await uow.campaigns.memberships([report.reference])).get(report.reference) is None:
                        await link_report(uow, report, self._now(), self.region)
                await uow.commit()
        async with self.unit_of_work(readonly=True) as uow:
            return await uow.campaigns.count_members() - before

    # ---- deciding ----------------------------------------------------------------------------
    async def confirm(self, campaign_id: int, actor: Actor) -> Campaign:
        return await self._status(campaign_id, CampaignStatus.CONFIRMED, actor, "campaign.confirmed")

    async def dismiss(self, campaign_id: int, actor: Actor) -> Campaign:
        """Not a campaign: it is kept (so its reports are not linked again) and nothing joins it."""
        return await self._status(campaign_id, CampaignStatus.DISMISSED, actor, "campaign.dismissed")

    async def rename(self, campaign_id: int, title: str, actor: Actor) -> Campaign:
        await self.check(actor, "campaign.renamed")
        try:
            title = " ".join(bounded_text(title, MAX_TITLE, "title").split())
        except ValueError as exc:
            raise CampaignError(str(exc)) from None
        now = self._now()
        async with self.unit_of_work() as uow:
            await _load(uow, campaign_id, for_update=True)
            await uow.campaigns.change(campaign_id, now, title=title, decided=True)
            await _audit(uow, actor, "campaign.renamed", now, campaign=campaign_id)
            await self.news.cards(uow, [campaign_id], now)
            await uow.commit()
            return await _load(uow, campaign_id)

    async def split(self, campaign_id: int, references: Sequence[str], actor: Actor) -> Campaign:
        """These reports out into a campaign of their own; both are decided from now on."""
        await self.check(actor, "campaign.split")
        moving = _references(references)
        now = self._now()
        async with self.unit_of_work() as uow:
            campaign = await _load(uow, campaign_id, for_update=True)
            strangers = [ref for ref in moving if ref not in campaign.references]
            if strangers:
                raise CampaignError(f"{', '.join(strangers)} not in campaign {campaign_id}.")
            if len(moving) >= len(campaign.references):
                raise CampaignError("Name the reports to take out, not all of them: at least one stays.")
            new_id = await uow.campaigns.create(now, campaign.status, decided=True)
            await uow.campaigns.put_members(new_id, moving, actor.id, now)
            await uow.campaigns.change(campaign_id, now, decided=True)
            await _audit(uow, actor, "campaign.split", now, campaign=campaign_id, into=new_id, moved=moving)
            await self.news.cards(uow, [campaign_id, new_id], now)
            await self.news.moved(uow, moving, now)
            await uow.commit()
            return await _load(uow, new_id)

    async def merge(self, campaign_id: int, others: Sequence[int], actor: Actor) -> Campaign:
        """The others' reports into this campaign; the others are gone, this one is decided."""
        await self.check(actor, "campaign.merged")
        merging = [o for o in dict.fromkeys(others) if o != campaign_id]
        if not merging:
            raise CampaignError("Name at least one other campaign to merge into this one.")
        now = self._now()
        async with self.unit_of_work() as uow:
            await _load(uow, campaign_id, for_update=True)
            moved: list[str] = []
            for other in merging:
                moved += (await _load(uow, other, for_update=True)).references
                await uow.campaigns.move_all(other, campaign_id, now)
                await uow.campaigns.delete(other)
            await uow.campaigns.change(campaign_id, now, decided=True)
            await _audit(uow, actor, "campaign.merged", now, campaign=campaign_id, merged=merging)
            await self.news.cards(uow, [campaign_id], now, gone=merging)
            await self.news.moved(uow, moved, now)
            await uow.commit()
            return await _load(uow, campaign_id)

    async def _status(self, campaign_id: int, status: CampaignStatus, actor: Actor, action: str) -> Campaign:
        await self.check(actor, action)
        now = self._now()
        async with self.unit_of_work() as uow:
            before = await _load(uow, campaign_id, for_update=True)
            await uow.campaigns.change(campaign_id, now, status=status, decided=True)
            await _audit(uow, actor, action, now, campaign=campaign_id, from_status=before.status.value)
            await self.news.cards(uow, [campaign_id], now)
            await uow.commit()
            return await _load(uow, campaign_id)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)


def _references(texts: Sequence[str]) -> list[str]:
    try:
        return list(dict.fromkeys(parse_reference(t) for t in texts))
    except ValueError as exc:
        raise CampaignError(str(exc)) from None


async def _load(uow: UnitOfWork, campaign_id: int, for_update: bool = False) -> Campaign:
    if for_update:
        # A decision changes memberships as linking does: one at a time, and in the same order
        # of locks (this one first, then the campaign rows), so the two never deadlock.
        await uow.campaigns.lock_linking()
    campaign = await uow.campaigns.get(campaign_id, for_update=for_update)
    if campaign is None:
        raise CampaignError(f"No campaign {campaign_id}.")
    return campaign


async def _audit(uow: UnitOfWork, actor: Actor, action: str, now: datetime, **detail: Any) -> None:
    await uow.audit.add(
        AuditEvent(at=now, actor=actor.id, platform=actor.platform, action=action, detail=detail)
    )
    log.info("%s by %s (%s)", action, actor.id, detail.get("campaign"))
