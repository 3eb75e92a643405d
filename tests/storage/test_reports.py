"""Reports and their audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.ports import AuditEvent, DuplicateReference
from bot.report import Outcome, Status
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import CREATED_AT, make_report

UowFactory = Callable[[], SqlUnitOfWork]


async def test_a_fully_populated_report_comes_back_equal(uow_factory: UowFactory) -> None:
    report = make_report(
        status=Status.CLOSED,
        outcome=Outcome.LIKELY_HOSTILE,
        assigned_to="sec-team:bob",
        acknowledged_at=CREATED_AT + timedelta(hours=1),
        closed_at=CREATED_AT + timedelta(days=2),
        closing_message="Thank you, this was very useful.",
        revision=3,
    )
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.reports.get(report.reference)
        missing = await uow.reports.get("TIP-222222")
    assert loaded == report
    assert missing is None


async def test_a_taken_reference_raises_and_the_transaction_can_retry(uow_factory: UowFactory) -> None:
    first = make_report(what_happened="first")
    async with uow_factory() as uow:
        await uow.reports.add(first)
        await uow.commit()

    clash = make_report(reference=first.reference, what_happened="second")
    retry = clash.model_copy(update={"reference": "TIP-XXXXXX"})
    async with uow_factory() as uow:
        before = AuditEvent(
            at=CREATED_AT, actor="cli:alice", platform="cli", action="before", report_reference="TIP-XXXXXX"
        )
        await uow.audit.add(before)
        with pytest.raises(DuplicateReference):
            await uow.reports.add(clash)
        await uow.reports.add(retry)
        await uow.commit()

    async with uow_factory() as uow:
        original = await uow.reports.get(first.reference)
        retried = await uow.reports.get("TIP-XXXXXX")
        trail = await uow.audit.for_report("TIP-XXXXXX")
    assert original is not None and original.what_happened == "first"
    assert retried is not None and retried.what_happened == "second"
    assert [e.action for e in trail] == ["before"]  # work done before the clash was kept


async def test_update_replaces_the_report_and_its_filter_columns(uow_factory: UowFactory) -> None:
    report = make_report()
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    acknowledged = report.model_copy(
        update={"status": Status.ACKNOWLEDGED, "revision": 2, "updated_at": CREATED_AT + timedelta(hours=1)}
    )
    async with uow_factory() as uow:
        await uow.reports.update(acknowledged)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.reports.get(report.reference) == acknowledged
        assert [r.reference for r in await uow.reports.list(Status.ACKNOWLEDGED)] == [report.reference]
        assert await uow.reports.list(Status.NEW) == []
        with pytest.raises(LookupError):
            await uow.reports.update(make_report())


async def test_lists_are_newest_first_and_filter_by_status_and_reporter(uow_factory: UowFactory) -> None:
    def at(hours: int) -> dict[str, object]:
        return {"created_at": CREATED_AT + timedelta(hours=hours), "updated_at": CREATED_AT}

    oldest = make_report(**at(0))
    middle = make_report(**at(1), status=Status.CLOSED)
    newest = make_report(**at(2))
    someone_else = make_report(**at(3)).model_copy(deep=True)
    someone_else.reporter.user_id = "bob"
    async with uow_factory() as uow:
        for report in (middle, newest, someone_else, oldest):
            await uow.reports.add(report)
        await uow.commit()

    async with uow_factory() as uow:
        everything = await uow.reports.list()
        new_only = await uow.reports.list(Status.NEW)
        latest_two = await uow.reports.list(limit=2)
        alices = await uow.reports.list_for_reporter("console", "alice")
        nobodys = await uow.reports.list_for_reporter("slack", "alice")
    assert everything == [someone_else, newest, middle, oldest]
    assert new_only == [someone_else, newest, oldest]
    assert latest_two == [someone_else, newest]
    assert alices == [newest, middle, oldest]
    assert nobodys == []


async def test_audit_events_are_kept_in_order_per_report(uow_factory: UowFactory) -> None:
    events = [
        AuditEvent(at=CREATED_AT, actor="slack:U1", platform="slack", action="report.submitted",
                   report_reference="TIP-AAAAAA", detail={"severity": "high"}),
        AuditEvent(at=CREATED_AT + timedelta(minutes=5), actor="cli:bob", platform="cli",
                   action="report.acknowledged", report_reference="TIP-AAAAAA"),
        AuditEvent(at=CREATED_AT, actor="system", platform="system", action="report.submitted",
                   report_reference="TIP-BBBBBB"),
    ]  # fmt: skip
    async with uow_factory() as uow:
        for event in reversed(events):
            await uow.audit.add(event)
        await uow.commit()
    async with uow_factory() as uow:
        trail = await uow.audit.for_report("TIP-AAAAAA")
    assert [(e.action, e.actor, e.at, e.detail) for e in trail] == [
        ("report.submitted", "slack:U1", CREATED_AT, {"severity": "high"}),
        ("report.acknowledged", "cli:bob", CREATED_AT + timedelta(minutes=5), {}),
    ]
    assert all(e.id is not None for e in trail)
