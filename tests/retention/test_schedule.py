"""The daily purge runs once a day: across two schedulers (replicas) on one database, and
across restarts. The schedulers are the real housekeeping loops, each on its own engine."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot import housekeeping
from storage.db import create_engine, unit_of_work_factory
from tests.factories import CREATED_AT
from tests.keys import TEST_SEALER
from tests.retention.support import KEEP, closed_report, purged_entries, retention


async def test_two_schedulers_on_one_database_purge_once_and_a_restart_does_not_purge_again(
    engine, uow_factory, empty_database: str, tmp_path: Path
) -> None:
    first = await closed_report(uow_factory, tmp_path, user="ann")
    now = CREATED_AT + KEEP + timedelta(days=1)
    replicas = [create_engine(empty_database), create_engine(empty_database)]
    try:
        stop = asyncio.Event()
        loops = [
            asyncio.create_task(
                housekeeping.run(
                    unit_of_work_factory(e, TEST_SEALER),
                    lambda: now,
                    stop,
                    interval=0.02,
                    retention=retention(unit_of_work_factory(e, TEST_SEALER)),
                )
            )
            for e in replicas
        ]
        for _ in range(200):  # each loop makes many passes meanwhile
            await asyncio.sleep(0.02)
            if await purged_entries(engine):
                break
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.gather(*loops)
        assert await purged_entries(engine) == [first.reference]

        # A report falls due an hour later; the replicas restart: the day's purge has run.
        later = await closed_report(
            uow_factory, tmp_path, closed_at=CREATED_AT + timedelta(hours=1), user="bo"
        )
        restarted = retention(unit_of_work_factory(replicas[0], TEST_SEALER))
        assert await restarted.run_due(now + timedelta(hours=2)) is None
        assert await purged_entries(engine) == [first.reference]

        # A day on, whichever replica gets there first runs it; the other finds it done.
        tomorrow = now + timedelta(days=1)
        results = await asyncio.gather(
            *(retention(unit_of_work_factory(e, TEST_SEALER)).run_due(tomorrow) for e in replicas)
        )
        ran = [r for r in results if r is not None]
        assert len(ran) == 1 and [p.reference for p in ran[0].reports] == [later.reference]
        assert await purged_entries(engine) == [first.reference, later.reference]
    finally:
        for e in replicas:
            await e.dispose()


async def test_start_up_tidying_never_purges_reports(uow_factory, engine, tmp_path: Path) -> None:
    """Every command starts by tidying; a report purge then would empty what --dry-run is to show."""
    report = await closed_report(uow_factory, tmp_path)
    await housekeeping.tidy(uow_factory, CREATED_AT + KEEP * 2, retention(uow_factory))
    assert await purged_entries(engine) == []
    async with uow_factory(readonly=True) as uow:
        assert await uow.reports.get(report.reference) is not None
