"""The conversation store's save: optimistic, once per event, and on SQLite committed in groups."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest

from bot.ports import ConcurrencyConflict, ConversationStatus
from tests.conftest import on_postgres

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ACTIVE = ConversationStatus.ACTIVE


async def test_a_save_on_a_stale_version_is_refused_and_changes_nothing(conversations, uow_factory):
    assert await conversations.save("k", {"n": 1}, ACTIVE, None, NOW, None, ("slack", "E1")) == 1
    assert await conversations.save("k", {"n": 2}, ACTIVE, 1, NOW, None, ("slack", "E2")) == 2
    with pytest.raises(ConcurrencyConflict):
        await conversations.save("k", {"n": 3}, ACTIVE, 1, NOW, None, ("slack", "E3"))
    with pytest.raises(ConcurrencyConflict):  # started elsewhere meanwhile
        await conversations.save("k", {"n": 4}, ACTIVE, None, NOW, None, None)
    loaded = await conversations.load("k", ("slack", "E3"))
    assert loaded.stored is not None and loaded.stored.state == {"n": 2} and loaded.stored.version == 2
    assert not loaded.event_seen  # the refused save's event was not recorded with it
    async with uow_factory() as uow:
        assert await uow.events.record("slack", "E3", NOW) is True
        assert await uow.events.record("slack", "E2", NOW) is False


async def test_an_event_already_recorded_refuses_the_save(conversations, uow_factory):
    async with uow_factory() as uow:
        await uow.events.record("slack", "E1", NOW)
        await uow.commit()
    assert (await conversations.load("k", ("slack", "E1"))).event_seen
    with pytest.raises(ConcurrencyConflict):
        await conversations.save("k", {"n": 1}, ACTIVE, None, NOW, None, ("slack", "E1"))
    assert (await conversations.load("k", None)).stored is None


async def test_what_the_store_writes_the_unit_of_work_reads_alike(conversations, uow_factory):
    later = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)
    await conversations.save(
        "k", {"flow": None, "x": [1, "é"]}, ConversationStatus.CANCELLED, None, NOW, later, None
    )
    async with uow_factory() as uow:
        stored = await uow.conversations.get("k")
    loaded = (await conversations.load("k", None)).stored
    assert stored == loaded
    assert stored is not None and stored.expires_at == later and stored.updated_at == NOW


@pytest.mark.skipif(on_postgres(), reason="group commit is SQLite's: PostgreSQL commits each save itself")
async def test_saves_that_arrive_together_share_one_commit_and_none_is_acknowledged_before_it(
    conversations, engine
):
    # Hold SQLite's write lock from another connection, so the saves queue up behind it.
    blocker = sqlite3.connect(engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    batches = conversations.batches
    saves = [
        asyncio.ensure_future(conversations.save(f"k{i}", {"n": i}, ACTIVE, None, NOW, None, None))
        for i in range(20)
    ]
    # The same conversation twice in one group: the first is saved, the second refused, in order.
    twice = [
        asyncio.ensure_future(conversations.save("same", {"n": n}, ACTIVE, None, NOW, None, None))
        for n in (1, 2)
    ]
    await asyncio.sleep(0.2)
    assert not any(s.done() for s in saves + twice)  # nothing acknowledged while nothing is committed
    blocker.execute("COMMIT")
    blocker.close()
    assert await asyncio.gather(*saves) == [1] * 20
    assert await twice[0] == 1
    with pytest.raises(ConcurrencyConflict):
        await twice[1]
    assert conversations.batches - batches <= 2  # the first may have been taken alone
    assert (await conversations.load("same", None)).stored.state == {"n": 1}
