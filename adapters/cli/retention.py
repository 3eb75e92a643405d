"""`reports purge [--dry-run]`: what is past its retention period, listed or deleted now;
`reports forget-reporter REF...`: the reporter's identity in those reports replaced by a pseudonym."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.actors import Actor
from bot.durations import format_duration
from bot.retention.forget import ForgetError, ReporterForgetting
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
    what.append(_plural(result.abandoned, "abandoned draft"))
    rule = (
        f"closed reports are kept {format_duration(kept)} after closing (RETENTION_CLOSED)"
        if kept is not None
        else "closed reports are kept for good (RETENTION_CLOSED=never)"
    )
    days = retention.policy.draft_keep_days
    drafts = (
        f"cancelled drafts {days} days after the cancel and drafts never sent {days} days after "
        "their last answer (DRAFT_KEEP_DAYS)"
    )
    return f"{verb} {', '.join(what[:-1])} and {what[-1]}; {rule}, {drafts}."


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


async def forget_reporter(
    forgetting: ReporterForgetting, actor: Actor, references: list[str], out: TextIO, err: TextIO
) -> int:
    try:
        done = await forgetting.forget(references, actor)
    except ForgetError as exc:
        print(str(exc), file=err)
        return 1
    for forgotten in done:
        if forgotten.already:
            print(
                f"{forgotten.reference}: the reporter was already pseudonymised ({forgotten.pseudonym}).",
                file=out,
            )
            continue
        print(
            f"{forgotten.reference}: the reporter is now {forgotten.pseudonym}; their name, chat id, role "
            f"and contact details are gone from the report and from {_plural(forgotten.messages, 'message')} "
            "they wrote on its thread.",
            file=out,
        )
        if forgotten.deliveries_scrubbed:
            copies = _plural(forgotten.deliveries_scrubbed, "copy", "copies")
            print(
                f"  {copies} of the report in the outbox (sent, or still to go to the security team) "
                "no longer name them.",
                file=out,
            )
        if forgotten.pushes_dropped:
            print(
                f"  {_plural(forgotten.pushes_dropped, 'message')} not yet sent to them will not be sent.",
                file=out,
            )
    print(
        "Tipline can no longer reach this reporter about these reports: questions are refused, and an "
        "acknowledgement or closing message stays on the thread without being sent.",
        file=out,
    )
    return 0
