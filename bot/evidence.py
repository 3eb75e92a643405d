"""Files a reporter shares while talking to the bot (screenshots, documents, a forwarded
message) become evidence: on the report being written, on their open report, or kept for
the next report they start."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.conversation import Envelope
from bot.inbox_events import EventKind, InboxEvent, ThreadMessage
from bot.messages import Message, Text, Tone
from bot.outbox import queue_event
from bot.ports import AuditEvent, MessageKind, ReportMessage, UnitOfWork
from bot.report import EvidenceFile, Report, Reporter, Status


def describe(files: Sequence[EvidenceFile]) -> str:
    names = [f"“{f.name}”" for f in files]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def attach(
    uow: UnitOfWork, envelope: Envelope, reporter: Reporter, files: Sequence[EvidenceFile], now: datetime
) -> tuple[list[Message], int]:
    """Returns what to tell the reporter and how many inbox deliveries were queued."""
    shown = describe(files)
    if envelope.flow_running:
        envelope.files.extend(f.model_dump(mode="json") for f in files)
        return [Text(f"Thank you — {shown} will go with your report as evidence.", Tone.SUCCESS)], 0
    report = await _open_report(uow, reporter, envelope.reference)
    if report is None:
        envelope.files.extend(f.model_dump(mode="json") for f in files)
        text = f"Thank you — I've kept {shown}. Type 'report' to start a report, and it will be included."
        return [Text(text)], 0
    known = {f.id for f in report.evidence.files}
    added = [f for f in files if f.id not in known]
    evidence = report.evidence.model_copy(update={"files": [*report.evidence.files, *added]})
    updated = report.model_copy(update={"evidence": evidence, "updated_at": now})
    await uow.reports.update(updated)
    body = f"Added as evidence: {describe(added)}" if added else f"Shared again: {shown}"
    message = ReportMessage(updated.reference, MessageKind.REPORTER_UPDATE, body, _actor(reporter), now)
    message.id = await uow.messages.add(message)
    await uow.audit.add(
        AuditEvent(
            now,
            _actor(reporter),
            reporter.platform,
            "report.evidence_added",
            updated.reference,
            {"files": len(added)},
        )
    )
    thread = ThreadMessage(id=message.id, kind=message.kind, body=body, from_label="Reporter")
    event = InboxEvent.about(EventKind.MESSAGE, updated, now, message=thread)
    queued = await queue_event(uow, event, f"msg{message.id}", now)
    return [Text(f"Thank you — {shown} added to {updated.reference} as evidence.", Tone.SUCCESS)], queued


async def _open_report(uow: UnitOfWork, reporter: Reporter, reference: str | None) -> Report | None:
    """The report this conversation made, else the reporter's newest open one."""
    if reference:
        report = await uow.reports.get(reference, for_update=True)
        if report is not None and report.status is not Status.CLOSED:
            return report
    for listed in await uow.reports.list_for_reporter(reporter.platform, reporter.user_id):
        if listed.status is not Status.CLOSED:
            return await uow.reports.get(listed.reference, for_update=True)
    return None


def _actor(reporter: Reporter) -> str:
    return f"{reporter.platform}:{reporter.user_id}"
