"""What campaigns need from storage (storage.repositories.campaigns implements it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from bot.campaigns.model import Campaign, CampaignStatus, Link, Membership, StoredLink


class CampaignRepository(Protocol):
    async def create(
        self, now: datetime, status: CampaignStatus = CampaignStatus.OPEN, *, decided: bool = False
    ) -> int:
        """A new, empty campaign; its id."""
        ...

    async def get(self, campaign_id: int, for_update: bool = False) -> Campaign | None: ...

    async def list(self) -> Sequence[Campaign]:
        """Every campaign with its references, newest first."""
        ...

    async def change(
        self,
        campaign_id: int,
        now: datetime,
        *,
        status: CampaignStatus | None = None,
        title: str | None = None,
        decided: bool | None = None,
    ) -> None: ...

    async def delete(self, campaign_id: int) -> None: ...

    async def memberships(self, references: Sequence[str]) -> Mapping[str, Membership]:
        """The campaign each of these reports is in (those in none are left out)."""
        ...

    async def put_members(self, campaign_id: int, references: Sequence[str], by: str, now: datetime) -> None:
        """Into this campaign, out of any other."""
        ...

    async def absorb(
        self, campaign_id: int, campaigns: Sequence[int], references: Sequence[str], by: str, now: datetime
    ) -> int:
        """Into this campaign: every report of `campaigns` (which are deleted) and `references`
        (out of any other). How many reports it holds now."""
        ...

    async def lock_linking(self) -> None:
        """Held until the transaction ends: one linking at a time reads and changes memberships,
        so two reports arriving together never form two campaigns of one persona."""
        ...

    async def count_members(self) -> int:
        """How many reports are in a campaign."""
        ...

    async def move_all(self, from_id: int, to_id: int, now: datetime) -> None: ...

    async def record_links(self, reference: str, links: Sequence[Link], now: datetime) -> None:
        """Store (or refresh) the evidence of each link between `reference` and another report."""
        ...

    async def links_among(self, references: Sequence[str]) -> Sequence[StoredLink]: ...
