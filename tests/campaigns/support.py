"""Reports arriving as the reporting service saves them: stored (and so indexed) and linked
into their campaign in one transaction (bot.report_submission does the same)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.campaigns.linking import Linked, link_report
from bot.ports import UnitOfWorkFactory
from bot.report import Contact, Report, Reporter
from tests.factories import CREATED_AT, make_report

_counter = iter(range(1, 10_000))


async def arrives(uow_factory: UnitOfWorkFactory, hours: int = 0, **contact: Any) -> Report:
    report, _ = await arrives_linked(uow_factory, hours, **contact)
    return report


async def arrives_linked(
    uow_factory: UnitOfWorkFactory, hours: int = 0, **contact: Any
) -> tuple[Report, Linked]:
    at = CREATED_AT + timedelta(hours=hours)
    who = Reporter(platform="slack", user_id=f"U{next(_counter):04d}")
    report = make_report(
        contact=Contact(**contact), created_at=at, updated_at=at, reporter=who, routed_to=["file"]
    )
    async with uow_factory() as uow:
        await uow.reports.add(report)
        linked = await link_report(uow, report, at)
        await uow.commit()
    return report, linked


async def campaigns_json(run) -> list[dict[str, Any]]:
    code, out, err = await run("campaigns", "list", "--format", "json")
    assert (code, err) == (0, ""), err
    listed: list[dict[str, Any]] = json.loads(out)
    return listed


def groups(listed: list[dict[str, Any]]) -> set[frozenset[str]]:
    """Which reports are together, whatever the order."""
    return {frozenset(c["references"]) for c in listed}
