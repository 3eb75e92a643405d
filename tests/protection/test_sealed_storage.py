"""What staff and the security team typed is sealed in the database, on SQLite and PostgreSQL,
and reads back as it was through every repository and the ordinary turn's store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from bot.ports import AuditEvent, ConversationStatus, MessageKind, ReportMessage
from storage.models import ReportRow
from storage.protection.sealing import UnreadableValue
from tests.factories import make_entry, make_report
from tests.keys import TEST_SEALER
from tests.protection.raw import raw_rows

CANARY = "Okapi-Lantern-5521"
NOW = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


async def test_everything_typed_is_sealed_at_rest_and_reads_back(engine, uow_factory, conversations):
    report = make_report(what_happened=f"He offered {CANARY} money")
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.messages.add(
            ReportMessage(
                report_reference=report.reference,
                kind=MessageKind.NOTE,
                body=f"note about {CANARY}",
                author="sam",
                created_at=NOW,
            )
        )
        await uow.outbox.add(make_entry(report, payload={"text": CANARY}))
        await uow.audit.add(
            AuditEvent(
                at=NOW,
                actor="sam",
                platform="cli",
                action="report.noted",
                report_reference=report.reference,
                detail={"said": CANARY},
            )
        )
        await uow.conversations.save("k1", {"typed": CANARY}, ConversationStatus.ACTIVE, None, NOW)
        await uow.commit()
    await conversations.save("k2", {"typed": CANARY}, ConversationStatus.ACTIVE, None, NOW, None, None)

    assert CANARY not in await raw_rows(engine)

    async with uow_factory() as uow:
        again = await uow.reports.get(report.reference)
        [message] = await uow.messages.for_report(report.reference)
        [entry] = await uow.outbox.list()
        [event] = await uow.audit.for_report(report.reference)
        first = await uow.conversations.get("k1")
    second = (await conversations.load("k2", None)).stored
    assert again is not None and again.what_happened == f"He offered {CANARY} money"
    assert message.body == f"note about {CANARY}"
    assert entry.payload == {"text": CANARY}
    assert event.detail == {"said": CANARY}
    assert first is not None and first.state == {"typed": CANARY}
    assert second is not None and second.state == {"typed": CANARY}


async def test_a_sealed_value_moved_to_another_row_does_not_open(engine, uow_factory):
    one, two = make_report(what_happened="the first one"), make_report(what_happened="the second one")
    async with uow_factory() as uow:
        await uow.reports.add(one)
        await uow.reports.add(two)
        await uow.commit()
    async with engine.begin() as conn:
        stolen = (
            await conn.execute(select(ReportRow.document).where(ReportRow.reference == one.reference))
        ).scalar_one()
        await conn.execute(
            update(ReportRow).where(ReportRow.reference == two.reference).values(document=stolen)
        )
    async with uow_factory() as uow:
        assert (await uow.reports.get(one.reference)) is not None
        with pytest.raises(UnreadableValue, match=r"reports\.document"):
            await uow.reports.get(two.reference)


async def test_rows_written_before_encryption_are_still_read(engine, uow_factory):
    legacy = make_report(what_happened="written in plain text before 0008")
    async with uow_factory() as uow:
        await uow.reports.add(legacy)
        await uow.commit()
    async with engine.begin() as conn:  # as an older Tipline left it: the plain JSON document
        await conn.execute(
            update(ReportRow)
            .where(ReportRow.reference == legacy.reference)
            .values(document=legacy.model_dump(mode="json"))
        )
    async with uow_factory() as uow:
        again = await uow.reports.get(legacy.reference)
    assert again is not None and again.what_happened == "written in plain text before 0008"


def test_the_blind_index_is_keyed() -> None:
    other = type(TEST_SEALER)(TEST_SEALER.ring, b"another index key".ljust(32, b"."))
    assert TEST_SEALER.index_key("email", "anna@example.com") == TEST_SEALER.index_key(
        "email", "anna@example.com"
    )
    assert TEST_SEALER.index_key("email", "anna@example.com") != other.index_key("email", "anna@example.com")
    assert "anna" not in TEST_SEALER.index_key("email", "anna@example.com")
    assert TEST_SEALER.index_key("email", "x") != TEST_SEALER.index_key("phone", "x")
