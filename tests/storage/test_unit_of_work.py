"""Transactions: processed-event dedup and what happens without commit()."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.ports import ConversationStatus
from storage.unit_of_work import SqlUnitOfWork
from tests.factories import CREATED_AT, make_report

UowFactory = Callable[[], SqlUnitOfWork]
NOW = CREATED_AT


async def test_a_repeated_event_is_reported_once_and_the_transaction_still_commits(
    uow_factory: UowFactory,
) -> None:
    async with uow_factory() as uow:
        assert await uow.events.record("slack", "Ev1", NOW) is True
        assert await uow.events.record("slack", "Ev1", NOW) is False
        assert await uow.events.record("teams", "Ev1", NOW) is True  # ids are per source
        await uow.conversations.save("k", {}, ConversationStatus.ACTIVE, None, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.events.record("slack", "Ev1", NOW) is False
        assert await uow.conversations.get("k") is not None


async def test_leaving_without_commit_rolls_back(uow_factory: UowFactory) -> None:
    report = make_report()
    async with uow_factory() as uow:
        await uow.reports.add(report)
    with pytest.raises(RuntimeError, match="boom"):
        async with uow_factory() as uow:
            await uow.events.record("slack", "Ev1", NOW)
            raise RuntimeError("boom")
    async with uow_factory() as uow:
        await uow.conversations.save("k", {}, ConversationStatus.ACTIVE, None, NOW)
        await uow.rollback()
        await uow.conversations.save("k2", {}, ConversationStatus.ACTIVE, None, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.reports.get(report.reference) is None
        assert await uow.events.record("slack", "Ev1", NOW) is True
        assert await uow.conversations.get("k") is None
        assert await uow.conversations.get("k2") is not None


async def test_repositories_are_only_available_inside_the_block(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError):
        await uow.commit()
    async with uow:
        pass
    with pytest.raises(RuntimeError):
        await uow.commit()
