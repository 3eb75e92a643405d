"""Read-only units of work, and forgetting old event ids."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot import housekeeping
from bot.ports import ConversationStatus
from tests.conftest import on_postgres
from tests.factories import CREATED_AT

NOW = CREATED_AT


@pytest.mark.skipif(on_postgres(), reason="SQLite's write lock")
async def test_a_read_only_unit_of_work_reads_while_another_process_holds_the_write_lock(uow_factory, engine):
    async with uow_factory() as uow:
        await uow.conversations.save("k", {"n": 1}, ConversationStatus.ACTIVE, None, NOW)
        await uow.commit()
    writer = sqlite3.connect(engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        # Were it to take the write lock, it would fail with "database is locked" (busy_timeout).
        async with uow_factory(readonly=True) as uow:
            stored = await uow.conversations.get("k")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert stored is not None and stored.state == {"n": 1}


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's READ ONLY transactions")
async def test_a_read_only_unit_of_work_cannot_write_on_postgres(uow_factory):
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError):
        async with uow_factory(readonly=True) as uow:
            await uow.conversations.save("k", {}, ConversationStatus.ACTIVE, None, NOW)


async def test_event_ids_are_forgotten_after_a_week_and_a_redelivery_before_that_is_still_caught(uow_factory):
    async with uow_factory() as uow:
        await uow.events.record("slack", "old", NOW)
        await uow.events.record("slack", "recent", NOW + timedelta(days=6))
        await uow.commit()
    tidied = await housekeeping.tidy(uow_factory, NOW + housekeeping.EVENT_KEEP + timedelta(minutes=1))
    assert tidied.events == 1
    async with uow_factory() as uow:
        assert await uow.events.record("slack", "recent", NOW) is False  # still remembered
        assert await uow.events.record("slack", "old", NOW) is True  # forgotten
