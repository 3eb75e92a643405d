"""The audit chain on a real database: one writer, gapless, and every kind of tampering named."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.audit.chain import GENESIS, entry_hash
from bot.audit.verify import Tampering
from tests.audit.support import UowFactory, event, verdict, write
from tests.conftest import on_postgres
from tests.keys import TEST_SEALER


async def _rows(engine: AsyncEngine) -> list[tuple[int, int, str, str]]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT id, sequence, prev_hash, hash FROM audit_events ORDER BY sequence")
        )
        return [tuple(row) for row in result]


async def test_entries_form_one_gapless_chain_that_verifies(uow_factory: UowFactory, engine) -> None:
    await write(uow_factory, event(1), event(2))
    await write(uow_factory, event(3, reference=None))
    rows = await _rows(engine)
    assert [row[1] for row in rows] == [1, 2, 3]
    assert rows[0][2] == GENESIS and rows[1][2] == rows[0][3] and rows[2][2] == rows[1][3]
    result = await verdict(uow_factory)
    assert result.ok and result.checked == 3 and result.head.sequence == 3 and result.head.hash == rows[2][3]


async def test_an_entry_not_committed_takes_no_place_in_the_chain(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.audit.add(event(1))
        # left without commit: rolled back
    await write(uow_factory, event(2))
    result = await verdict(uow_factory)
    assert result.ok and result.checked == 1 and result.head.sequence == 1


async def test_concurrent_writers_form_one_chain(engine, uow_factory: UowFactory) -> None:
    """Many units of work at once (on PostgreSQL each its own connection, as on several
    replicas): every entry gets its own sequence, none is lost, the chain verifies."""

    async def writer(n: int) -> None:
        async with uow_factory() as uow:
            await uow.audit.add(event(n))
            await asyncio.sleep(0)  # let the others start their transactions meanwhile
            await uow.audit.add(event(n + 1000))
            await uow.commit()

    await asyncio.gather(*(writer(n) for n in range(12)))
    result = await verdict(uow_factory)
    assert result.ok, result.findings
    assert result.checked == 24 and [row[1] for row in await _rows(engine)] == list(range(1, 25))


@pytest.mark.skipif(not on_postgres(), reason="two engines = two replicas; PostgreSQL only")
async def test_two_replicas_writing_at_once_form_one_chain(engine, empty_database: str) -> None:
    from storage.db import create_engine, unit_of_work_factory

    other = create_engine(empty_database)
    try:
        factories = [unit_of_work_factory(engine, TEST_SEALER), unit_of_work_factory(other, TEST_SEALER)]

        async def writer(n: int) -> None:
            await write(factories[n % 2], event(n))

        await asyncio.gather(*(writer(n) for n in range(20)))
        result = await verdict(factories[0])
        assert result.ok, result.findings
        assert result.checked == 20
    finally:
        await other.dispose()


async def test_the_hash_covers_the_plaintext_not_how_the_detail_is_stored(engine, uow_factory) -> None:
    await write(uow_factory, event(1))
    [(_, sequence, prev_hash, digest)] = await _rows(engine)
    assert entry_hash(prev_hash, sequence, event(1)) == digest  # recomputed from the event alone
    # The detail's keys in another order (JSONB reorders them) is the same entry.
    shuffled = event(1)
    reordered = type(shuffled)(**{**shuffled.__dict__, "detail": {"said": "naïve café ✓", "n": 1}})
    assert entry_hash(prev_hash, sequence, reordered) == digest


async def _tamper(engine: AsyncEngine, sql: str, **params: object) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(sql), params)


async def test_an_edited_entry_is_named(engine, uow_factory) -> None:
    await write(uow_factory, *(event(n) for n in range(1, 6)))
    rows = await _rows(engine)
    await _tamper(engine, "UPDATE audit_events SET actor = 'cli:mallory' WHERE sequence = 3")
    result = await verdict(uow_factory)
    assert [(f.kind, f.says.split(":")[0]) for f in result.findings] == [
        (Tampering.EDITED, f"row id {rows[2][0]} (sequence 3, report.noted)")
    ]


async def test_an_entry_edited_and_rehashed_is_named(engine, uow_factory) -> None:
    await write(uow_factory, *(event(n) for n in range(1, 6)))
    rows = await _rows(engine)
    forged = type(event(3))(**{**event(3).__dict__, "actor": "cli:mallory"})
    await _tamper(
        engine,
        "UPDATE audit_events SET actor = 'cli:mallory', hash = :h WHERE sequence = 3",
        h=entry_hash(rows[1][3], 3, forged),
    )
    result = await verdict(uow_factory)
    assert len(result.findings) == 1 and result.findings[0].kind is Tampering.EDITED
    assert f"row id {rows[2][0]} (sequence 3" in result.findings[0].says


async def test_a_deleted_entry_is_named_in_the_middle_and_at_the_end(engine, uow_factory) -> None:
    await write(uow_factory, *(event(n) for n in range(1, 6)))
    rows = await _rows(engine)
    await _tamper(engine, "DELETE FROM audit_events WHERE sequence IN (2, 5)")
    result = await verdict(uow_factory)
    assert [f.kind for f in result.findings] == [Tampering.DELETED, Tampering.DELETED]
    assert result.findings[0].says.startswith(f"sequence 2: deleted (after row id {rows[0][0]}")
    assert result.findings[1].says.startswith(f"sequence 5: deleted (after row id {rows[3][0]}, at the end")


async def test_an_inserted_entry_is_named_even_with_a_well_made_hash(engine, uow_factory) -> None:
    await write(uow_factory, *(event(n) for n in range(1, 4)))
    rows = await _rows(engine)
    fake = event(99)
    await _tamper(
        engine,
        "INSERT INTO audit_events (at, actor, platform, action, report_reference, detail, "
        "sequence, prev_hash, hash) "
        "VALUES (:at, :actor, 'cli', 'report.noted', 'TIP-AAAAAA', :detail, 4, :prev, :hash)",
        at=fake.at if on_postgres() else fake.at.strftime("%Y-%m-%d %H:%M:%S.%f"),
        actor=fake.actor,
        detail='{"n": 99, "said": "naïve café ✓"}',
        prev=rows[2][3],
        hash=entry_hash(rows[2][3], 4, fake),
    )
    result = await verdict(uow_factory)
    assert [f.kind for f in result.findings] == [Tampering.INSERTED]
    assert "(sequence 4, report.noted): inserted (past the end of the chain)" in result.findings[0].says


async def test_new_entries_chain_on_after_tampering_is_found(engine, uow_factory) -> None:
    """The writer never repairs the chain: what was found stays found."""
    await write(uow_factory, event(1), event(2))
    await _tamper(engine, "UPDATE audit_events SET action = 'report.viewed' WHERE sequence = 1")
    await write(uow_factory, event(3))
    result = await verdict(uow_factory)
    assert result.checked == 3 and [f.kind for f in result.findings] == [Tampering.EDITED]
