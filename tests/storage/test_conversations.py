"""Conversation state: optimistic locking, time zones, surviving a restart, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import ConcurrencyConflict, ConversationStatus
from storage.db import create_engine, unit_of_work_factory
from storage.unit_of_work import SqlUnitOfWork
from tests.keys import TEST_SEALER

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
STATE: dict[str, Any] = {
    "flow": "report",
    "step": "contact",
    "answers": {"name": "Jane", "urls": ["a", "b"]},
    "n": 3,
}

UowFactory = Callable[[], SqlUnitOfWork]


async def _save(
    uow_factory: UowFactory,
    key: str,
    version: int | None,
    *,
    state: dict[str, Any] = STATE,
    status: ConversationStatus = ConversationStatus.ACTIVE,
    now: datetime = NOW,
    expires_at: datetime | None = None,
) -> int:
    async with uow_factory() as uow:
        new_version = await uow.conversations.save(key, state, status, version, now, expires_at)
        await uow.commit()
    return new_version


async def test_a_new_conversation_is_stored_at_version_1_with_its_state(uow_factory: UowFactory) -> None:
    assert await _save(uow_factory, "slack:T1:U1", None) == 1
    async with uow_factory() as uow:
        stored = await uow.conversations.get("slack:T1:U1")
        missing = await uow.conversations.get("slack:T1:U2")
    assert stored is not None and missing is None
    assert stored.state == STATE
    assert stored.status is ConversationStatus.ACTIVE
    assert stored.version == 1
    assert stored.updated_at == NOW and stored.updated_at.tzinfo is not None
    assert stored.expires_at is None


async def test_saving_with_the_loaded_version_updates_and_bumps_it(uow_factory: UowFactory) -> None:
    await _save(uow_factory, "k", None)
    later = NOW + timedelta(minutes=2)
    new_state = {"step": "done"}
    assert (
        await _save(uow_factory, "k", 1, state=new_state, status=ConversationStatus.FINISHED, now=later) == 2
    )
    async with uow_factory() as uow:
        stored = await uow.conversations.get("k")
    assert stored is not None
    assert (stored.state, stored.status, stored.version, stored.updated_at) == (
        new_state,
        ConversationStatus.FINISHED,
        2,
        later,
    )


async def test_a_stale_version_is_a_conflict_and_changes_nothing(uow_factory: UowFactory) -> None:
    await _save(uow_factory, "k", None)
    await _save(uow_factory, "k", 1, state={"by": "first tab"})
    with pytest.raises(ConcurrencyConflict):
        await _save(uow_factory, "k", 1, state={"by": "second tab"})
    async with uow_factory() as uow:
        stored = await uow.conversations.get("k")
    assert stored is not None and stored.state == {"by": "first tab"} and stored.version == 2


async def test_starting_the_same_conversation_twice_is_a_conflict(uow_factory: UowFactory) -> None:
    await _save(uow_factory, "k", None, state={"by": "first"})
    async with uow_factory() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.conversations.save("k", {"by": "second"}, ConversationStatus.ACTIVE, None, NOW)
        # The conflict leaves the transaction usable.
        await uow.conversations.save("other", {}, ConversationStatus.ACTIVE, None, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.conversations.get("k")
        other = await uow.conversations.get("other")
    assert first is not None and first.state == {"by": "first"}
    assert other is not None


async def test_times_in_any_zone_come_back_as_the_same_instant_in_utc(uow_factory: UowFactory) -> None:
    paris = timezone(timedelta(hours=2))
    local_now = datetime(2026, 6, 1, 12, 0, tzinfo=paris)
    await _save(uow_factory, "k", None, now=local_now, expires_at=local_now + timedelta(days=1))
    async with uow_factory() as uow:
        stored = await uow.conversations.get("k")
    assert stored is not None
    assert stored.updated_at == local_now and stored.updated_at.utcoffset() == timedelta(0)
    assert stored.expires_at == datetime(2026, 6, 2, 10, 0, tzinfo=UTC)
    assert stored.expires_at.tzinfo is UTC


async def test_a_naive_datetime_is_refused(uow_factory: UowFactory) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await _save(uow_factory, "k", None, now=datetime(2026, 6, 1, 12, 0))


async def test_state_survives_a_restart(engine: AsyncEngine, empty_database: str) -> None:
    await _save(unit_of_work_factory(engine, TEST_SEALER), "k", None)
    await engine.dispose()
    restarted = create_engine(empty_database)
    try:
        async with unit_of_work_factory(restarted, TEST_SEALER)() as uow:
            stored = await uow.conversations.get("k")
    finally:
        await restarted.dispose()
    assert stored is not None and stored.state == STATE and stored.version == 1


async def test_only_cancelled_drafts_past_their_keep_until_time_are_deleted(uow_factory: UowFactory) -> None:
    past, future = NOW - timedelta(seconds=1), NOW + timedelta(days=1)
    cancelled = ConversationStatus.CANCELLED
    await _save(uow_factory, "expired", None, status=cancelled, expires_at=past)
    await _save(uow_factory, "expires-now", None, status=cancelled, expires_at=NOW)
    await _save(uow_factory, "kept", None, status=cancelled, expires_at=future)
    await _save(uow_factory, "active", None, status=ConversationStatus.ACTIVE, expires_at=past)
    await _save(uow_factory, "no-expiry", None, status=cancelled)
    async with uow_factory() as uow:
        assert await uow.conversations.delete_expired(NOW) == 2
        await uow.commit()
    async with uow_factory() as uow:
        left = {
            k
            for k in ("expired", "expires-now", "kept", "active", "no-expiry")
            if await uow.conversations.get(k)
        }
    assert left == {"kept", "active", "no-expiry"}
