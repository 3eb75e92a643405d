"""Every successful export is in the audit trail: who, which format and TLP, which reports, where
it went — never what was in it; a refused export records no export."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.report import Report
from bot.sharing.audit import SHARED
from storage.models import AuditEventRow
from storage.protection.fields import AUDIT_DETAIL, audit_row
from tests.factories import make_report
from tests.keys import TEST_SEALER
from tests.sharing.reports import IDENTITY_CANARIES, NARRATIVE_CANARIES, canaried_report


@pytest.fixture
async def two(uow_factory) -> list[Report]:
    reports = [canaried_report(), make_report()]
    async with uow_factory() as uow:
        for report in reports:
            await uow.reports.add(report)
        await uow.commit()
    return reports


async def exports(engine) -> list[AuditEventRow]:
    """The export entries as stored, their detail opened (it is sealed at rest)."""
    async with AsyncSession(engine) as session:
        rows = list(
            await session.scalars(
                select(AuditEventRow).where(AuditEventRow.action == SHARED).order_by(AuditEventRow.id)
            )
        )
    for row in rows:
        row.detail = TEST_SEALER.open_json(
            row.detail, AUDIT_DETAIL, audit_row(row.report_reference, row.action)
        )
    return rows


async def test_a_stix_export_to_a_file_is_recorded_on_each_report(run, two, engine, tmp_path):
    target = tmp_path / "bundle.json"
    refs = [two[0].reference, two[1].reference]
    code, _, _ = await run(
        "reports", "export", "--format", "stix", "--tlp", "TLP:GREEN", "--output", str(target), *refs
    )
    assert code == 0
    rows = await exports(engine)
    assert [r.report_reference for r in rows] == refs
    for row in rows:
        assert (row.actor, row.platform) == ("cli:alice", "cli")
        assert row.detail == {"format": "stix", "shared_to": "file", "tlp": "TLP:GREEN", "references": refs}
    recorded = json.dumps([r.detail for r in rows])
    for canary in {**IDENTITY_CANARIES, **NARRATIVE_CANARIES}.values():
        assert canary not in recorded


async def test_a_misp_export_with_the_narrative_says_so(run, two, engine):
    code, _, _ = await run("reports", "export", "--format", "misp", "--include-narrative", two[0].reference)
    assert code == 0
    [row] = await exports(engine)
    assert row.detail == {
        "format": "misp",
        "shared_to": "screen",
        "tlp": "TLP:AMBER",
        "include_narrative": True,
        "references": [two[0].reference],
    }


async def test_the_timeline_shows_the_export(run, two):
    await run("reports", "export", "--format", "stix", two[0].reference)
    code, out, _ = await run("reports", "timeline", two[0].reference)
    assert code == 0
    [line] = [line for line in out.splitlines() if "shared" in line]
    assert "format: stix" in line and "tlp: TLP:AMBER" in line and two[0].reference in line


async def test_a_json_export_of_every_report_is_one_entry_with_the_count(run, two, engine):
    code, _, _ = await run("reports", "export", "--format", "json")
    assert code == 0
    [row] = await exports(engine)
    assert row.report_reference is None
    assert row.detail == {"format": "json", "shared_to": "screen", "reports": 2}


async def test_a_refused_export_records_no_export(run, two, engine):
    code, _, _ = await run("reports", "export", "--format", "stix", two[0].reference, "TIP-ZZZZZZ")
    assert code == 1
    assert await exports(engine) == []
