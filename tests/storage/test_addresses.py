"""Chat addresses: the newest address for a person or channel is the one kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def test_an_address_is_kept_and_the_newest_replaces_it(uow_factory):
    first = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/emea/"}
    newer = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/amer/"}
    async with uow_factory() as uow:
        assert await uow.addresses.get("teams", "user:t1:u1") is None
        await uow.addresses.put("teams", "user:t1:u1", first, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.addresses.get("teams", "user:t1:u1") == first
        await uow.addresses.put("teams", "user:t1:u1", newer, NOW + timedelta(minutes=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.addresses.get("teams", "user:t1:u1") == newer
        assert await uow.addresses.get("slack", "user:t1:u1") is None
        assert await uow.addresses.get("teams", "user:t1:u2") is None


async def test_an_address_not_committed_is_not_kept(uow_factory):
    async with uow_factory() as uow:
        await uow.addresses.put("teams", "inbox", {"conversation": {"id": "19:x"}}, NOW)
    async with uow_factory() as uow:
        assert await uow.addresses.get("teams", "inbox") is None
