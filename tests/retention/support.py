"""A report as the security team leaves it: asked about, answered, noted, closed; with its
deliveries, deadlines, threads, the reporter's finished conversation and evidence on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.conversation import ConversationKey
from bot.ports import ConversationStatus, MessageKind, ReportMessage
from bot.report import Evidence, EvidenceFile, EvidenceKind, Outcome, Report
from bot.retention.purge import Retention, RetentionPolicy
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import CREATED_AT, Clock, make_entry
from tests.triage.support import MEMBER, add_deadlines, make_triage, store, stored

UowFactory = Callable[..., SqlUnitOfWork]
KEEP = timedelta(days=400)
TABLES = ("reports", "report_messages", "deadlines", "outbox", "destination_threads", "conversations")


def retention(uow_factory: UowFactory, removed: list[str] | None = None) -> Retention:
    async def remove(paths):  # the real adapters.evidence_files.remove_files, recording what it was given
        from adapters.evidence_files import remove_files

        if removed is not None:
            removed.extend(paths)
        return await remove_files(paths)

    return Retention(uow_factory, RetentionPolicy(KEEP, 30), remove)


async def closed_report(
    uow_factory: UowFactory, tmp_path: Path, closed_at: datetime = CREATED_AT, user: str = "alice"
) -> Report:
    evidence = tmp_path / "evidence" / f"{user}-chat.png"
    evidence.parent.mkdir(exist_ok=True)
    evidence.write_bytes(b"\x89PNG screenshot")
    report = await store(
        uow_factory,
        reporter={"platform": "console", "user_id": user, "display_name": user.title(), "workspace": "hq"},
        evidence=Evidence(
            kinds=[EvidenceKind.MESSAGE_SCREENSHOTS],
            files=[EvidenceFile(id="f1", name="chat.png", stored_path=str(evidence))],
        ),
    )
    clock = Clock(closed_at - timedelta(days=1))
    triage = make_triage(uow_factory, clock)
    await add_deadlines(uow_factory, report, clock())
    await triage.ask(report.reference, "Did they send a file?", MEMBER)
    await triage.note(report.reference, "Internal: matches campaign X", MEMBER)
    async with uow_factory() as uow:
        await uow.outbox.add(make_entry(report, destination="webhook"))  # never delivered
        await uow.threads.put("slack-channel", report.reference, "C1", "1700000000.1", clock())
        key = str(ConversationKey("console", "hq", user))
        await uow.conversations.save(
            key,
            {"flow": None, "report_reference": report.reference, "awaiting": None, "files": []},
            ConversationStatus.FINISHED,
            None,
            clock(),
        )
        await uow.messages.add(
            ReportMessage(report.reference, MessageKind.ANSWER, "Yes, a PDF", f"console:{user}", clock())
        )
        await uow.commit()
    clock.now = closed_at
    await triage.close(report.reference, Outcome.BENIGN, MEMBER, "Thank you; it was genuine.")
    return await stored(uow_factory, report.reference)


async def rows_about(engine: AsyncEngine, reference: str) -> dict[str, int]:
    counts = {}
    async with engine.connect() as conn:
        for table in TABLES[:-1]:
            column = "reference" if table == "reports" else "report_reference"
            counts[table] = await conn.scalar(
                text(f"SELECT count(*) FROM {table} WHERE {column} = :r"), {"r": reference}
            )
        counts["conversations"] = await conn.scalar(text("SELECT count(*) FROM conversations"))
    return counts


async def purged_entries(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT report_reference FROM audit_events WHERE action = 'report.purged' ORDER BY sequence")
        )
        return [row[0] for row in result]


def on_disk(path: str | Path | None) -> bool:
    return bool(path) and Path(path or "").exists()
