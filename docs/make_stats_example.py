"""Draws docs/images/stats.png: `reports stats --png` on a realistic seeded database.

Twelve weeks of reports into a throwaway SQLite database, through the real storage: a steady
trickle of LinkedIn recruiters, a cover-company "insight work" campaign by email that peaks in
weeks 6-8, trip invitations around a conference, a few offers of cash or crypto; staff's contact
checks rising as the campaign is talked about; most reports acknowledged within hours, closed
within days. Run: `.venv/bin/python docs/make_stats_example.py`.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.report import (  # noqa: E402 - after the path is set
    ApproachKind,
    Channel,
    Outcome,
    Report,
    Reporter,
    Status,
    new_reference,
)
from bot.statistics.chart import render_png  # noqa: E402
from bot.statistics.service import gather  # noqa: E402
from storage.db import create_engine, unit_of_work_factory, upgrade_database  # noqa: E402
from storage.protection.keys import KeyRing, data_key  # noqa: E402
from storage.protection.sealing import Sealer  # noqa: E402

NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # a Wednesday: the last week is partial
WEEKS = 12
OUT = ROOT / "docs" / "images" / "stats.png"

# (kinds, channel, weight per week by week number 0..11)
PATTERNS: list[tuple[list[ApproachKind], Channel, list[int]]] = [
    ([ApproachKind.RECRUITER], Channel.LINKEDIN, [2, 3, 2, 3, 2, 3, 3, 2, 3, 2, 3, 1]),
    (
        [ApproachKind.RECRUITER, ApproachKind.CONSULTANCY],
        Channel.LINKEDIN,
        [0, 0, 1, 1, 2, 4, 6, 5, 3, 2, 1, 1],
    ),
    (
        [ApproachKind.CONSULTANCY, ApproachKind.PAYMENT_OFFER],
        Channel.EMAIL,
        [0, 0, 0, 1, 1, 3, 4, 4, 2, 1, 1, 0],
    ),
    ([ApproachKind.TRIP_OR_EVENT], Channel.EMAIL, [0, 1, 0, 0, 0, 0, 1, 2, 3, 1, 0, 0]),
    ([ApproachKind.JOB_ADVERT], Channel.RECRUITMENT_SITE, [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]),
    ([ApproachKind.INFORMATION_REQUEST], Channel.PHONE_OR_MESSAGING, [0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0]),
    ([ApproachKind.ACADEMIC], Channel.EMAIL, [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
    (
        [ApproachKind.IN_PERSON, ApproachKind.PAYMENT_OFFER],
        Channel.IN_PERSON,
        [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
    ),
]
CHECKS_PER_WEEK = [1, 1, 2, 1, 3, 5, 9, 8, 6, 4, 3, 1]
OUTCOMES = [Outcome.BENIGN, Outcome.LIKELY_HOSTILE, Outcome.CONFIRMED_HOSTILE, Outcome.NOT_ENOUGH_INFORMATION]


def _reports(rng: random.Random) -> list[Report]:
    first_monday = (NOW - timedelta(days=NOW.weekday(), weeks=WEEKS - 1)).replace(hour=0, minute=0)
    made = []
    for kinds, channel, per_week in PATTERNS:
        for week, count in enumerate(per_week):
            for _ in range(count):
                created = first_monday + timedelta(
                    weeks=week, days=rng.randrange(5), hours=rng.uniform(8, 18)
                )
                if created > NOW - timedelta(hours=1):
                    continue
                made.append(_report(rng, created, kinds, channel))
    return made


def _report(rng: random.Random, created: datetime, kinds: list[ApproachKind], channel: Channel) -> Report:
    acknowledged = created + timedelta(hours=rng.lognormvariate(1.0, 0.9))
    closed = created + timedelta(hours=rng.lognormvariate(3.9, 0.6))
    done = closed < NOW and rng.random() < 0.85
    seen = acknowledged < NOW
    return Report(
        reference=new_reference(),
        created_at=created,
        updated_at=closed if done else acknowledged if seen else created,
        reporter=Reporter(
            platform=rng.choice(["slack", "slack", "teams"]), user_id=f"U{rng.randrange(10**6)}"
        ),
        what_happened="(seeded for the example chart)",
        approach_kinds=kinds,
        channel=channel,
        status=Status.CLOSED if done else Status.ACKNOWLEDGED if seen else Status.NEW,
        acknowledged_at=acknowledged if seen else None,
        closed_at=closed if done else None,
        outcome=rng.choice(OUTCOMES) if done else None,
    )


async def main() -> None:
    rng = random.Random(20261125)
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(scratch) / 'example.db'}")
        try:
            await upgrade_database(engine)
            # A throwaway key: the example database lives only as long as this script.
            uow_factory = unit_of_work_factory(
                engine, Sealer(KeyRing((data_key(os.urandom(32)),), "example"), os.urandom(32))
            )
            async with uow_factory() as uow:
                for report in _reports(rng):
                    await uow.reports.add(report)
                first_monday = NOW - timedelta(days=NOW.weekday(), weeks=WEEKS - 1)
                for week, count in enumerate(CHECKS_PER_WEEK):
                    for _ in range(count):
                        moment = first_monday + timedelta(weeks=week, days=rng.randrange(5), hours=10)
                        if moment < NOW:
                            outcome = rng.choice(["questionnaire", "questionnaire", "reported", "named"])
                            await uow.watchlist.record_check(f"slack:U{week}", outcome, moment)
                await uow.commit()
            stats = await gather(uow_factory, NOW)
        finally:
            await engine.dispose()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(render_png(stats))
    print(
        f"{OUT.relative_to(ROOT)}: {stats.reports} reports, {stats.checks} checks, {len(stats.weeks)} weeks"
    )


if __name__ == "__main__":
    asyncio.run(main())
