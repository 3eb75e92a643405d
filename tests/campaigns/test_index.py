"""The indicator index: written with the report and on every update, through the one index key
the deployment gives (so a keyed, blind index holds none of the reporter's words), and filled
for existing reports by migration 0006."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.campaigns import lookup
from bot.normalise import Normalised
from bot.report import Contact
from storage.db import alembic_config, create_engine, unit_of_work_factory, upgrade_database
from storage.models import ReportIndicatorRow, ReportRow
from storage.protection.sealing import Sealer
from storage.repositories.reports import _columns
from tests.factories import make_report
from tests.keys import TEST_RING, TEST_SEALER

SECRET = b"test-only-index-secret".ljust(32, b".")
SEALER = Sealer(TEST_RING, SECRET)  # the data key's sealer, with an index key of its own
keyed = SEALER.index_key


async def index_rows(engine: AsyncEngine, reference: str) -> list[tuple[str, str]]:
    async with AsyncSession(engine) as session:
        rows = await session.execute(
            select(ReportIndicatorRow.kind, ReportIndicatorRow.key).where(
                ReportIndicatorRow.report_reference == reference
            )
        )
        return sorted((kind, key) for kind, key in rows)


CONTACT = Contact(
    name_used="Amanda Qiu",
    organisation="BR-YR Executive Search Ltd",
    profile_urls=["https://uk.linkedin.com/in/Amanda-Qiu/?trk=x"],
    emails=["Amanda@BRYR-Search.example", "amanda.q@gmail.com"],
    phones=["+44 20 7946 0000"],
    websites=["www.bryr-search.example/about", "https://linkedin.com/company/bryr"],
)


async def test_a_keyed_index_holds_only_keys_and_finds_by_them(engine):
    uow_factory = unit_of_work_factory(engine, SEALER)
    report = make_report(contact=CONTACT)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()

    rows = await index_rows(engine, report.reference)

    assert {kind for kind, _ in rows} == {
        "profile", "email", "domain", "phone", "website", "name", "organisation", "name+organisation", "word",
    }  # fmt: skip
    assert ("profile", keyed("profile", "https://www.linkedin.com/in/amanda-qiu")) in rows
    assert ("domain", keyed("domain", "bryr-search.example")) in rows
    assert not any(k == keyed("domain", "gmail.com") for _, k in rows)  # free mail says nothing
    for _, key in rows:
        assert len(key) == 68 and not any(word in key for word in ("amanda", "qiu", "bryr", "linkedin"))
    async with uow_factory() as uow:
        found = await lookup.find(uow, "linkedin.com/in/AMANDA-QIU/details/")
        by_words = await lookup.find(uow, "Qiu")
    assert [m.reference for m in found] == [report.reference]
    assert [m.reference for m in by_words] == [report.reference]


async def test_an_update_rewrites_the_reports_entries(engine, uow_factory):
    report = make_report(contact=CONTACT)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    changed = report.model_copy(update={"contact": Contact(phones=["020 7946 0999"]), "revision": 2})
    async with uow_factory() as uow:
        await uow.reports.update(changed)
        await uow.commit()

    assert await index_rows(engine, report.reference) == [
        ("phone", TEST_SEALER.index_key("phone", "+442079460999"))
    ]
    async with uow_factory() as uow:
        assert (
            await uow.reports.indexed([Normalised("profile", "https://www.linkedin.com/in/amanda-qiu")]) == {}
        )


def _to_0005(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "0005")


async def test_migration_0006_indexes_the_reports_already_there(empty_database):
    engine = create_engine(empty_database)
    old = make_report(contact=CONTACT)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to_0005)
            # As Tipline left it before encryption: the plain document.
            plain = {**_columns(old, SEALER), "document": old.model_dump(mode="json")}
            await conn.execute(insert(ReportRow).values(reference=old.reference, **plain))

        await upgrade_database(engine, keyed, "GB")

        rows = await index_rows(engine, old.reference)
        assert ("phone", keyed("phone", "+442079460000")) in rows
        assert ("name", keyed("name", "amanda qiu")) in rows
        async with unit_of_work_factory(engine, SEALER)() as uow:
            [match] = await lookup.find(uow, "020 7946 0000")
        assert match.reference == old.reference
    finally:
        await engine.dispose()


async def test_reports_from_before_campaigns_are_linked_once_asked(uow_factory, run):
    """Stored without linking (as reports from before the upgrade are), linked on request."""
    a, b = make_report(contact=CONTACT), make_report(contact=Contact(phones=["020 7946 0000"]))
    async with uow_factory() as uow:
        await uow.reports.add(a)
        await uow.reports.add(b)
        await uow.commit()
    assert (await run("campaigns", "list"))[1].startswith("No campaigns yet")

    assert (await run("campaigns", "link-earlier"))[1] == "2 earlier reports joined a campaign.\n"
    assert (await run("campaigns", "link-earlier"))[1] == "0 earlier reports joined a campaign.\n"
    _, out, _ = await run("campaigns", "list")
    assert "Amanda Qiu / BR-YR Executive Search Ltd" in out
