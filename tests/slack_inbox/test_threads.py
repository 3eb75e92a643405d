"""Where a report lives on a threading destination: one card per report and destination,
even when two replicas store one at the same moment."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import CREATED_AT
from tests.keys import TEST_SEALER

UowFactory = Callable[[], SqlUnitOfWork]
NOW = CREATED_AT
REF = "TIP-7K3Q9D"


async def test_a_stored_thread_is_found_again_per_destination_and_report(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.threads.get("slack", REF) is None
        stored = await uow.threads.put("slack", REF, "C0SECURITY", "1700000000.000100", NOW)
        await uow.commit()
    assert stored == ("C0SECURITY", "1700000000.000100")
    async with uow_factory() as uow:
        assert await uow.threads.get("slack", REF) == ("C0SECURITY", "1700000000.000100")
        assert await uow.threads.get("slack-escalation", REF) is None
        assert await uow.threads.get("slack", "TIP-4M8N2P") is None


async def test_the_first_stored_thread_wins_and_is_returned_to_the_second(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.threads.put("slack", REF, "C0SECURITY", "1.1", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        winner = await uow.threads.put("slack", REF, "C0OTHER", "2.2", NOW + timedelta(seconds=1))
        await uow.commit()
    assert winner.channel == "C0SECURITY" and winner.thread_id == "1.1"
    async with uow_factory() as uow:
        assert await uow.threads.get("slack", REF) == ("C0SECURITY", "1.1")


async def test_two_replicas_storing_at_once_agree_on_one_thread(empty_database: str) -> None:
    engines = [create_engine(empty_database), create_engine(empty_database)]
    try:
        await upgrade_database(engines[0])
        factories = [unit_of_work_factory(e, TEST_SEALER) for e in engines]

        async def store(factory: UowFactory, thread_id: str) -> tuple[str, str]:
            async with factory() as uow:
                winner = await uow.threads.put("slack", REF, "C0SECURITY", thread_id, NOW)
                await uow.commit()
            return winner

        results = await asyncio.gather(store(factories[0], "1.1"), store(factories[1], "2.2"))
        assert results[0] == results[1]
        assert results[0].thread_id in {"1.1", "2.2"}
        async with factories[0]() as uow:
            assert await uow.threads.get("slack", REF) == results[0]
    finally:
        for engine in engines:
            await engine.dispose()


async def test_without_commit_nothing_is_stored(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.threads.put("slack", REF, "C0SECURITY", "1.1", NOW)
    async with uow_factory() as uow:
        assert await uow.threads.get("slack", REF) is None
