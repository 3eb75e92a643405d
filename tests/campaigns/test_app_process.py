"""The real `app.py` in a subprocess: reports exported from one Tipline with `reports export
--format json` are imported into another, where they form their campaign, and a second import
adds nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from bot.report import Contact
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from tests.e2e.console import app_env, run_app
from tests.factories import CREATED_AT, make_report
from tests.keys import TEST_SEALER

AMANDA = "https://www.linkedin.com/in/amanda-qiu-4b1a"


async def _seed(database: str, reports) -> None:
    engine = create_engine(database)
    try:
        await upgrade_database(engine)
        async with unit_of_work_factory(engine, TEST_SEALER)() as uow:
            for report in reports:
                await uow.reports.add(report)
            await uow.commit()
    finally:
        await engine.dispose()


def test_export_from_one_tipline_import_into_another_and_see_the_campaign(tmp_path):
    reports = [
        make_report(contact=Contact(name_used="Amanda Qiu", organisation="BR-YR Executive Search")),
        make_report(
            contact=Contact(name_used="QIU Amanda", organisation="BRYR Exec Search Ltd"),
            created_at=CREATED_AT + timedelta(days=2),
        ),
        make_report(contact=Contact(profile_urls=[AMANDA])),
    ]
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    asyncio.run(_seed(f"sqlite+aiosqlite:///{old}", reports))
    old_env = app_env(tmp_path, f"sqlite+aiosqlite:///{old}")
    new_env = app_env(tmp_path, f"sqlite+aiosqlite:///{new}")

    exported = run_app(tmp_path, old_env, "reports", "export", "--format", "json", "--output", "all.json")
    assert exported.returncode == 0, exported.stderr
    first = run_app(tmp_path, new_env, "reports", "import", "all.json", timeout=120)
    again = run_app(tmp_path, new_env, "reports", "import", "all.json", timeout=120)
    listed = run_app(tmp_path, new_env, "campaigns", "list", "--format", "json")

    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Imported 3 reports. 2 of them are in campaigns")
    assert "no reporter was messaged" in first.stdout
    assert again.stdout.startswith("Imported 0 reports; 3 already here")
    [campaign] = json.loads(listed.stdout)
    assert set(campaign["references"]) == {reports[0].reference, reports[1].reference}
    assert campaign["title"] == "Amanda Qiu / BR-YR Executive Search"  # as the first report has it
    assert not (tmp_path / "inbox.jsonl").exists()  # nothing was delivered
