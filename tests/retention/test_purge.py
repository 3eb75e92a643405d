"""The purge on a real database: what goes, what stays, the stub, the audit entry."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.report import Status
from tests.audit.support import verdict
from tests.factories import CREATED_AT, Clock
from tests.retention.support import KEEP, closed_report, on_disk, purged_entries, retention, rows_about
from tests.triage.support import MEMBER, make_triage, store


async def test_a_closed_report_past_retention_goes_with_everything_held_beside_it(
    engine, uow_factory, tmp_path: Path
) -> None:
    report = await closed_report(uow_factory, tmp_path)
    evidence = Path(report.evidence.files[0].stored_path or "")
    before = await rows_about(engine, report.reference)
    assert all(before.values()), before  # every kind of row is there to be purged
    removed: list[str] = []

    result = await retention(uow_factory, removed).purge(CREATED_AT + KEEP + timedelta(seconds=1))

    assert [p.reference for p in result.reports] == [report.reference]
    assert result.reports[0].held.pending_deliveries >= 1 and result.reports[0].evidence_files == 1
    assert await rows_about(engine, report.reference) == dict.fromkeys(before, 0)
    assert not on_disk(evidence) and removed == [str(evidence)]
    async with uow_factory(readonly=True) as uow:
        [stub] = await uow.retention.stubs()
        trail = await uow.audit.for_report(report.reference)
    assert (stub.reference, stub.created_at, stub.closed_at, stub.outcome) == (
        report.reference, report.created_at, CREATED_AT, "benign",
    )  # fmt: skip
    assert stub.severity == "high" and stub.approach_kinds == ("recruiter", "payment_offer")
    assert stub.campaign_id is not None
    purged = trail[-1]
    assert purged.action == "report.purged" and purged.actor == "system:retention"
    assert purged.detail["evidence_files"] == 1 and purged.detail["kept_for"] == "400 days"
    assert "genuine" not in str(purged.detail)  # facts only, no words
    assert (await verdict(uow_factory)).ok, "the trail before the purge is intact, and still chained"


async def test_what_is_not_yet_due_stays(engine, uow_factory, tmp_path: Path) -> None:
    young = await closed_report(uow_factory, tmp_path, closed_at=CREATED_AT + timedelta(days=2), user="bea")
    still_open = await store(uow_factory, created_at=CREATED_AT - timedelta(days=900),
                             updated_at=CREATED_AT - timedelta(days=900))  # fmt: skip
    result = await retention(uow_factory).purge(CREATED_AT + KEEP + timedelta(days=1))
    assert result.reports == []
    assert (await rows_about(engine, young.reference))["reports"] == 1
    assert (await rows_about(engine, still_open.reference))["reports"] == 1


async def test_a_report_reopened_is_not_purged_for_its_old_closure(uow_factory, tmp_path: Path) -> None:
    report = await closed_report(uow_factory, tmp_path)
    triage = make_triage(uow_factory, Clock(CREATED_AT + KEEP + timedelta(days=2)))
    await triage.reopen(report.reference, MEMBER)
    result = await retention(uow_factory).purge(CREATED_AT + KEEP + timedelta(days=3))
    assert result.reports == []
    async with uow_factory(readonly=True) as uow:
        kept = await uow.reports.get(report.reference)
    assert kept is not None and kept.status is Status.IN_PROGRESS


async def test_dry_run_lists_what_would_go_and_changes_nothing(engine, uow_factory, tmp_path: Path) -> None:
    report = await closed_report(uow_factory, tmp_path)
    before = await rows_about(engine, report.reference)
    plan = await retention(uow_factory).plan(CREATED_AT + KEEP + timedelta(days=1))
    assert [p.reference for p in plan.reports] == [report.reference]
    assert plan.reports[0].held.messages == before["report_messages"]
    assert await rows_about(engine, report.reference) == before
    assert on_disk(report.evidence.files[0].stored_path or "")
    assert await purged_entries(engine) == []


async def test_two_purgers_at_once_purge_each_report_once(engine, uow_factory, tmp_path: Path) -> None:
    reports = [await closed_report(uow_factory, tmp_path, user=f"user{n}") for n in range(3)]
    now = CREATED_AT + KEEP + timedelta(days=1)
    first, second = await asyncio.gather(retention(uow_factory).purge(now), retention(uow_factory).purge(now))
    assert sorted(p.reference for p in first.reports + second.reports) == sorted(r.reference for r in reports)
    assert sorted(await purged_entries(engine)) == sorted(r.reference for r in reports)
    async with uow_factory(readonly=True) as uow:
        assert len(await uow.retention.stubs()) == 3


async def test_cancelled_drafts_past_their_keep_date_go_with_their_evidence(uow_factory, tmp_path) -> None:
    from bot.ports import ConversationStatus

    kept_file, gone_file = tmp_path / "kept.png", tmp_path / "gone.png"
    for path in (kept_file, gone_file):
        path.write_bytes(b"png")
    async with uow_factory() as uow:
        for key, path, expires in (
            ("console:hq:old", gone_file, CREATED_AT),
            ("console:hq:new", kept_file, CREATED_AT + timedelta(days=5)),
        ):
            state = {"flow": None, "files": [{"id": "f", "name": "x.png", "stored_path": str(path)}]}
            await uow.conversations.save(key, state, ConversationStatus.CANCELLED, None, CREATED_AT, expires)
        await uow.commit()
    purged = await retention(uow_factory).purge_drafts(CREATED_AT + timedelta(days=1))
    assert (purged.cancelled, purged.abandoned, purged.files) == (1, 0, 1)
    assert kept_file.exists() and not gone_file.exists()
    async with uow_factory() as uow:
        assert await uow.conversations.get("console:hq:old") is None
        assert await uow.conversations.get("console:hq:new") is not None


async def test_the_stub_keeps_the_campaign_the_report_was_in(uow_factory, tmp_path: Path) -> None:
    report = await closed_report(uow_factory, tmp_path)
    async with uow_factory() as uow:
        campaign = await uow.campaigns.create(CREATED_AT)
        await uow.campaigns.put_members(campaign, [report.reference], "system", CREATED_AT)
        await uow.commit()
    await retention(uow_factory, []).purge(CREATED_AT + KEEP + timedelta(seconds=1))
    async with uow_factory(readonly=True) as uow:
        [stub] = await uow.retention.stubs()
    assert stub.campaign_id == campaign and stub.reported_from == report.reporter.platform
