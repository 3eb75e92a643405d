"""Deadlines: upserts, the reminder windows, exactly-once reminders and met deadlines.

Also the 0002 migration (report threads and deadlines) going down and up again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.ports import Deadline, DeadlineKind
from storage.db import alembic_config, create_engine, unit_of_work_factory, upgrade_database
from storage.models import metadata
from storage.unit_of_work import SqlUnitOfWork
from tests.conftest import on_postgres
from tests.factories import CREATED_AT, make_report
from tests.keys import TEST_SEALER

UowFactory = Callable[[], SqlUnitOfWork]
NOW = CREATED_AT
ACK = DeadlineKind.ACKNOWLEDGE
FEEDBACK = DeadlineKind.FEEDBACK


def _deadline(reference: str = "TIP-AAAAAA", kind: DeadlineKind = ACK, due_in_hours: int = 24) -> Deadline:
    due_at = NOW + timedelta(hours=due_in_hours)
    return Deadline(report_reference=reference, kind=kind, due_at=due_at, warn_at=due_at - timedelta(hours=4))


async def _add(uow_factory: UowFactory, *deadlines: Deadline) -> None:
    async with uow_factory() as uow:
        for deadline in deadlines:
            await uow.deadlines.add(deadline)
        await uow.commit()


async def _get(uow_factory: UowFactory, reference: str, kind: DeadlineKind) -> Deadline | None:
    async with uow_factory() as uow:
        return await uow.deadlines.get(reference, kind)


async def _warning(uow_factory: UowFactory, now, limit: int = 100) -> list[tuple[str, DeadlineKind]]:
    async with uow_factory() as uow:
        return [(d.report_reference, d.kind) for d in await uow.deadlines.needing_warning(now, limit)]


async def _missed(uow_factory: UowFactory, now, limit: int = 100) -> list[tuple[str, DeadlineKind]]:
    async with uow_factory() as uow:
        return [(d.report_reference, d.kind) for d in await uow.deadlines.needing_missed_notice(now, limit)]


async def test_a_deadline_round_trips_and_each_kind_is_separate(uow_factory: UowFactory) -> None:
    ack = _deadline(kind=ACK)
    feedback = _deadline(kind=FEEDBACK, due_in_hours=24 * 14)
    await _add(uow_factory, ack, feedback)
    assert await _get(uow_factory, "TIP-AAAAAA", ACK) == ack
    assert await _get(uow_factory, "TIP-AAAAAA", FEEDBACK) == feedback
    assert await _get(uow_factory, "TIP-BBBBBB", ACK) is None
    loaded = await _get(uow_factory, "TIP-AAAAAA", ACK)
    assert loaded is not None and isinstance(loaded.kind, DeadlineKind) and loaded.due_at.tzinfo is not None


async def test_adding_again_replaces_the_times_and_clears_the_reminders(uow_factory: UowFactory) -> None:
    first = _deadline(kind=FEEDBACK)
    await _add(uow_factory, first, _deadline(kind=ACK))
    async with uow_factory() as uow:
        assert await uow.deadlines.mark_warned("TIP-AAAAAA", FEEDBACK, NOW) is True
        assert await uow.deadlines.mark_missed("TIP-AAAAAA", FEEDBACK, NOW) is True
        await uow.deadlines.mark_met("TIP-AAAAAA", FEEDBACK, NOW)
        await uow.commit()
    done = await _get(uow_factory, "TIP-AAAAAA", FEEDBACK)
    assert done is not None and (done.warned_at, done.missed_at, done.met_at) == (NOW, NOW, NOW)

    reopened = _deadline(kind=FEEDBACK, due_in_hours=24 * 30)
    await _add(uow_factory, reopened)
    assert await _get(uow_factory, "TIP-AAAAAA", FEEDBACK) == reopened  # no warned/missed/met left
    assert await _get(uow_factory, "TIP-AAAAAA", ACK) == _deadline(kind=ACK)  # the other kind untouched
    # ...so it is reminded about again.
    assert await _warning(uow_factory, reopened.warn_at) == [("TIP-AAAAAA", FEEDBACK)]
    assert await _missed(uow_factory, reopened.due_at) == [("TIP-AAAAAA", ACK), ("TIP-AAAAAA", FEEDBACK)]


async def test_the_reminder_windows_at_their_boundaries(uow_factory: UowFactory) -> None:
    deadline = _deadline()
    await _add(uow_factory, deadline)
    key = [("TIP-AAAAAA", ACK)]
    tick = timedelta(microseconds=1)
    warn_at, due_at = deadline.warn_at, deadline.due_at

    assert await _warning(uow_factory, warn_at - tick) == []
    assert await _warning(uow_factory, warn_at) == key  # warn_at <= now
    assert await _warning(uow_factory, due_at - tick) == key
    assert await _warning(uow_factory, due_at) == []  # now < due_at: past due is a miss, not a warning

    assert await _missed(uow_factory, due_at - tick) == []
    assert await _missed(uow_factory, due_at) == key  # due_at <= now
    assert await _missed(uow_factory, due_at + timedelta(days=365)) == key


async def test_reminders_come_soonest_due_first_up_to_the_limit(uow_factory: UowFactory) -> None:
    later = _deadline("TIP-CCCCCC", due_in_hours=4)
    soonest = _deadline("TIP-BBBBBB", due_in_hours=2)
    middle = _deadline("TIP-AAAAAA", FEEDBACK, due_in_hours=3)
    await _add(uow_factory, later, soonest, middle)
    # At +1h every warning window (due - 4h) is open and nothing is due.
    at = NOW + timedelta(hours=1)
    assert await _warning(uow_factory, at) == [
        ("TIP-BBBBBB", ACK),
        ("TIP-AAAAAA", FEEDBACK),
        ("TIP-CCCCCC", ACK),
    ]
    assert await _warning(uow_factory, at, limit=2) == [("TIP-BBBBBB", ACK), ("TIP-AAAAAA", FEEDBACK)]
    at = NOW + timedelta(hours=7)
    assert await _missed(uow_factory, at, limit=1) == [("TIP-BBBBBB", ACK)]
    assert len(await _missed(uow_factory, at)) == 3


async def test_each_reminder_is_sent_once(uow_factory: UowFactory) -> None:
    deadline = _deadline()
    await _add(uow_factory, deadline)
    async with uow_factory() as uow:
        assert await uow.deadlines.mark_warned("TIP-AAAAAA", ACK, deadline.warn_at) is True
        assert await uow.deadlines.mark_warned("TIP-AAAAAA", ACK, deadline.due_at) is False
        assert await uow.deadlines.mark_warned("TIP-ZZZZZZ", ACK, NOW) is False  # absent
        await uow.commit()
    assert await _warning(uow_factory, deadline.warn_at) == []
    # A warned deadline still gets its missed reminder, once.
    assert await _missed(uow_factory, deadline.due_at) == [("TIP-AAAAAA", ACK)]
    async with uow_factory() as uow:
        assert await uow.deadlines.mark_missed("TIP-AAAAAA", ACK, deadline.due_at) is True
        assert await uow.deadlines.mark_missed("TIP-AAAAAA", ACK, deadline.due_at) is False
        await uow.commit()
    assert await _missed(uow_factory, deadline.due_at) == []
    stored = await _get(uow_factory, "TIP-AAAAAA", ACK)
    assert stored is not None and (stored.warned_at, stored.missed_at) == (deadline.warn_at, deadline.due_at)


async def test_a_met_deadline_gets_no_reminders(uow_factory: UowFactory) -> None:
    met_early, met_when_warned, met_late = (
        _deadline("TIP-AAAAAA"),
        _deadline("TIP-BBBBBB"),
        _deadline("TIP-CCCCCC"),
    )
    await _add(uow_factory, met_early, met_when_warned, met_late)
    met_at = NOW + timedelta(hours=30)
    async with uow_factory() as uow:
        assert await uow.deadlines.mark_warned("TIP-BBBBBB", ACK, met_when_warned.warn_at) is True
        assert await uow.deadlines.mark_missed("TIP-CCCCCC", ACK, met_late.due_at) is True
        await uow.deadlines.mark_met("TIP-AAAAAA", ACK, NOW)
        await uow.deadlines.mark_met("TIP-BBBBBB", ACK, met_at)
        await uow.deadlines.mark_met("TIP-CCCCCC", ACK, met_at)
        await uow.deadlines.mark_met("TIP-AAAAAA", ACK, met_at)  # already met: the first time stands
        await uow.deadlines.mark_met("TIP-ZZZZZZ", ACK, met_at)  # absent: no-op
        await uow.commit()

    for now in (NOW, met_early.warn_at, met_early.due_at, met_early.due_at + timedelta(days=30)):
        assert await _warning(uow_factory, now) == []
        assert await _missed(uow_factory, now) == []
    async with uow_factory() as uow:
        assert await uow.deadlines.mark_warned("TIP-AAAAAA", ACK, met_early.warn_at) is False
        assert await uow.deadlines.mark_missed("TIP-AAAAAA", ACK, met_early.due_at) is False
        assert await uow.deadlines.mark_missed("TIP-BBBBBB", ACK, met_early.due_at) is False
        early = await uow.deadlines.get("TIP-AAAAAA", ACK)
        absent = await uow.deadlines.get("TIP-ZZZZZZ", ACK)
    assert early is not None and (early.met_at, early.warned_at, early.missed_at) == (NOW, None, None)
    assert absent is None


@pytest.mark.parametrize("reminder", ["mark_warned", "mark_missed"])
async def test_two_replicas_reminding_at_once_send_one_reminder(
    empty_database: str, engine: object, reminder: str
) -> None:
    # The `engine` fixture migrates; each replica then gets its own engine (own connection pool).
    engines = [create_engine(empty_database) for _ in range(2)]
    factories = [unit_of_work_factory(e, TEST_SEALER) for e in engines]
    deadline = _deadline()
    # On PostgreSQL both replicas find the deadline before either marks it. SQLite takes the
    # write lock at BEGIN, so there the second simply waits (a barrier would deadlock).
    barrier = asyncio.Barrier(2) if on_postgres() else None

    async def remind(factory: UowFactory) -> bool:
        async with factory() as uow:
            found = await uow.deadlines.needing_missed_notice(deadline.due_at, 10)
            if barrier is not None:
                await barrier.wait()
                assert len(found) == 1  # both replicas saw it as needing a reminder
            marked: bool = await getattr(uow.deadlines, reminder)("TIP-AAAAAA", ACK, deadline.warn_at)
            await uow.commit()
        return marked

    try:
        await _add(factories[0], deadline)
        results = await asyncio.gather(*(remind(f) for f in factories))
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(results) == [False, True]


def _schema_diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _downgrade_to_0001(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0001")


async def test_migration_0002_downgrades_and_upgrades_again(empty_database: str) -> None:
    engine = create_engine(empty_database)
    report = make_report()
    try:
        await upgrade_database(engine)
        factory = unit_of_work_factory(engine, TEST_SEALER)
        async with factory() as uow:
            await uow.reports.add(report)
            await uow.deadlines.add(_deadline(report.reference))
            await uow.commit()

        async with engine.begin() as conn:
            await conn.run_sync(_downgrade_to_0001)
        async with engine.connect() as conn:
            tables = await conn.run_sync(_tables)
        assert {"reports", "outbox"} <= tables
        assert not {"report_messages", "deadlines"} & tables

        await upgrade_database(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_schema_diff) == []
        async with factory() as uow:
            assert await uow.reports.get(report.reference) == report  # 0001's data untouched
            assert await uow.deadlines.get(report.reference, ACK) is None  # 0002's tables are new
    finally:
        await engine.dispose()
