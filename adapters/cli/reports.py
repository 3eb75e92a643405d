"""`app.py reports ...`: each command takes its collaborators, prints to `out`, complains
on `err`, and returns the process exit code."""

from __future__ import annotations

from typing import TextIO

from adapters.cli.export import load_oldest_first, write_csv, write_json
from adapters.cli.report_view import print_report
from adapters.cli.terminal import print_table, safe, when, words
from bot.ports import UnitOfWorkFactory
from bot.report import Outcome, Report, Status
from bot.triage import TriageError, TriageService, parse_reference

PLATFORM = "cli"


def actor_id(name: str) -> str:
    """How a person at this command line appears in the audit trail."""
    return f"{PLATFORM}:{name}"


async def list_reports(
    uow_factory: UnitOfWorkFactory, status: Status | None, limit: int | None, out: TextIO
) -> int:
    async with uow_factory() as uow:
        # One more than asked for, to tell the analyst whether they are seeing everything.
        reports = list(await uow.reports.list(status, None if limit is None else limit + 1))
    more = limit is not None and len(reports) > limit
    reports = reports[:limit]
    if not reports:
        print("No reports yet." if status is None else f"No {words(status)} reports.", file=out)
        return 0
    headers = ["REFERENCE", "RECEIVED", "SEVERITY", "STATUS", "KINDS", "ASSIGNED"]
    print_table(headers, [_row(report) for report in reports], out)
    if more:
        print(f"\nShowing the newest {limit}; use --limit to see more.", file=out)
    return 0


def _row(report: Report) -> list[str]:
    return [
        report.reference,
        when(report.created_at),
        words(report.severity),
        words(report.status),
        ", ".join(words(kind) for kind in report.approach_kinds) or "-",
        safe(report.assigned_to) or "-",
    ]


async def show_report(triage: TriageService, reference: str, out: TextIO, err: TextIO) -> int:
    try:
        report = await triage.get(reference)
    except TriageError as exc:
        return _refused(exc, err)
    print_report(report, out)
    return 0


async def export_reports(uow_factory: UnitOfWorkFactory, fmt: str, out: TextIO) -> int:
    """Every report, oldest first, as "json" or "csv"."""
    reports = await load_oldest_first(uow_factory)
    if fmt == "json":
        write_json(reports, out)
    elif fmt == "csv":
        write_csv(reports, out)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return 0


async def acknowledge_report(
    triage: TriageService, reference: str, analyst: str, out: TextIO, err: TextIO
) -> int:
    # Read first only to word the answer: acknowledging twice is not an error, but the
    # analyst should know someone got there before them.
    try:
        before = await triage.get(reference)
        report = await triage.acknowledge(reference, actor_id(analyst), PLATFORM)
    except TriageError as exc:
        return _refused(exc, err)
    if before.status is Status.NEW:
        print(f"{report.reference} acknowledged by {safe(analyst)}.", file=out)
    else:
        print(f"{report.reference} was already {words(report.status)}; nothing changed.", file=out)
    return 0


async def assign_report(
    triage: TriageService, reference: str, assignee: str, analyst: str, out: TextIO, err: TextIO
) -> int:
    try:
        report = await triage.assign(reference, assignee, actor_id(analyst), PLATFORM)
    except TriageError as exc:
        return _refused(exc, err)
    print(f"{report.reference} assigned to {safe(report.assigned_to)} by {safe(analyst)}.", file=out)
    return 0


async def close_report(
    triage: TriageService,
    reference: str,
    outcome: Outcome,
    message: str,
    analyst: str,
    out: TextIO,
    err: TextIO,
) -> int:
    try:
        report = await triage.close(reference, outcome, message, actor_id(analyst), PLATFORM)
    except TriageError as exc:
        return _refused(exc, err)
    print(f"{report.reference} closed as {words(outcome)} by {safe(analyst)}.", file=out)
    return 0


async def report_timeline(triage: TriageService, reference: str, out: TextIO, err: TextIO) -> int:
    try:
        events = await triage.timeline(reference)
    except TriageError as exc:
        return _refused(exc, err)
    ref = parse_reference(reference)
    if not events:
        print(f"Nothing recorded for {ref} yet.", file=out)
        return 0
    rows = [
        [
            when(event.at, seconds=True),
            safe(event.actor),
            safe(event.action),
            safe(", ".join(f"{key}={value}" for key, value in event.detail.items())),
        ]
        for event in events
    ]
    print_table(["WHEN", "WHO", "WHAT", "DETAILS"], rows, out)
    return 0


def _refused(exc: TriageError, err: TextIO) -> int:
    print(safe(str(exc)), file=err)
    return 1
