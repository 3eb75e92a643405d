"""The campaign a report is in, as a report's card names it (id, title, status): read when an
inbox event is queued (email, webhook and file get it in the event) and again when a chat card
is drawn (so a card shows the campaign a report joined later)."""

from __future__ import annotations

from bot.campaigns.views import title_members, view
from bot.inbox_events import CampaignRef
from bot.normalise import DEFAULT_PHONE_REGION
from bot.ports import UnitOfWork


async def campaign_of(
    uow: UnitOfWork, reference: str, region: str = DEFAULT_PHONE_REGION
) -> CampaignRef | None:
    member = (await uow.campaigns.memberships([reference])).get(reference)
    if member is None:
        return None
    campaign = await uow.campaigns.get(member.campaign_id)
    if campaign is None:
        return None
    if campaign.title:  # the team's name for it: no report needs reading
        return CampaignRef(id=campaign.id, title=campaign.title, status=campaign.status.value)
    # The title is read from the oldest few reports: this reads no more of a big campaign.
    reports = await uow.reports.get_many(title_members(campaign))
    shown = view(campaign, reports, region=region)
    return CampaignRef(id=campaign.id, title=shown.title, status=campaign.status.value)
