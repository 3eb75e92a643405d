"""Reading reports: one report, a list, a report's timeline (its audit trail and its thread)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.actors import Actor
from bot.ports import MessageKind
from bot.report import Report, Status
from bot.triage.core import TriageCore, _load


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str  # the action, e.g. "report.acknowledged" or "question"
    text: str | None = None  # the words of a message, for the security team's eyes


class TriageReads(TriageCore):
    async def get(self, reference: str, actor: Actor) -> Report:
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "read", reference)
            return await _load(uow, ref)

    async def list_reports(
        self, actor: Actor, status: Status | None = None, limit: int | None = None, purpose: str = "list"
    ) -> list[Report]:
        """`purpose` names the attempt in the audit trail ("list", "export")."""
        async with self.unit_of_work() as uow:
            await self._check(uow, actor, purpose, None)
            return list(await uow.reports.list(status, limit))

    async def timeline(self, reference: str, actor: Actor) -> list[TimelineEntry]:
        """The audit trail and the thread with the reporter, oldest first."""
        async with self.unit_of_work() as uow:
            ref = await self._checked_reference(uow, actor, "timeline", reference)
            await _load(uow, ref)
            entries = [
                TimelineEntry(e.at, e.actor, e.action, _facts(e.detail))
                for e in await uow.audit.for_report(ref)
            ]
            for m in await uow.messages.for_report(ref):
                # "Signed" means the reporter saw the name; a note's author is already in `author`.
                signed = m.signed_by and m.kind is MessageKind.QUESTION
                who = m.author + (f" (signed {m.signed_by})" if signed else "")
                entries.append(TimelineEntry(m.created_at, who, m.kind.value, m.body))
        return sorted(entries, key=lambda e: e.at)


def _facts(detail: Mapping[str, Any]) -> str | None:
    """The handling facts worth reading in a timeline (not the status bookkeeping)."""
    shown = {k: v for k, v in detail.items() if k in _SHOWN}
    return ", ".join(f"{k.replace('_', ' ')}: {_fact(v)}" for k, v in shown.items()) or None


_SHOWN = (
    "assigned_to",
    "linked_reference",
    "link_kind",
    "outcome",
    # an export (bot.sharing.audit)
    "format",
    "tlp",
    "shared_to",
    "references",
    "include_narrative",
)


def _fact(value: Any) -> str:
    return " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
