"""Group commit on SQLite: N reporters typing at once, their turns' saves sharing commits.

    python -m bench.group_commit                   1, 10 and 100 concurrent reporters
    python -m bench.group_commit --reporters 1,10

Each reporter runs the scripted full report (START, every answer, "send") straight through
ReportingService, one turn after the other, all reporters at once; the same run, the same
machine, three ways, alternating:

  unit of work     every turn through the unit of work (the ORM session over aiosqlite), as
                   before issue 9
  store, 1/commit  the ordinary turn through the conversation store, one commit per save
  store, grouped   the same, saves that arrive together sharing one commit (what app.py runs)

Reported per concurrency: turns/s, turn p50/p99, and saves per commit. The aim (issue 9):
grouped commits raise throughput under concurrency and cost nothing alone, so at 100 reporters
grouped turns/s should be at least the 1/commit figure, and at 1 reporter within 10% of it.
A turn that fails or takes longer than --turn-timeout is counted, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.keys import BENCH_SEALER
from bench.report import percentile
from bench.tipline_side import ANSWERS
from bot.conversation import ConversationKey
from bot.flow_files import load_flow
from bot.report import Reporter
from bot.service import ReportingService
from flows.actions import Command, CommandName, TextAnswer
from flows.engine import Engine
from storage.conversation_store import SqliteConversationStore
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.write_gate import write_gate

WAYS = ("unit of work", "store, 1/commit", "store, grouped")


@dataclass
class Figures:
    turns_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    saves: int = 0
    commits: int = 0
    timed_out: int = 0
    failed: int = 0

    @property
    def turns_per_s(self) -> float:
        return len(self.turns_ms) / self.seconds if self.seconds else 0.0


def utc_now() -> datetime:
    return datetime.now(UTC)


async def one_way(way: str, folder: Path, reporters: int, tag: str, limit_s: float) -> Figures:
    database = create_engine(f"sqlite:///{folder / f'{tag}.db'}")
    await upgrade_database(database)
    store = None
    if way != "unit of work":
        assert database.url.database is not None
        batch = 1 if way == "store, 1/commit" else 256
        store = SqliteConversationStore(
            database.url.database, database.dialect, BENCH_SEALER, write_gate(database), batch
        )
    service = ReportingService(
        Engine(load_flow()),
        unit_of_work_factory(database, BENCH_SEALER),
        utc_now,
        route=lambda report: ["file"],
        conversations=store,
    )
    figures = Figures()

    async def reporter(n: int) -> None:
        key = ConversationKey("bench", "w", f"{tag}-{n}")
        who = Reporter(platform="bench", user_id=key.user_id, workspace="w")
        actions = [Command(CommandName.START), *(TextAnswer(a) for a in ANSWERS)]
        for action in actions:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(limit_s):
                    await service.handle(key, who, action)
            except TimeoutError:
                figures.timed_out += 1
                figures.turns_ms.append(limit_s * 1000)
                return
            except Exception:
                figures.failed += 1
                return
            figures.turns_ms.append((time.perf_counter() - started) * 1000)

    try:
        began = time.perf_counter()
        await asyncio.gather(*(reporter(n) for n in range(reporters)))
        figures.seconds = time.perf_counter() - began
        if store is not None:
            figures.saves, figures.commits = store.saves, store.batches
    finally:
        if store is not None:
            await store.close()
        await database.dispose()
    return figures


def ms(samples: Sequence[float], q: float) -> str:
    return f"{percentile(sorted(samples), q):.1f}" if samples else "-"


async def main_async(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="tipline-group-commit-"))
    verdicts: list[bool] = []
    try:
        print(f"Group commit on SQLite: {len(ANSWERS) + 1} turns per reporter, {args.rounds} rounds per way")
        header = f"{'reporters':>9} {'':18} {'turns/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'saves/commit':>13}"
        print(header)
        print("-" * len(header))
        for reporters in args.reporters:
            results = {way: Figures() for way in WAYS}
            for round_ in range(args.rounds):
                order = WAYS if round_ % 2 == 0 else WAYS[::-1]
                for way in order:
                    tag = f"r{reporters}-{round_}-{WAYS.index(way)}"
                    got = await one_way(way, folder, reporters, tag, args.turn_timeout)
                    total = results[way]
                    total.turns_ms += got.turns_ms
                    total.seconds += got.seconds
                    total.saves += got.saves
                    total.commits += got.commits
                    total.timed_out += got.timed_out
                    total.failed += got.failed
            for way in WAYS:
                f = results[way]
                per_commit = f"{f.saves / f.commits:.2f}" if f.commits else "-"
                trouble = f"  ({f.timed_out} timed out, {f.failed} failed)" if f.timed_out or f.failed else ""
                print(
                    f"{reporters:9d} {way:18} {f.turns_per_s:8.0f} {ms(f.turns_ms, 50):>8} "
                    f"{ms(f.turns_ms, 99):>8} {per_commit:>13}{trouble}"
                )
            grouped, single = results["store, grouped"], results["store, 1/commit"]
            ratio = grouped.turns_per_s / single.turns_per_s if single.turns_per_s else 0.0
            aim = 0.9 if reporters == 1 else 1.0
            met = ratio >= aim
            verdicts.append(met)
            print(
                f"{'':9} grouped / 1-per-commit turns/s {ratio:.2f}   aim >= {aim:.1f}   "
                f"{'MET' if met else 'MISSED'}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--reporters", default="1,10,100", help="concurrencies, comma-separated")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--turn-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    try:
        args.reporters = [int(n) for n in args.reporters.split(",")]
    except ValueError:
        parser.error("--reporters: comma-separated whole numbers, e.g. 1,10,100")
    if not all(1 <= n <= 1000 for n in args.reporters) or not 1 <= args.rounds <= 10:
        parser.error("--reporters must each be 1..1000 and --rounds 1..10")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
