"""Linking one new report and `reports find` with 100,000 reports in the database.

The reports are generated (bench.campaigns.generator) and written with Core bulk inserts, sealed
and blind-indexed as in production (bench.keys): the reports table, their index entries (the
same normal forms the repository writes, by the same keyed hash) and the
campaigns their personas form. Then, one at a time: a new report about an existing persona is
stored, indexed, linked and committed, as a submitted report is; and an analyst's `reports
find` for a profile address, an email, a phone or a name, as typed, through the index. Beside
them, the peer: `reports find` as it was, reading every report and comparing each.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import resource
import statistics
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.campaigns.generator import (
    Labelled,
    Persona,
    make_personas,
    make_reports,
    report_contact,
    typed_name,
    typed_phone,
    typed_profile,
)
from bench.campaigns.quality import report_of
from bench.keys import BENCH_SEALER
from bot.campaigns import lookup
from bot.campaigns.linking import link_report
from bot.normalise import contact_indicators
from bot.report import REFERENCE_ALPHABET, Report
from storage.db import unit_of_work_factory
from storage.models import CampaignMemberRow, CampaignRow, ReportIndicatorRow, ReportRow
from storage.protection.fields import REPORT_DOCUMENT
from storage.repositories.reports import _columns

START = datetime(2025, 1, 1, tzinfo=UTC)
_CHUNK = 2000


@dataclass(frozen=True)
class Timing:
    what: str
    times_ms: list[float]
    timeouts: int

    @property
    def p50(self) -> float | None:
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self) -> float | None:
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.95) - 1)]


def _references(count: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        seen.add("TIP-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6)))
    return list(seen)


async def fill(engine: AsyncEngine, count: int, seed: int) -> list[Persona]:
    """`count` reports about generated personas, their index and their campaigns. The personas."""
    rng = random.Random(seed)
    personas = make_personas(max(1, count * 2 // 5), rng)
    labelled = make_reports(personas, rng)
    while len(labelled) < count:
        labelled += make_reports(personas, rng)
    labelled = labelled[:count]
    references = _references(count, rng)
    template = report_of(labelled[0], START).model_dump(mode="json")
    by_persona: dict[int, list[str]] = defaultdict(list)
    base = _columns(Report.model_validate(template), BENCH_SEALER)
    async with engine.begin() as conn:
        reports: list[dict[str, Any]] = []
        index: list[dict[str, Any]] = []
        for i, (item, reference) in enumerate(zip(labelled, references, strict=True)):
            at = START + timedelta(minutes=3 * i)
            document = {
                **template,
                "reference": reference,
                "contact": {**template["contact"], **item.contact},
            }
            document["created_at"] = document["updated_at"] = at.isoformat()
            sealed = BENCH_SEALER.seal_json(document, REPORT_DOCUMENT, reference)
            columns = {**base, "created_at": at, "updated_at": at, "document": sealed}
            reports.append({"reference": reference, **columns})
            contact = SimpleNamespace(**{**template["contact"], **item.contact})
            index += [
                {"report_reference": reference, "kind": kind, "key": BENCH_SEALER.index_key(kind, value)}
                for kind, value in contact_indicators(contact)
            ]
            by_persona[item.persona].append(reference)
            if len(reports) >= _CHUNK:
                await _flush(conn, reports, index)
        await _flush(conn, reports, index)
        await _campaigns(conn, by_persona)
    # The planner's statistics, as a database that grew to this size over time has them.
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")
    return personas


async def _flush(conn: Any, reports: list[dict[str, Any]], index: list[dict[str, Any]]) -> None:
    if reports:
        await conn.execute(insert(ReportRow), reports)
    for start in range(0, len(index), 5 * _CHUNK):
        await conn.execute(insert(ReportIndicatorRow), index[start : start + 5 * _CHUNK])
    reports.clear()
    index.clear()


async def _campaigns(conn: Any, by_persona: dict[int, list[str]]) -> None:
    """Each persona reported more than once is a campaign, as linking would mostly have made it."""
    grouped = [refs for refs in by_persona.values() if len(refs) > 1]
    campaigns = [
        {"id": n, "status": "open", "title": None, "decided": False, "created_at": START, "updated_at": START}
        for n in range(1, len(grouped) + 1)
    ]
    members = [
        {"report_reference": ref, "campaign_id": n, "added_by": "system", "added_at": START}
        for n, refs in enumerate(grouped, start=1)
        for ref in refs
    ]
    for start in range(0, len(campaigns), 5 * _CHUNK):
        await conn.execute(insert(CampaignRow), campaigns[start : start + 5 * _CHUNK])
    for start in range(0, len(members), 5 * _CHUNK):
        await conn.execute(insert(CampaignMemberRow), members[start : start + 5 * _CHUNK])
    if conn.dialect.name == "postgresql" and campaigns:
        await conn.exec_driver_sql(f"SELECT setval('campaigns_id_seq', {len(campaigns)})")


async def _timed(what: str, runs: list[Callable[[], Awaitable[object]]], limit_s: float) -> Timing:
    times: list[float] = []
    timeouts = 0
    for run in runs:
        start = time.perf_counter_ns()
        try:
            await asyncio.wait_for(run(), limit_s)
        except TimeoutError:
            timeouts += 1
            continue
        times.append((time.perf_counter_ns() - start) / 1e6)
    return Timing(what, times, timeouts)


def _queries(personas: list[Persona], rng: random.Random, count: int) -> list[str]:
    picked = rng.sample(personas, count)
    kinds = [typed_profile, lambda p, r: p.email, typed_phone, typed_name]
    return [kinds[i % len(kinds)](p, rng) for i, p in enumerate(picked)]


async def measure(
    engine: AsyncEngine, personas: list[Persona], runs: int, seed: int, limit_s: float
) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    uow_factory = unit_of_work_factory(engine, BENCH_SEALER)
    newcomers = [
        report_of(Labelled(p.id, report_contact(p, rng)), datetime.now(UTC))
        for p in rng.sample(personas, runs + 5)
    ]

    def saving(report: Report) -> Callable[[], Awaitable[object]]:
        async def save() -> None:
            async with uow_factory() as uow:
                await uow.reports.add(report)
                await link_report(uow, report, report.created_at)
                await uow.commit()

        return save

    def finding(text: str) -> Callable[[], Awaitable[object]]:
        async def find() -> object:
            async with uow_factory(readonly=True) as uow:
                return await lookup.find(uow, text)

        return find

    queries = _queries(personas, rng, runs)
    link = await _timed("link one new report", [saving(r) for r in newcomers[:-5]], limit_s)
    find = await _timed("reports find", [finding(q) for q in queries], limit_s)
    # Memory apart from the timings: tracing allocations slows everything down.
    tracemalloc.start()
    await _timed("memory", [saving(r) for r in newcomers[-5:]] + [finding(q) for q in queries[:5]], limit_s)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    async def scan() -> object:
        async with uow_factory(readonly=True) as uow:
            everything = await uow.reports.list()
        wanted = queries[0].lower()
        return [r for r in everything if any(wanted in u.lower() for u in r.contact.profile_urls)]

    # A run cut off by its time limit leaves a connection whose rollback was cancelled: the pool
    # says so at length, and that is the timeout already counted.
    logging.getLogger("sqlalchemy.pool").setLevel(logging.CRITICAL)
    peer = await _timed("reading every report (find before)", [scan], limit_s * 6)
    return {
        "link": link,
        "find": find,
        "peer": peer,
        "peak_mb": peak / 1e6,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
