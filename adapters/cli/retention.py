"""`reports purge [--dry-run]`: what is past its retention period, listed or deleted now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.actors import Actor
from bot.durations import format_duration
from bot.retention.purge import PurgedReport, PurgeResult, Retention


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _line(purged: PurgedReport) -> str:
    held = purged.held
    parts = [
        _plural(held.messages, "message"),
        _plural(purged.evidence_files, "evidence file"),
        _plural(held.pending_deliveries, "delivery not yet sent", "deliveries not yet sent"),
    ]
    closed = purged.closed_at.strftime("%d %b %Y").lstrip("0")
    outcome = (purged.outcome or "no outcome").replace("_", " ")
    return f"  {purged.reference}  closed {closed}  {outcome}  ({', '.join(parts)})"


def _summary(result: PurgeResult, retention: Retention, verb: str) -> str:
    kept = retention.policy.closed_for
    what = [_plural(len(result.reports), "closed report")]
    what.append(_plural(result.drafts, "cancelled draft"))
    rule = (
        f"closed reports are kept {format_duration(kept)} after closing (RETENTION_CLOSED)"
        if kept is not None
        else "closed reports are kept for good (RETENTION_CLOSED=never)"
    )
    drafts = f"cancelled drafts {retention.policy.draft_keep_days} days after the cancel (DRAFT_KEEP_DAYS)"
    return f"{verb} {' and '.join(what)}; {rule}, {drafts}."


async def purge_reports(
    retention: Retention, actor: Actor, dry_run: bool, clock: Callable[[], datetime], out: TextIO
) -> int:
    now = clock()
    if dry_run:
        result = await retention.plan(now)
        print(_summary(result, retention, "Would purge"), file=out)
        for purged in result.reports:
            print(_line(purged), file=out)
        print("Nothing has been deleted (--dry-run).", file=out)
        return 0
    result = await retention.purge(now, actor)
    print(_summary(result, retention, "Purged"), file=out)
    for purged in result.reports:
        print(_line(purged), file=out)
    if result.reports:
        print(
            "Each purged report leaves a stub (reference, dates, outcome) for statistics; "
            "the purge is in the audit trail.",
            file=out,
        )
    return 0
