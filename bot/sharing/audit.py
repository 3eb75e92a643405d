"""Every export that left Tipline, in the audit trail: who, which format and marking, which
reports, and where it went — never what was in it.

A STIX or MISP export, and a JSON or CSV export of named reports, is recorded on each report it
held (so `reports timeline` shows it); an export of every report is one entry with the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.actors import Actor
from bot.ports import AuditEvent
from bot.sharing.tlp import Tlp
from bot.triage import TriageService

SHARED = "report.shared"  # the audit action


@dataclass(frozen=True)
class Shared:
    fmt: str  # "stix", "misp", "json", "csv"
    references: Sequence[str]  # empty: every report
    to: str  # "file", "screen", "slack thread", "teams chat"
    tlp: Tlp | None = None  # the marking of a STIX or MISP export
    include_narrative: bool = False
    as_threat_actor: bool = False
    count: int = 0  # how many reports an export of every report held


async def record_shared(triage: TriageService, actor: Actor, shared: Shared) -> None:
    detail: dict[str, object] = {"format": shared.fmt, "shared_to": shared.to}
    if shared.tlp is not None:
        detail["tlp"] = shared.tlp.label
    if shared.include_narrative:
        detail["include_narrative"] = True
    if shared.as_threat_actor:
        detail["as_threat_actor"] = True
    now = triage.clock()
    async with triage.unit_of_work() as uow:
        if not shared.references:
            event = AuditEvent(
                now, actor.id, actor.platform, SHARED, None, {**detail, "reports": shared.count}
            )
            await uow.audit.add(event)
        references = list(dict.fromkeys(shared.references))
        for reference in references:
            await uow.audit.add(
                AuditEvent(
                    now, actor.id, actor.platform, SHARED, reference, {**detail, "references": references}
                )
            )
        await uow.commit()
