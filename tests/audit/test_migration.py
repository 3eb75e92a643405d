"""Migration 0007 chains the audit entries written before it, in the order they were written."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, text

from storage.db import alembic_config, create_engine, unit_of_work_factory, upgrade_database
from tests.audit.support import event, verdict, write
from tests.conftest import on_postgres
from tests.factories import CREATED_AT
from tests.keys import TEST_SEALER


def _to(revision: str):
    def migrate(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    return migrate


async def test_existing_entries_are_chained_and_new_ones_follow(empty_database: str) -> None:
    engine = create_engine(empty_database)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to("0005"))
        async with engine.begin() as conn:
            for n, actor in enumerate(["slack:U1", "cli:alice", "system"]):
                at = CREATED_AT.replace(minute=n)
                await conn.execute(
                    text(
                        "INSERT INTO audit_events (at, actor, platform, action, report_reference, detail) "
                        "VALUES (:at, :actor, 'cli', 'report.acknowledged', 'TIP-AAAAAA', :detail)"
                    ),
                    {
                        "at": at if on_postgres() else at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                        "actor": actor,
                        "detail": '{"b": 1, "a": "ü"}',
                    },
                )
        await upgrade_database(engine)
        factory = unit_of_work_factory(engine, TEST_SEALER)
        before = await verdict(factory)
        assert before.ok, before.findings
        assert before.checked == 3 and before.head.sequence == 3
        await write(factory, event(10))
        after = await verdict(factory)
        assert after.ok and after.checked == 4
        async with factory(readonly=True) as uow:
            actors = [e.actor for e in await uow.audit.for_report("TIP-AAAAAA")]
        assert actors == ["slack:U1", "cli:alice", "system", "cli:alice"]
    finally:
        await engine.dispose()
