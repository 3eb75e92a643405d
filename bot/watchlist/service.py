"""Keeping the watchlist: the security team adds, lists, shows, retires, imports and exports
entries; every change is audited, and adding an entry hunts back through earlier reports.

Only members of the security team may do any of it (the same membership and the same
refusal, audited, as triage). The retro-hunt checks open reports and those closed in the
last RETRO_HUNT_DAYS against the new entries alone; a report that matches is updated (its
findings, critical on a match, the escalation route added) and its thread in the inbox
gets a note saying which entry it matches and how many earlier reports do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.actors import Actor, TeamMembership
from bot.inbox_events import EventKind, InboxEvent
from bot.inbox_queue import queue_event
from bot.ports import AuditEvent, MessageKind, ReportMessage, UnitOfWork, UnitOfWorkFactory
from bot.report import Report, Status
from bot.triage import NotAllowed
from bot.triage_events import queue_message
from bot.watchlist.findings import WatchlistFinding
from bot.watchlist.intake import report_texts, with_findings
from bot.watchlist.matching import WatchlistIndex
from bot.watchlist.model import EntryContent, WatchlistEntry

log = logging.getLogger(__name__)

RETRO_HUNT_DAYS = 90
SYSTEM_AUTHOR = "system:watchlist"


class WatchlistError(Exception):
    """The change can't be made; the message says why, for the analyst."""


@dataclass(frozen=True)
class RetroHit:
    reference: str
    finding: WatchlistFinding


@dataclass(frozen=True)
class Added:
    entries: list[WatchlistEntry]  # new ones only
    unchanged: int  # already on the watchlist: nothing added
    earlier: list[RetroHit]  # earlier reports that match the new entries


def _no_route(report: Report) -> Sequence[str]:
    return report.routed_to


@dataclass
class WatchlistService:
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    team: TeamMembership
    route: Callable[[Report], Sequence[str]] = _no_route
    region: str = "GB"
    on_queued: Callable[[], None] = field(default=lambda: None)

    async def check_member(self, actor: Actor, attempted: str) -> None:
        """Refuse and audit an outsider before work that starts elsewhere (reading a file)."""
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, attempted)

    # ---- reading ----------------------------------------------------------------------------
    async def entries(self, actor: Actor, include_retired: bool = False) -> list[WatchlistEntry]:
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, "watchlist.list")
            return list(await uow.watchlist.list(include_retired))

    async def get(self, entry_id: int, actor: Actor) -> WatchlistEntry:
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, "watchlist.show")
            entry = await uow.watchlist.get(entry_id)
        if entry is None:
            raise WatchlistError(f"No watchlist entry #{entry_id}.")
        return entry

    async def export(self, actor: Actor) -> list[WatchlistEntry]:
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, "watchlist.export")
            entries = list(await uow.watchlist.list(include_retired=True))
            await self._audit(uow, actor, "watchlist.exported", entries=len(entries))
            await uow.commit()
        return entries

    # ---- changing ---------------------------------------------------------------------------
    async def add(self, contents: Sequence[EntryContent], actor: Actor, how: str = "added") -> Added:
        """All or nothing, in one transaction; an entry already there (same fingerprint) is
        left alone, so importing the same file twice adds nothing."""
        now = self._now()
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, f"watchlist.{how}")
            added: list[WatchlistEntry] = []
            unchanged = 0
            for content in contents:
                entry = await uow.watchlist.add(content, content.indicators(self.region), actor.id, now)
                if entry is None:
                    unchanged += 1
                    continue
                added.append(entry)
                await self._audit(
                    uow, actor, "watchlist.added", entry_id=entry.id, source=content.source, via=how
                )
            earlier = await self._retro_hunt(uow, added, actor, now) if added else []
            await uow.commit()
        if earlier:
            self.on_queued()
        log.info(
            "watchlist: %d added, %d unchanged, %d earlier reports match", len(added), unchanged, len(earlier)
        )
        return Added(added, unchanged, earlier)

    async def retire(self, entry_id: int, actor: Actor) -> WatchlistEntry:
        now = self._now()
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, "watchlist.retire")
            before = await uow.watchlist.get(entry_id)
            if before is None:
                raise WatchlistError(f"No watchlist entry #{entry_id}.")
            if not before.active:
                return before
            entry = await uow.watchlist.retire(entry_id, actor.id, now)
            assert entry is not None
            await self._audit(uow, actor, "watchlist.retired", entry_id=entry_id, source=entry.content.source)
            await uow.commit()
        return entry

    # ---- the retro-hunt ---------------------------------------------------------------------
    async def _retro_hunt(
        self, uow: UnitOfWork, entries: Sequence[WatchlistEntry], actor: Actor, now: datetime
    ) -> list[RetroHit]:
        index = WatchlistIndex(entries, self.region)
        since = now - timedelta(days=RETRO_HUNT_DAYS)
        hits: list[tuple[Report, list[WatchlistFinding]]] = []
        for report in await uow.reports.list():
            if report.status is Status.CLOSED and (report.closed_at or report.created_at) < since:
                continue
            findings = index.match(report.contact, report_texts(report))
            if findings:
                hits.append((report, findings))
        by_entry: dict[int, list[str]] = {}
        for report, findings in hits:
            for finding in findings:
                by_entry.setdefault(finding.entry_id, []).append(report.reference)
        for report, findings in hits:
            await self._update(uow, report, findings, by_entry, actor, now)
        return [RetroHit(report.reference, f) for report, findings in hits for f in findings]

    async def _update(
        self,
        uow: UnitOfWork,
        report: Report,
        findings: list[WatchlistFinding],
        by_entry: dict[int, list[str]],
        actor: Actor,
        now: datetime,
    ) -> None:
        locked = await uow.reports.get(report.reference, for_update=True) or report
        updated = with_findings(locked, findings).model_copy(update={"updated_at": now})
        extra = [d for d in self.route(updated) if d not in updated.routed_to]
        updated = updated.model_copy(update={"routed_to": [*updated.routed_to, *extra]})
        await uow.reports.update(updated)
        for finding in findings:
            await uow.audit.add(
                AuditEvent(
                    at=now,
                    actor=actor.id,
                    platform=actor.platform,
                    action="report.watchlist_matched",
                    report_reference=report.reference,
                    detail={"entry_id": finding.entry_id, "strength": finding.strength.value},
                )
            )
        if extra:
            # The escalation route has not seen this report yet: it gets the whole report first.
            key = "wl" + "-".join(str(f.entry_id) for f in findings)
            await queue_event(uow, InboxEvent.about(EventKind.SUBMITTED, updated, now), key, now, extra)
        body = _note(findings, by_entry)
        note = ReportMessage(report.reference, MessageKind.NOTE, body, SYSTEM_AUTHOR, now)
        note.id = await uow.messages.add(note)
        await queue_message(uow, updated, note, "Watchlist", now)

    # ---- machinery --------------------------------------------------------------------------
    async def _check(self, uow: UnitOfWork, actor: Actor, attempted: str) -> None:
        if self.team.allows(actor.platform, actor.user_id):
            return
        await self._audit(uow, actor, "triage.refused", attempted=attempted, reason="not_team")
        await uow.commit()
        log.warning("refused %s by %s: not a member of the security team", attempted, actor.id)
        raise NotAllowed(
            f"{actor.id} is not a member of the security team, so can't do this. "
            "The attempt has been recorded."
        )

    async def _audit(self, uow: UnitOfWork, actor: Actor, action: str, **detail: Any) -> None:
        await uow.audit.add(
            AuditEvent(at=self._now(), actor=actor.id, platform=actor.platform, action=action, detail=detail)
        )

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)


def _note(findings: Sequence[WatchlistFinding], by_entry: dict[int, list[str]]) -> str:
    lines = []
    for finding in findings:
        how = ", ".join(f"{i.kind.value} {i.value} ({i.score}%)" for i in finding.indicators)
        strength = "matches" if finding.is_match else "possibly matches"
        count = len(by_entry.get(finding.entry_id, ()))
        lines.append(
            f"Watchlist entry #{finding.entry_id} was just added ({finding.source}); this report "
            f"{strength} it on {how}. {count} earlier report{'' if count == 1 else 's'} "
            f"match{'es' if count == 1 else ''} the new entry."
        )
    return "\n".join(lines)
