"""What encryption at rest adds to a turn: the same Tipline, same run, sealing on and off.

    python -m bench.encryption          (part of `make bench`)

Both sides are the real reporting service over a durable SQLite file (as bench.flow_turns
runs it), one scripted full report per conversation, in many short rounds with both sides open
and their conversations interleaved one by one. "On" seals the
conversation state, the report and its deliveries with AES-256-GCM under a data key (as
production does); "off" stores the same values as plain JSON (bench.keys.PlainSealer, which
exists only here). Aim: a turn costs under 10% more with encryption on, on the mean and on the
median. Each figure is the median of the rounds' own on/off ratios: a burst of load from another
user of a shared machine lands on both sides of one round alike, and moves one ratio of many
rather than one side's whole run. The pooled figures are printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import __version__ as cryptography_version

from bench.flow_turns import describe
from bench.keys import BENCH_SEALER, PLAIN_SEALER
from bench.report import Conversation, Stats, print_table, summarise
from bench.tipline_side import ShapeStep, TiplineSide, flow_shape

AIM = 0.10  # at most 10% more per turn, on the mean and on the median
ON, OFF = "Tipline, encryption on", "Tipline, encryption off"


@dataclass(frozen=True)
class Round:
    """One round: both sides measured together, so what else the machine was doing then weighed
    on both; its ratios are on/off - 1."""

    on_turns: list[Conversation]
    off_turns: list[Conversation]

    @property
    def on(self) -> Stats:
        return summarise(ON, self.on_turns)

    @property
    def off(self) -> Stats:
        return summarise(OFF, self.off_turns)

    @property
    def mean_added(self) -> float:
        return self.on.mean_us / self.off.mean_us - 1

    @property
    def median_added(self) -> float:
        return self.on.p50_us / self.off.p50_us - 1


async def measure_rounds(
    shape: tuple[ShapeStep, ...], conversations: int, warmup: int, rounds: int
) -> list[Round]:
    """Both sides open in each round (a fresh database each), their conversations interleaved one
    by one, so a burst of load from another user of the machine lands on both sides alike. Which
    side opens first and which goes first in each pair alternate: with both open, the side opened
    first measured slower, whichever it was."""
    sides = ((BENCH_SEALER, ON), (PLAIN_SEALER, OFF))
    measured: list[Round] = []
    done = 0
    for r in range(rounds):
        n = (conversations - done) // (rounds - r)
        results: dict[str, list[Conversation]] = {ON: [], OFF: []}
        order = sides if r % 2 == 0 else tuple(reversed(sides))
        async with (
            TiplineSide(shape, order[0][0], order[0][1]) as first,
            TiplineSide(shape, order[1][0], order[1][1]) as second,
        ):
            for _ in range(warmup):
                await first.conversation()
                await second.conversation()
            gc.collect()
            for i in range(n):
                for side in (first, second) if i % 2 == 0 else (second, first):
                    results[side.name].append(await side.conversation())
        measured.append(Round(results[ON], results[OFF]))
        done += n
    return measured


def pooled(rounds: Sequence[Round], name: str) -> Stats:
    """Every turn of one side over all rounds, as one table row."""
    return summarise(name, [c for r in rounds for c in (r.on_turns if name == ON else r.off_turns)])


def verdict(what: str, added: float) -> bool:
    met = added <= AIM
    print(f"  aim: under {AIM:.0%} on the {what} -> {'MET' if met else 'MISSED'}")
    return met


async def main_async(args: argparse.Namespace) -> int:
    shape = flow_shape()
    print("Encryption at rest: Tipline's turn with sealing on, against the same turn with it off")
    print(f"  shape: {describe(shape)}; cryptography {cryptography_version} (AES-256-GCM)")
    print(
        f"  {args.conversations} measured conversations per side ({args.warmup} warm-up each round), "
        f"in {args.rounds} rounds of both sides interleaved (order alternating), one process"
    )
    print()
    try:
        rounds = await asyncio.wait_for(
            measure_rounds(shape, args.conversations, args.warmup, args.rounds), args.timeout
        )
    except TimeoutError:
        print(f"  timed out after {args.timeout:.0f} s: no figure (MISSED)")
        return 0
    with_sealing, without = pooled(rounds, ON), pooled(rounds, OFF)
    print_table([with_sealing, without])
    print()
    print("Per round, what encryption adds (mean turn / median turn):")
    print("  " + ", ".join(f"{r.mean_added:+.0%}/{r.median_added:+.0%}" for r in rounds))
    mean_added = statistics.median(r.mean_added for r in rounds)
    median_added = statistics.median(r.median_added for r in rounds)
    print()
    print(
        f"Encryption adds {mean_added:+.1%} to a turn on the mean and {median_added:+.1%} on the median "
        f"(the median of the {len(rounds)} rounds' ratios)"
    )
    print(
        f"  all rounds pooled: {with_sealing.mean_us / without.mean_us - 1:+.1%} on the mean, "
        f"{with_sealing.p50_us / without.p50_us - 1:+.1%} on the median (load on the machine weighs on these)"
    )
    met = verdict("mean", mean_added) & verdict("median", median_added)
    return 0 if met or not args.strict else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.encryption", description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=96, help="measured conversations per side")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured conversations per side and round")
    parser.add_argument("--rounds", type=int, default=16, help="rounds of both sides, interleaved")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before giving up (a figure)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the aim is missed")
    args = parser.parse_args(argv)
    if args.conversations < 1 or args.rounds < 1 or args.rounds > args.conversations:
        parser.error("need conversations >= rounds >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
