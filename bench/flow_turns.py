"""Conversation turns per second: Tipline (durable SQLite) against botbuilder-dialogs (in memory).

    python -m bench.flow_turns                  the comparison (what `make bench` runs)
    python -m bench.flow_turns --profile        then where a Tipline turn's time goes

Both sides run the same scripted full report (tests/flows/helpers.py FULL, then "send"),
one conversation at a time, in the same process and run, in alternating rounds so that
drift on the machine hits both alike. Each turn is timed with perf_counter_ns around the
call that handles it; turns/s is turns over the wall time of the conversation loops.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import platform
import sqlite3
import sys
import tracemalloc
from collections.abc import Sequence
from importlib.metadata import version
from typing import Protocol

from bench.report import Conversation, kib, print_ratio, print_table, summarise
from bench.tipline_side import ShapeStep, TiplineSide, flow_shape

AIM = 0.5  # Tipline's durable turn at most half the cost of botbuilder's in-memory turn


class Side(Protocol):
    name: str

    async def conversation(self) -> Conversation: ...


def describe(shape: tuple[ShapeStep, ...]) -> str:
    kinds = [s.kind for s in shape]
    return (
        f"{len(shape)} prompts ({kinds.count('choice')} choice, {kinds.count('text')} text, "
        f"{kinds.count('summary')} summary/send) -> {len(shape) + 1} turns per conversation"
    )


async def measure(
    sides: Sequence[Side], conversations: int, warmup: int, rounds: int
) -> dict[str, list[Conversation]]:
    for side in sides:
        for _ in range(warmup):
            await side.conversation()
    results: dict[str, list[Conversation]] = {side.name: [] for side in sides}
    done = 0
    for r in range(rounds):
        n = (conversations - done) // (rounds - r)
        for side in sides if r % 2 == 0 else list(reversed(sides)):
            gc.collect()
            for _ in range(n):
                results[side.name].append(await side.conversation())
        done += n
    return results


async def peak_memory(side: Side, conversations: int) -> tuple[int, int]:
    """(peak, still held) Python-heap bytes over `conversations` after one untraced warm-up."""
    await side.conversation()
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(conversations):
            await side.conversation()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, current


async def main_async(args: argparse.Namespace) -> int:
    try:
        from bench.botbuilder_side import BotbuilderSide
    except ImportError as exc:
        # botbuilder-core imports aiohttp (through msrest) without declaring it.
        print(
            f"bench: cannot import botbuilder ({exc}); install botbuilder-dialogs and aiohttp",
            file=sys.stderr,
        )
        return 2
    shape = flow_shape()
    print("Tipline vs botbuilder-dialogs: one scripted full report per conversation")
    print(f"  shape: {describe(shape)}")
    print(
        f"  python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, "
        f"botbuilder-dialogs {version('botbuilder-dialogs')}, {os.cpu_count()} CPUs"
    )
    async with TiplineSide(shape) as tipline:
        botbuilder = BotbuilderSide(shape)
        print(f"  Tipline storage: SQLite file in a temp dir, {tipline.sqlite_settings}, a commit per turn")
        print(
            f"  {args.warmup} warm-up + {args.conversations} measured conversations per side, "
            f"in {args.rounds} alternating rounds"
        )
        print()
        results = await measure((tipline, botbuilder), args.conversations, args.warmup, args.rounds)
    ours = summarise(tipline.name, results[tipline.name])
    theirs = summarise(botbuilder.name, results[botbuilder.name])
    print_table([ours, theirs])
    met = print_ratio(ours, theirs, AIM)

    if args.memory:
        print()
        print(
            f"Peak memory over {args.memory} conversations "
            "(tracemalloc: Python heap only; SQLite's own cache is not traced)"
        )
        async with TiplineSide(shape) as fresh_tipline:
            tip_peak, tip_held = await peak_memory(fresh_tipline, args.memory)
        bb_peak, bb_held = await peak_memory(BotbuilderSide(shape), args.memory)
        print(f"  {tipline.name:34} peak {kib(tip_peak):>11}, held after {kib(tip_held):>11}")
        print(f"  {botbuilder.name:34} peak {kib(bb_peak):>11}, held after {kib(bb_held):>11}")

    if args.profile:
        from bench.tipline_profile import profile_tipline

        print()
        await profile_tipline(shape, args.profile)
    # The bench reports; it does not fail the build when the aim is missed.
    return 0 if met or not args.strict else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.flow_turns", description="Tipline vs botbuilder-dialogs: turns per second"
    )
    parser.add_argument("--conversations", type=int, default=50, help="measured conversations per side")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured conversations per side first")
    parser.add_argument("--rounds", type=int, default=5, help="alternate the sides this many times")
    parser.add_argument(
        "--memory", type=int, default=5, help="conversations in the tracemalloc pass (0: skip)"
    )
    parser.add_argument(
        "--profile", type=int, nargs="?", const=20, default=0, help="profile N Tipline conversations"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when the aim is missed")
    args = parser.parse_args(argv)
    if args.conversations < 1 or args.rounds < 1 or args.rounds > args.conversations:
        parser.error("need conversations >= rounds >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # the service logs each report at INFO
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
