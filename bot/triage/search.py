"""Searching reports: the ones related to a report, and every one that mentions an indicator.
Both go through the report index (bot.campaigns.lookup): nothing reads every report."""

from __future__ import annotations

from bot.actors import Actor
from bot.analyst_text import clean_text
from bot.campaigns import lookup
from bot.campaigns.lookup import Match
from bot.campaigns.model import Campaign
from bot.triage.core import MAX_QUERY, MIN_QUERY, TriageCore, TriageError


class TriageSearch(TriageCore):
    async def related(self, reference: str, actor: Actor) -> list[Match]:
        """The other reports about the same persona as this one (a profile, email, phone,
        company website or email domain, or a name with the organisation), newest first, each
        with what links it."""
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "related", reference)
            report = await uow.reports.get(ref)  # a read: no lock
            if report is None:
                raise TriageError(f"No report {ref}")
            return await lookup.related(uow, report, self.region)

    async def campaign_of(self, reference: str, actor: Actor) -> Campaign | None:
        """The campaign this report is in, if any (bot.campaigns)."""
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "related", reference)
            membership = (await uow.campaigns.memberships([ref])).get(ref)
            return None if membership is None else await uow.campaigns.get(membership.campaign_id)

    async def find(self, query: str, actor: Actor) -> list[Match]:
        """Every report that mentions this profile address, email, phone, website or
        organisation (or name), however it was typed, newest first."""
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, "find", None)
            text = clean_text(query, keep_newlines=False)
            if not MIN_QUERY <= len(text) <= MAX_QUERY:
                raise TriageError(
                    f"Give {MIN_QUERY} to {MAX_QUERY} characters to look for: a profile address, "
                    "email, phone number, website or organisation."
                )
            return await lookup.find(uow, text, self.region)
