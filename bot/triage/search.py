"""Searching reports: the ones related to a report, and every one that mentions an indicator."""

from __future__ import annotations

from bot import matching
from bot.actors import Actor
from bot.analyst_text import clean_text
from bot.matching import Match
from bot.triage.core import MAX_QUERY, MIN_QUERY, TriageCore, TriageError


class TriageSearch(TriageCore):
    async def related(self, reference: str, actor: Actor) -> list[Match]:
        """The other reports sharing a profile, email, phone, website, company email domain or
        organisation with this one, newest first: the same person or campaign, perhaps."""
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "related", reference)
            report = await uow.reports.get(ref)  # a read: no lock
            if report is None:
                raise TriageError(f"No report {ref}")
            return matching.matches(report, await uow.reports.list())

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
            return matching.find(text, await uow.reports.list())
