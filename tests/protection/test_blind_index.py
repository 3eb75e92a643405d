"""The blind index at start-up: a database from before encryption, whose reports migration 0006
indexes in plain normal forms, comes up with every index entry keyed, and finding still works."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, insert, select

import app
from bot.campaigns import lookup
from bot.report import Contact
from bot.settings import load_settings
from storage.db import alembic_config, create_engine, unit_of_work_factory
from storage.models import ReportIndicatorRow, ReportRow, WatchlistIndicatorRow
from storage.repositories.reports import _columns
from tests.factories import make_report
from tests.keys import TEST_KEY_TEXT, TEST_SEALER


def _to_0005(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "0005")


async def test_plain_index_entries_are_keyed_at_start_and_still_found(tmp_path: Path, empty_database: str):
    old = make_report(
        contact=Contact(name_used="Amanda Qiu", profile_urls=["https://linkedin.com/in/amanda-q"])
    )
    engine = create_engine(empty_database)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to_0005)
            plain = {**_columns(old, TEST_SEALER), "document": old.model_dump(mode="json")}
            await conn.execute(insert(ReportRow).values(reference=old.reference, **plain))
        settings = load_settings(
            {"DATABASE_URL": empty_database, "TIPLINE_DATA_KEY": TEST_KEY_TEXT}, tmp_path
        )

        sealer = await app.open_protection(engine, settings)

        async with engine.connect() as conn:
            keys = list(await conn.scalars(select(ReportIndicatorRow.key)))
            keys += list(await conn.scalars(select(WatchlistIndicatorRow.value)))
        assert keys and all(k.startswith("bi1.") for k in keys), keys
        assert not any("amanda" in k for k in keys)
        async with unit_of_work_factory(engine, sealer)() as uow:
            [match] = await lookup.find(uow, "linkedin.com/in/amanda-q")
        assert match.reference == old.reference
    finally:
        await engine.dispose()
