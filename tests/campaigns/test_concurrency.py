"""Reports about one persona arriving at the same moment, each saved and linked in its own
transaction on its own connection: they end in one campaign holding all of them, never one
campaign each or a campaign of one left behind (on PostgreSQL the transactions really overlap;
on SQLite they queue for the write lock)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.campaigns.linking import link_report
from bot.report import Contact, Reporter
from tests.campaigns.support import arrives, campaigns_json, groups
from tests.factories import CREATED_AT, make_report

AMANDA = "https://www.linkedin.com/in/amanda-qiu-4b1a"
# The same profile as staff type it: every one links to every other by it alone.
TYPED = [
    AMANDA,
    "uk.linkedin.com/in/Amanda-Qiu-4B1A/details/experience/",
    "https://m.linkedin.com/in/amanda-qiu-4b1a?originalSubdomain=cn",
    "http://www.linkedin.com/in/amanda-qiu-4b1a/",
]
AT_ONCE = 12


async def test_reports_about_one_persona_linked_at_once_end_in_one_campaign(uow_factory, run):
    first = await arrives(uow_factory, 0, name_used="Amanda Qiu", profile_urls=[AMANDA])
    at = CREATED_AT + timedelta(hours=1)
    reports = [
        make_report(
            contact=Contact(name_used="Amanda Qiu", profile_urls=[TYPED[i % len(TYPED)]]),
            created_at=at,
            updated_at=at,
            reporter=Reporter(platform="slack", user_id=f"UAT{i:02d}"),
            routed_to=["file"],
        )
        for i in range(AT_ONCE)
    ]
    started = asyncio.Event()

    async def arrive(report) -> None:
        async with uow_factory() as uow:
            await uow.reports.add(report)
            await started.wait()  # every report stored, none committed, before any links
            await link_report(uow, report, at)
            await uow.commit()

    tasks = [asyncio.create_task(arrive(r)) for r in reports]
    await asyncio.sleep(0.2)
    started.set()
    await asyncio.gather(*tasks)

    listed = await campaigns_json(run)
    assert groups(listed) == {frozenset([first.reference, *(r.reference for r in reports)])}


async def test_reports_about_one_persona_arriving_together_with_no_earlier_one_still_link(uow_factory, run):
    at = CREATED_AT
    reports = [
        make_report(
            contact=Contact(profile_urls=[TYPED[i % len(TYPED)]]),
            created_at=at,
            updated_at=at,
            reporter=Reporter(platform="slack", user_id=f"UTG{i:02d}"),
            routed_to=["file"],
        )
        for i in range(AT_ONCE)
    ]

    async def arrive(report) -> None:
        async with uow_factory() as uow:
            await uow.reports.add(report)
            await link_report(uow, report, at)
            await uow.commit()

    await asyncio.gather(*(arrive(r) for r in reports))

    listed = await campaigns_json(run)
    assert groups(listed) == {frozenset(r.reference for r in reports)}
