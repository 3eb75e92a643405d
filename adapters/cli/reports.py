"""`app.py reports ...`: each command takes its collaborators, prints to `out`, complains
on `err`, and returns the process exit code. Every command, reading ones included, is for
the security team only: the triage service checks and audits that."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from adapters.cli.export import write_csv, write_json
from adapters.cli.report_view import print_related, print_report, shared
from adapters.cli.terminal import print_table, safe, when, words
from bot.actors import Actor
from bot.report import LinkKind, Outcome, Report, Status
from bot.sharing.audit import Shared, record_shared
from bot.triage import TriageError, TriageService


async def list_reports(
    triage: TriageService, actor: Actor, status: Status | None, limit: int, out: TextIO
) -> int:
    # One more than asked for, to tell the analyst whether they are seeing everything.
    reports = await triage.list_reports(actor, status, limit + 1)
    more = len(reports) > limit
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


async def show_report(triage: TriageService, actor: Actor, reference: str, out: TextIO) -> int:
    report = await triage.get(reference, actor)
    related = await triage.related(report.reference, actor)
    print_report(report, out)
    print_related(report, related, out)
    return 0


async def find_reports(triage: TriageService, actor: Actor, indicator: str, out: TextIO) -> int:
    found = await triage.find(indicator, actor)
    if not found:
        print(f"No report mentions {safe(indicator)}.", file=out)
        return 0
    rows = [[m.reference, when(m.created_at), words(m.status), shared(m.indicators)] for m in found]
    print_table(["REFERENCE", "RECEIVED", "STATUS", "MENTIONS"], rows, out)
    print(f"\n{len(found)} report{'' if len(found) == 1 else 's'}.", file=out)
    return 0


async def export_reports(
    triage: TriageService,
    actor: Actor,
    fmt: str,
    out: TextIO,
    references: Sequence[str] = (),
    to: str = "screen",
) -> int:
    """Every report (or those named), oldest first, as "json" or "csv"; audited once written."""
    if references:
        named = {r.reference: r for r in [await triage.get(ref, actor) for ref in references]}
        reports = sorted(named.values(), key=lambda r: (r.created_at, r.reference))
    else:
        reports = list(reversed(await triage.list_reports(actor, purpose="export")))
    if fmt == "json":
        write_json(reports, out)
    elif fmt == "csv":
        write_csv(reports, out)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    named_references = [r.reference for r in reports] if references else []
    await record_shared(triage, actor, Shared(fmt, named_references, to, count=len(reports)))
    return 0


async def acknowledge_report(triage: TriageService, actor: Actor, reference: str, out: TextIO) -> int:
    before = await triage.get(reference, actor)
    report = await triage.acknowledge(reference, actor)
    if before.status is Status.NEW:
        print(f"{report.reference} acknowledged by {safe(actor.name)}; the reporter will be told.", file=out)
    else:
        print(f"{report.reference} was already {words(report.status)}; nothing changed.", file=out)
    return 0


async def assign_report(
    triage: TriageService, actor: Actor, reference: str, assignee: str, out: TextIO
) -> int:
    report = await triage.assign(reference, assignee, actor)
    print(f"{report.reference} assigned to {safe(report.assigned_to)} by {safe(actor.name)}.", file=out)
    return 0


async def ask_reporter(
    triage: TriageService, actor: Actor, reference: str, question: str, sign: str | None, out: TextIO
) -> int:
    report = await triage.get(reference, actor)
    if report.contact_preference.may_contact is False:
        print(
            "Note: this reporter said they would rather not be contacted. The question is sent through "
            "Tipline only; consider whether it is needed.",
            file=out,
        )
    message = await triage.ask(reference, question, actor, sign)
    who = f"signed as {safe(sign)}" if sign else "from the security team (unsigned)"
    print(
        f"Question {message.id} for the reporter of {message.report_reference}, {who}. They will see it "
        "the next time they open Tipline; their answer appears in `reports timeline`.",
        file=out,
    )
    return 0


async def add_note(triage: TriageService, actor: Actor, reference: str, text: str, out: TextIO) -> int:
    message = await triage.note(reference, text, actor)
    print(f"Note added to {message.report_reference}. The reporter does not see notes.", file=out)
    return 0


async def link_reports(
    triage: TriageService, actor: Actor, reference: str, other: str, kind: LinkKind, out: TextIO
) -> int:
    report = await triage.link(reference, other, kind, actor)
    other_ref = report.links[-1].reference
    print(f"{report.reference} and {other_ref} are linked as {words(kind)}.", file=out)
    return 0


async def reopen_report(triage: TriageService, actor: Actor, reference: str, out: TextIO) -> int:
    report = await triage.reopen(reference, actor)
    print(f"{report.reference} reopened; it is in progress again.", file=out)
    return 0


async def close_report(
    triage: TriageService,
    actor: Actor,
    reference: str,
    outcome: Outcome,
    message: str | None,
    preview: bool,
    out: TextIO,
) -> int:
    text = message if message is not None else triage.closing_template(outcome)
    if preview:
        report = await triage.get(reference, actor)
        if report.status is Status.CLOSED:
            raise TriageError(
                f"{report.reference} is already closed; reopen it first if it needs a new outcome."
            )
        print(f"Closing {reference} as {words(outcome)} would tell the reporter:\n", file=out)
        print(safe(text, multiline=True), file=out)
        print("\nNothing has been sent. Run again without --preview to close, or give --message.", file=out)
        return 0
    report = await triage.close(reference, outcome, actor, message)
    print(
        f"{report.reference} closed as {words(outcome)} by {safe(actor.name)}; the reporter will be told.",
        file=out,
    )
    return 0


async def report_timeline(triage: TriageService, actor: Actor, reference: str, out: TextIO) -> int:
    entries = await triage.timeline(reference, actor)
    if not entries:
        print("Nothing recorded yet.", file=out)
        return 0
    rows = [[when(e.at, seconds=True), safe(e.who), words(e.what), safe(e.text or "")] for e in entries]
    print_table(["WHEN", "WHO", "WHAT", "TEXT"], rows, out)
    return 0


def refused(exc: TriageError, err: TextIO) -> int:
    print(safe(str(exc)), file=err)
    return 1
