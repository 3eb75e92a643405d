"""Saving what a reporter sent: a new report (routed, with its deadlines) or the next revision."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.campaigns.linking import Linked, link_report
from bot.ports import AuditEvent, Deadline, DuplicateReference, UnitOfWork
from bot.report import EvidenceFile, Report, Reporter, new_reference
from bot.report_builder import build_report
from flows.outputs import SubmitReport

log = logging.getLogger(__name__)

_REFERENCE_DRAWS = 8

# Checks a report before it is stored and routed (the watchlist): may raise its severity.
Screen = Callable[[UnitOfWork, Report], Awaitable[Report]]
# Told what linking did, in the same transaction (bot.campaigns.news: the channels' campaign cards).
OnLinked = Callable[[UnitOfWork, Report, Linked, datetime], Awaitable[None]]


async def unannounced(uow: UnitOfWork, report: Report, linked: Linked, now: datetime) -> None:
    return None


async def _unscreened(uow: UnitOfWork, report: Report) -> Report:
    return report


async def save_report(
    uow: UnitOfWork,
    effect: SubmitReport,
    reference: str | None,
    reporter: Reporter,
    now: datetime,
    region: str,
    route: Callable[[Report], Sequence[str]],
    deadlines: Callable[[Report, datetime], Sequence[Deadline]],
    files: Sequence[EvidenceFile] = (),
    screen: Screen = _unscreened,
    on_linked: OnLinked = unannounced,
) -> Report:
    """In the caller's transaction. An update keeps the report's reference, routing and triage state.
    Either way the report is indexed (by the repository) and linked into its campaign."""
    previous = await uow.reports.get(reference, for_update=True) if reference and effect.is_update else None
    if previous is not None:
        report = build_report(effect.answers, reporter, previous.reference, now, region, previous)
        report = report.model_copy(update={"routed_to": previous.routed_to, "watchlist": previous.watchlist})
        report = _with_files(await screen(uow, report), files)
        if _matched(report) and not _matched(previous):
            # Newly matching a published alert: critical now, so the escalation route joins in.
            routed = list(dict.fromkeys([*previous.routed_to, *route(report)]))
            report = report.model_copy(update={"routed_to": routed})
        await uow.reports.update(report)
        await _audit(uow, reporter, "report.updated", report, now)
        await on_linked(uow, report, await link_report(uow, report, now, region), now)
        log.info(
            "report %s updated to revision %d (severity %s)",
            report.reference,
            report.revision,
            report.severity,
        )
        return report
    for _ in range(_REFERENCE_DRAWS):
        report = await screen(uow, build_report(effect.answers, reporter, new_reference(), now, region))
        report = _with_files(report.model_copy(update={"routed_to": list(route(report))}), files)
        try:
            await uow.reports.add(report)
        except DuplicateReference:
            continue
        for deadline in deadlines(report, now):
            await uow.deadlines.add(deadline)
        await _audit(uow, reporter, "report.submitted", report, now)
        await on_linked(uow, report, await link_report(uow, report, now, region), now)
        log.info("report %s submitted (severity %s)", report.reference, report.severity)
        return report
    raise RuntimeError("could not draw an unused report reference")


def _matched(report: Report) -> bool:
    return any(finding.is_match for finding in report.watchlist)


def _with_files(report: Report, files: Sequence[EvidenceFile]) -> Report:
    known = {f.id for f in report.evidence.files}
    extra = [f for f in files if f.id not in known]
    if not extra:
        return report
    evidence = report.evidence.model_copy(update={"files": [*report.evidence.files, *extra]})
    return report.model_copy(update={"evidence": evidence})


async def _audit(uow: UnitOfWork, reporter: Reporter, action: str, report: Report, now: datetime) -> None:
    await uow.audit.add(
        AuditEvent(
            at=now,
            actor=f"{reporter.platform}:{reporter.user_id}",
            platform=reporter.platform,
            action=action,
            report_reference=report.reference,
            detail={
                "revision": report.revision,
                "severity": report.severity.value,
                "routed_to": report.routed_to,
            },
        )
    )
