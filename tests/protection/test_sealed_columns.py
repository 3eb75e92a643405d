"""The last plain columns sealed (migration 0009): a campaign's title as the team typed it, the
watchlist entry's source, and the reporters' pseudonym key. None of them is in the raw rows or
in any file the database writes (its WAL too); they read back; `keys rotate` re-seals them; the
migration seals what an older Tipline left plain, and its downgrade opens them again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.retention.forget import PSEUDONYM_KEY
from storage.db import alembic_config, create_engine, unit_of_work_factory, upgrade_database
from storage.protection.keys import KeyRing, data_key
from storage.protection.rotation import rotate
from storage.protection.sealing import MARKER, Sealer
from tests.conftest import on_postgres
from tests.factories import make_report
from tests.keys import TEST_RING, TEST_SEALER
from tests.protection.files import files_holding
from tests.protection.raw import raw_rows
from tests.watchlist.support import QIU, content

TITLE, SOURCE = "Operation Sandpiper-Quokka-4417", "Kestrel-Ledger-9083 alert to staff"
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
NEW = data_key(bytes(range(100, 132)))


@pytest.fixture
async def keyed(empty_database: str) -> AsyncIterator[AsyncEngine]:
    """A database migrated as the app migrates it: with its data keys handed to the migrations."""
    engine = create_engine(empty_database)
    await upgrade_database(engine, data_keys=TEST_RING)
    try:
        yield engine
    finally:
        await engine.dispose()


async def fill(engine: AsyncEngine, sealer: Sealer = TEST_SEALER) -> tuple[int, str]:
    """A campaign the team named, of one report, and a watchlist entry: (campaign id, report)."""
    report = make_report()
    async with unit_of_work_factory(engine, sealer)() as uow:
        await uow.reports.add(report)
        campaign = await uow.campaigns.create(NOW)
        await uow.campaigns.put_members(campaign, [report.reference], "cli:sam", NOW)
        await uow.campaigns.change(campaign, NOW, title=TITLE)
        entry = content(source=SOURCE, **QIU)
        await uow.watchlist.add(entry, entry.indicators(), "cli:sam", NOW)
        await uow.commit()
    return campaign, report.reference


async def pseudonym_key(engine: AsyncEngine, sealer: Sealer = TEST_SEALER) -> str:
    async with unit_of_work_factory(engine, sealer)(readonly=True) as uow:
        return await uow.retention.instance_secret(PSEUDONYM_KEY)


async def stored(engine: AsyncEngine, query: str) -> list[str]:
    async with engine.connect() as conn:
        return [str(v) for v in (await conn.execute(text(query))).scalars()]


async def sealed_values(engine: AsyncEngine) -> list[str]:
    return (
        await stored(engine, "SELECT title FROM campaigns WHERE title IS NOT NULL")
        + await stored(engine, "SELECT source FROM watchlist_entries")
        + await stored(engine, "SELECT value FROM instance_secrets")
    )


async def test_titles_sources_and_the_pseudonym_key_are_sealed_at_rest_and_read_back(
    keyed: AsyncEngine, tmp_path: Path
):
    campaign, _ = await fill(keyed)
    secret = await pseudonym_key(keyed)
    assert len(secret) == 64  # the key 0007 made, opened

    canaries = [TITLE, SOURCE, secret]
    raw = (await raw_rows(keyed)).lower()
    assert [c for c in canaries if c.lower() in raw] == []
    assert all(v.startswith(MARKER) for v in await sealed_values(keyed))
    if not on_postgres():  # the database file, its WAL (not checkpointed yet) and -shm
        assert files_holding(tmp_path, canaries) == {}

    async with unit_of_work_factory(keyed, TEST_SEALER)(readonly=True) as uow:
        named = await uow.campaigns.get(campaign)
        [entry] = await uow.watchlist.list()
    assert named is not None and named.title == TITLE
    assert entry.content.source == SOURCE


async def test_a_title_moved_to_another_campaign_does_not_open(keyed: AsyncEngine):
    first, _ = await fill(keyed)
    async with unit_of_work_factory(keyed, TEST_SEALER)() as uow:
        second = await uow.campaigns.create(NOW)
        await uow.commit()
    async with keyed.begin() as conn:
        await conn.execute(
            text("UPDATE campaigns SET title = (SELECT title FROM campaigns WHERE id = :a) WHERE id = :b"),
            {"a": first, "b": second},
        )
    async with unit_of_work_factory(keyed, TEST_SEALER)(readonly=True) as uow:
        with pytest.raises(ValueError, match="does not open"):
            await uow.campaigns.get(second)


async def test_keys_rotate_reseals_them_under_the_new_key(keyed: AsyncEngine):
    campaign, _ = await fill(keyed)
    secret = await pseudonym_key(keyed)
    both = Sealer(KeyRing((*TEST_RING.keys, NEW), "test"), bytes(range(32, 64)))
    done = await rotate(keyed, both)
    assert done.unreadable == []
    assert {done.sealed[f] for f in ("campaigns.title", "watchlist_entries.source")} == {1}
    assert done.sealed["instance_secrets.value"] == 1
    assert all(v.startswith(f"{MARKER}{NEW.id}.") for v in await sealed_values(keyed))

    only_new = Sealer(KeyRing((NEW,), "test"), bytes(range(32, 64)))
    assert await pseudonym_key(keyed, only_new) == secret
    async with unit_of_work_factory(keyed, only_new)(readonly=True) as uow:
        named = await uow.campaigns.get(campaign)
        [entry] = await uow.watchlist.list()
    assert named is not None and named.title == TITLE and entry.content.source == SOURCE


def _migrate(revision: str, keys: KeyRing | None, down: bool = False):
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        config.attributes["data_keys"] = keys
        (command.downgrade if down else command.upgrade)(config, revision)

    return run


async def test_migration_0009_seals_what_was_plain_and_its_downgrade_opens_it(empty_database: str):
    engine = create_engine(empty_database)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_migrate("0008", None))
        campaign, reference = await fill(engine)
        async with engine.begin() as conn:  # as a Tipline before 0009 left them
            await conn.execute(text("UPDATE campaigns SET title = :t"), {"t": TITLE})
            await conn.execute(text("UPDATE watchlist_entries SET source = :s"), {"s": SOURCE})
        plain_secret = (await stored(engine, "SELECT value FROM instance_secrets"))[0]
        members = "SELECT report_reference FROM campaign_members"
        indicators = await stored(engine, "SELECT value FROM watchlist_indicators ORDER BY id")

        async with engine.begin() as conn:
            await conn.run_sync(_migrate("0009", TEST_RING))
        assert all(v.startswith(MARKER) for v in await sealed_values(engine))
        raw = await raw_rows(engine)
        assert TITLE not in raw and SOURCE not in raw and plain_secret not in raw
        # The rows referencing the rebuilt tables (SQLite) are all still there.
        assert await stored(engine, members) == [reference]
        assert await stored(engine, "SELECT value FROM watchlist_indicators ORDER BY id") == indicators
        assert await pseudonym_key(engine) == plain_secret
        async with unit_of_work_factory(engine, TEST_SEALER)(readonly=True) as uow:
            named = await uow.campaigns.get(campaign)
        assert named is not None and named.title == TITLE

        with pytest.raises(RuntimeError, match="needs the data key"):
            async with engine.begin() as conn:
                await conn.run_sync(_migrate("0008", None, down=True))
        assert all(v.startswith(MARKER) for v in await sealed_values(engine))  # nothing changed

        async with engine.begin() as conn:
            await conn.run_sync(_migrate("0008", TEST_RING, down=True))
        assert sorted(await sealed_values(engine)) == sorted([TITLE, SOURCE, plain_secret])
        assert await stored(engine, members) == [reference]

        # Migrated without a key (the alembic command line): still plain, still read, then rotated.
        async with engine.begin() as conn:
            await conn.run_sync(_migrate("0009", None))
        assert await pseudonym_key(engine) == plain_secret
        await rotate(engine, TEST_SEALER)
        assert all(v.startswith(MARKER) for v in await sealed_values(engine))
        assert await pseudonym_key(engine) == plain_secret
    finally:
        await engine.dispose()
