"""Campaigns, their members and the evidence of each link (implements bot.campaigns.ports)."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.model import Campaign, CampaignStatus, Evidence, Link, Membership, StoredLink
from storage.models import CampaignLinkRow, CampaignMemberRow, CampaignRow, ReportRow
from storage.protection.fields import CAMPAIGN_TITLE
from storage.protection.sealing import Sealer
from storage.repositories._sql import FRESH, NO_SYNC, upsert_many

_CHUNK = 500  # references per IN (...): well under every database's parameter limit
# The transaction-scoped PostgreSQL advisory lock that linking holds (bot.campaigns.linking): any
# constant, as long as every Tipline process uses the same one. "tipc".
LINKING_LOCK_ID = 0x74697063


class SqlCampaignRepository:
    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer  # a title the team typed is sealed at rest, bound to the campaign's id

    async def create(
        self, now: datetime, status: CampaignStatus = CampaignStatus.OPEN, *, decided: bool = False
    ) -> int:
        result = await self._session.execute(
            insert(CampaignRow)
            .values(status=status.value, title=None, decided=decided, created_at=now, updated_at=now)
            .returning(CampaignRow.id)
        )
        return int(result.scalar_one())

    async def get(self, campaign_id: int, for_update: bool = False) -> Campaign | None:
        stmt = select(CampaignRow).where(CampaignRow.id == campaign_id).execution_options(**FRESH)
        if for_update:
            stmt = stmt.with_for_update()
        row = await self._session.scalar(stmt)
        if row is None:
            return None
        members = await self._members([campaign_id])
        return _campaign(row, members.get(campaign_id, ()), self._sealer)

    async def list(self) -> Sequence[Campaign]:
        rows = list(
            await self._session.scalars(
                select(CampaignRow).order_by(CampaignRow.id.desc()).execution_options(**FRESH)
            )
        )
        members = await self._members([row.id for row in rows])  # one query for every campaign
        return [_campaign(row, members.get(row.id, ()), self._sealer) for row in rows]

    async def change(
        self,
        campaign_id: int,
        now: datetime,
        *,
        status: CampaignStatus | None = None,
        title: str | None = None,
        decided: bool | None = None,
    ) -> None:
        values: dict[str, Any] = {"updated_at": now}
        if status is not None:
            values["status"] = status.value
        if title is not None:
            values["title"] = self._sealer.seal_text(title, CAMPAIGN_TITLE, str(campaign_id))
        if decided is not None:
            values["decided"] = decided
        await self._session.execute(
            update(CampaignRow)
            .where(CampaignRow.id == campaign_id)
            .values(**values)
            .execution_options(**NO_SYNC)
        )

    async def delete(self, campaign_id: int) -> None:
        await self._session.execute(
            delete(CampaignRow).where(CampaignRow.id == campaign_id).execution_options(**NO_SYNC)
        )

    async def memberships(self, references: Sequence[str]) -> Mapping[str, Membership]:
        found: dict[str, Membership] = {}
        for chunk in _chunks(list(dict.fromkeys(references))):
            rows = await self._session.execute(
                select(
                    CampaignMemberRow.report_reference,
                    CampaignRow.id,
                    CampaignRow.status,
                    CampaignRow.decided,
                )
                .join(CampaignRow, CampaignRow.id == CampaignMemberRow.campaign_id)
                .where(CampaignMemberRow.report_reference.in_(chunk))
            )
            for reference, campaign_id, status, decided in rows:
                found[reference] = Membership(campaign_id, CampaignStatus(status), bool(decided))
        return found

    async def put_members(self, campaign_id: int, references: Sequence[str], by: str, now: datetime) -> None:
        await self._put(campaign_id, references, by, now)
        await self._touch(campaign_id, now)

    async def absorb(
        self, campaign_id: int, campaigns: Sequence[int], references: Sequence[str], by: str, now: datetime
    ) -> int:
        """Into this campaign: every report of `campaigns` (which go) and `references` (out of
        any other). How many reports it holds now. A few statements, however many move."""
        if campaigns:
            await self._session.execute(
                update(CampaignMemberRow)
                .where(CampaignMemberRow.campaign_id.in_(campaigns))
                .values(campaign_id=campaign_id)
                .execution_options(**NO_SYNC)
            )
            await self._session.execute(
                delete(CampaignRow).where(CampaignRow.id.in_(campaigns)).execution_options(**NO_SYNC)
            )
        await self._put(campaign_id, references, by, now)
        size = (
            select(func.count())
            .select_from(CampaignMemberRow)
            .where(CampaignMemberRow.campaign_id == campaign_id)
            .scalar_subquery()
        )
        if not (campaigns or references):
            return int(await self._session.scalar(select(size)) or 0)
        touched = await self._session.execute(
            update(CampaignRow)
            .where(CampaignRow.id == campaign_id)
            .values(updated_at=now)
            .returning(size)
            .execution_options(**NO_SYNC)
        )
        return int(touched.scalar_one_or_none() or 0)

    async def lock_linking(self) -> None:
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(select(func.pg_advisory_xact_lock(LINKING_LOCK_ID)))
        # SQLite: a writing transaction already holds the database's write lock (BEGIN IMMEDIATE).

    async def _put(self, campaign_id: int, references: Sequence[str], by: str, now: datetime) -> None:
        rows = [
            {"report_reference": ref, "campaign_id": campaign_id, "added_by": by, "added_at": now}
            for ref in references
        ]
        if rows:
            await upsert_many(self._session, CampaignMemberRow, rows, ["report_reference"])

    async def count_members(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(CampaignMemberRow)) or 0)

    async def move_all(self, from_id: int, to_id: int, now: datetime) -> None:
        await self._session.execute(
            update(CampaignMemberRow)
            .where(CampaignMemberRow.campaign_id == from_id)
            .values(campaign_id=to_id)
            .execution_options(**NO_SYNC)
        )
        await self._touch(to_id, now)

    async def record_links(self, reference: str, links: Sequence[Link], now: datetime) -> None:
        rows = [
            {
                "reference_a": min(reference, link.reference),
                "reference_b": max(reference, link.reference),
                "strength": link.strength,
                "evidence": [e.stored() for e in link.evidence],
                "found_at": now,
            }
            for link in links
        ]
        if rows:
            await upsert_many(self._session, CampaignLinkRow, rows, ["reference_a", "reference_b"])

    async def links_among(self, references: Sequence[str]) -> Sequence[StoredLink]:
        wanted = set(references)
        found: dict[tuple[str, str], StoredLink] = {}
        for chunk in _chunks(sorted(wanted)):
            rows = await self._session.scalars(
                select(CampaignLinkRow).where(
                    or_(CampaignLinkRow.reference_a.in_(chunk), CampaignLinkRow.reference_b.in_(chunk))
                )
            )
            for row in rows:
                if row.reference_a in wanted and row.reference_b in wanted:
                    found[(row.reference_a, row.reference_b)] = StoredLink(
                        row.reference_a,
                        row.reference_b,
                        row.strength,
                        tuple(Evidence(e["kind"], float(e["strength"])) for e in row.evidence),
                        row.found_at,
                    )
        return sorted(found.values(), key=lambda link: (link.reference_a, link.reference_b))

    async def _members(self, campaign_ids: Sequence[int]) -> Mapping[int, Sequence[str]]:
        members: defaultdict[int, builtins.list[str]] = defaultdict(builtins.list)
        for chunk in _chunks(list(campaign_ids)):
            rows = await self._session.execute(
                select(CampaignMemberRow.campaign_id, CampaignMemberRow.report_reference)
                .join(ReportRow, ReportRow.reference == CampaignMemberRow.report_reference)
                .where(CampaignMemberRow.campaign_id.in_(chunk))
                .order_by(ReportRow.created_at, ReportRow.id)
            )
            for campaign_id, reference in rows:
                members[campaign_id].append(reference)
        return members

    async def _touch(self, campaign_id: int, now: datetime) -> None:
        await self._session.execute(
            update(CampaignRow)
            .where(CampaignRow.id == campaign_id)
            .values(updated_at=now)
            .execution_options(**NO_SYNC)
        )


def _campaign(row: CampaignRow, references: Sequence[str], sealer: Sealer) -> Campaign:
    return Campaign(
        id=row.id,
        status=CampaignStatus(row.status),
        title=None if row.title is None else sealer.open_text(row.title, CAMPAIGN_TITLE, str(row.id)),
        decided=row.decided,
        created_at=row.created_at,
        updated_at=row.updated_at,
        references=tuple(references),
    )


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]
