"""The purge: closed reports past RETENTION_CLOSED, cancelled drafts past DRAFT_KEEP_DAYS and
drafts abandoned (never sent nor cancelled, untouched for DRAFT_KEEP_DAYS) are deleted with
everything held beside them, each report leaving a stub for statistics.

Each report goes in a transaction of its own that locks it and checks again that it is still
due, so two purgers at once (two replicas, or the scheduler and `reports purge`) delete it
once, audit it once and leave one stub. Evidence files are removed before that transaction
commits: if the commit fails the report stays (to be purged on the next run) without them,
never the other way round.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.actors import Actor
from bot.conversation import ConversationKey
from bot.durations import format_duration
from bot.ports import AuditEvent, UnitOfWork, UnitOfWorkFactory
from bot.report import Report, Status
from bot.retention.ports import Held, ReportStub

log = logging.getLogger(__name__)

SYSTEM = Actor("system", "retention")
BATCH = 100
PURGE_JOB = "retention.purge"
PURGE_EVERY = timedelta(days=1)

RemoveFiles = Callable[[Sequence[str]], Awaitable[int]]


@dataclass(frozen=True)
class RetentionPolicy:
    closed_for: timedelta | None  # RETENTION_CLOSED; None: closed reports are kept
    draft_keep_days: int  # DRAFT_KEEP_DAYS: from the cancel (bot.conversation), or the last answer

    def quiet_since(self, now: datetime) -> datetime:
        """A draft not touched since then was abandoned."""
        return now - timedelta(days=self.draft_keep_days)


@dataclass(frozen=True)
class PurgedReport:
    reference: str
    created_at: datetime
    closed_at: datetime
    outcome: str | None
    held: Held
    evidence_files: int


@dataclass
class PurgeResult:
    reports: list[PurgedReport] = field(default_factory=list)
    drafts: int = 0  # cancelled
    draft_files: int = 0  # held by the cancelled and the abandoned drafts
    abandoned: int = 0  # drafts never sent nor cancelled, gone quiet


@dataclass(frozen=True)
class DraftsPurged:
    cancelled: int = 0
    abandoned: int = 0
    files: int = 0

    @property
    def total(self) -> int:
        return self.cancelled + self.abandoned


async def _no_files(paths: Sequence[str]) -> int:
    return 0


def _closed_at(report: Report) -> datetime:
    return report.closed_at or report.updated_at


def _evidence_paths(files: Sequence[object]) -> list[str]:
    paths = []
    for f in files:
        path = f.get("stored_path") if isinstance(f, dict) else getattr(f, "stored_path", None)
        if isinstance(path, str) and path:
            paths.append(path)
    return paths


class Retention:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        policy: RetentionPolicy,
        remove_files: RemoveFiles = _no_files,
    ) -> None:
        self._uow_factory = uow_factory
        self.policy = policy
        self._remove_files = remove_files

    def cutoff(self, now: datetime) -> datetime | None:
        return None if self.policy.closed_for is None else now - self.policy.closed_for

    async def run_due(self, now: datetime) -> PurgeResult | None:
        """The daily purge, if it is due: whichever replica moves the schedule on runs it, so it
        runs once a day however many replicas there are and however often they restart."""
        if self.policy.closed_for is None:
            return None
        async with self._uow_factory() as uow:
            claimed = await uow.retention.claim_run(PURGE_JOB, now, now + PURGE_EVERY)
            await uow.commit()
        if not claimed:
            return None
        return await self.purge(now)

    async def plan(self, now: datetime) -> PurgeResult:
        """What a purge now would delete; deletes nothing (`reports purge --dry-run`)."""
        result = PurgeResult()
        async with self._uow_factory(readonly=True) as uow:
            for reference in await self._due(uow, now):
                report = await uow.reports.get(reference)
                if report is None or not self._is_due(report, now):
                    continue
                result.reports.append(
                    PurgedReport(
                        reference,
                        report.created_at,
                        _closed_at(report),
                        report.outcome.value if report.outcome else None,
                        await uow.retention.held(reference),
                        len(_evidence_paths(report.evidence.files)),
                    )
                )
            drafts = await uow.retention.expired_drafts(now)
            abandoned = await uow.retention.abandoned_drafts(self.policy.quiet_since(now))
            result.drafts, result.abandoned = len(drafts), len(abandoned)
            result.draft_files = sum(len(_evidence_paths(files)) for _, _, files in [*drafts, *abandoned])
        return result

    async def purge(self, now: datetime, actor: Actor = SYSTEM) -> PurgeResult:
        """Delete what is due now, audited as done by `actor`."""
        result = PurgeResult()
        async with self._uow_factory(readonly=True) as uow:
            due = await self._due(uow, now)
        for reference in due:
            purged = await self._purge_report(reference, now, actor)
            if purged is not None:
                result.reports.append(purged)
        drafts = await self.purge_drafts(now, actor)
        result.drafts, result.abandoned, result.draft_files = drafts.cancelled, drafts.abandoned, drafts.files
        if result.reports or drafts.total:
            log.info(
                "retention: purged %d closed reports, %d cancelled and %d abandoned drafts",
                len(result.reports),
                result.drafts,
                result.abandoned,
            )
        return result

    async def purge_drafts(self, now: datetime, actor: Actor = SYSTEM) -> DraftsPurged:
        """Cancelled drafts past their keep-until time, and drafts abandoned for DRAFT_KEEP_DAYS,
        with any evidence files they hold. Each is deleted only if it is still the version read
        (a reporter coming back meanwhile keeps theirs)."""
        quiet_since = self.policy.quiet_since(now)
        async with self._uow_factory() as uow:
            drafts = await uow.retention.expired_drafts(now)
            abandoned = await uow.retention.abandoned_drafts(quiet_since)
            if not drafts and not abandoned:
                return DraftsPurged()
            paths: list[str] = []
            cancelled = quiet = 0
            for key, version, files in drafts:
                if await uow.retention.delete_draft(key, version, now):
                    cancelled += 1
                    paths += _evidence_paths(files)
            for key, version, files in abandoned:
                if await uow.retention.delete_abandoned_draft(key, version, quiet_since):
                    quiet += 1
                    paths += _evidence_paths(files)
            removed = await self._remove_files(paths)
            detail = {"drafts": cancelled, "abandoned_drafts": quiet, "evidence_files": removed}
            await uow.audit.add(AuditEvent(now, actor.id, actor.platform, "drafts.purged", detail=detail))
            await uow.commit()
        return DraftsPurged(cancelled, quiet, removed)

    async def _due(self, uow: UnitOfWork, now: datetime) -> list[str]:
        cutoff = self.cutoff(now)
        if cutoff is None:
            return []
        references: list[str] = []
        after = ""
        while True:
            batch = await uow.retention.closed_before(cutoff, after, BATCH)
            references.extend(batch)
            if len(batch) < BATCH:
                return references
            after = batch[-1]

    def _is_due(self, report: Report, now: datetime) -> bool:
        cutoff = self.cutoff(now)
        return cutoff is not None and report.status is Status.CLOSED and _closed_at(report) < cutoff

    async def _purge_report(self, reference: str, now: datetime, actor: Actor) -> PurgedReport | None:
        async with self._uow_factory() as uow:
            report = await uow.reports.get(reference, for_update=True)
            if report is None or not self._is_due(report, now):
                return None  # purged meanwhile by another purger, or reopened
            membership = (await uow.campaigns.memberships([reference])).get(reference)
            held = await uow.retention.delete_report(reference)
            outcome = report.outcome.value if report.outcome else None
            await uow.retention.add_stub(
                ReportStub(
                    reference=reference,
                    created_at=report.created_at,
                    closed_at=report.closed_at,
                    purged_at=now,
                    outcome=outcome,
                    severity=report.severity.value,
                    approach_kinds=tuple(kind.value for kind in report.approach_kinds),
                    channel=report.channel.value if report.channel else None,
                    reported_from=report.reporter.platform,
                    acknowledged_at=report.acknowledged_at,
                    campaign_id=membership.campaign_id if membership else None,
                )
            )
            reporter = report.reporter
            key = ConversationKey(reporter.platform, reporter.workspace or "", reporter.user_id)
            await uow.retention.delete_finished_conversation(str(key), reference)
            removed = await self._remove_files(_evidence_paths(report.evidence.files))
            await uow.audit.add(
                AuditEvent(
                    at=now,
                    actor=actor.id,
                    platform=actor.platform,
                    action="report.purged",
                    report_reference=reference,
                    detail={
                        "closed_at": _closed_at(report).isoformat(),
                        "kept_for": format_duration(self.policy.closed_for or timedelta()),
                        "messages": held.messages,
                        "deliveries_dropped": held.pending_deliveries,
                        "evidence_files": removed,
                    },
                )
            )
            await uow.commit()
        return PurgedReport(reference, report.created_at, _closed_at(report), outcome, held, removed)
