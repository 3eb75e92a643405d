"""Fixtures for tests that need a migrated database (imported by the sub-package conftests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import ConversationStore
from storage.conversation_store import conversation_store
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.unit_of_work import SqlUnitOfWork
from tests.keys import TEST_SEALER


@pytest.fixture
async def engine(empty_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(empty_database)
    await upgrade_database(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def uow_factory(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    return unit_of_work_factory(engine, TEST_SEALER)


@pytest.fixture
async def conversations(engine: AsyncEngine) -> AsyncIterator[ConversationStore]:
    """The ordinary turn's store (bot.ports.ConversationStore) on the same database."""
    store = conversation_store(engine, TEST_SEALER)
    assert store is not None
    try:
        yield store
    finally:
        await store.close()
