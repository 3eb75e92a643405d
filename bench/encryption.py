"""What encryption at rest adds to a turn: the same Tipline, same run, sealing on and off.

    python -m bench.encryption          (part of `make bench`)

Both sides are the real reporting service over a durable SQLite file (as bench.flow_turns
runs it), one scripted full report per conversation, in alternating rounds. "On" seals the
conversation state, the report and its deliveries with AES-256-GCM under a data key (as
production does); "off" stores the same values as plain JSON (bench.keys.PlainSealer, which
exists only here). Aim: a turn costs under 10% more with encryption on.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence

from cryptography import __version__ as cryptography_version

from bench.flow_turns import describe
from bench.keys import BENCH_SEALER, PLAIN_SEALER
from bench.report import Conversation, print_table, summarise
from bench.tipline_side import ShapeStep, TiplineSide, flow_shape

AIM = 0.10  # at most 10% more per turn (on the mean)
ON, OFF = "Tipline, encryption on", "Tipline, encryption off"


async def measure_alone(
    shape: tuple[ShapeStep, ...], conversations: int, warmup: int, rounds: int
) -> dict[str, list[Conversation]]:
    """Each side measured on its own (a fresh database, only one side open at a time), in
    alternating rounds: two sides open together measured the first one slower, whichever it was."""
    sides = ((BENCH_SEALER, ON), (PLAIN_SEALER, OFF))
    results: dict[str, list[Conversation]] = {ON: [], OFF: []}
    done = 0
    for r in range(rounds):
        n = (conversations - done) // (rounds - r)
        for sealer, name in sides if r % 2 == 0 else reversed(sides):
            async with TiplineSide(shape, sealer, name) as side:
                for _ in range(warmup):
                    await side.conversation()
                gc.collect()
                results[name] += [await side.conversation() for _ in range(n)]
        done += n
    return results


async def main_async(args: argparse.Namespace) -> int:
    shape = flow_shape()
    print("Encryption at rest: Tipline's turn with sealing on, against the same turn with it off")
    print(f"  shape: {describe(shape)}; cryptography {cryptography_version} (AES-256-GCM)")
    print(
        f"  {args.conversations} measured conversations per side ({args.warmup} warm-up each round), "
        f"in {args.rounds} alternating rounds, one process"
    )
    print()
    try:
        results = await asyncio.wait_for(
            measure_alone(shape, args.conversations, args.warmup, args.rounds), args.timeout
        )
    except TimeoutError:
        print(f"  timed out after {args.timeout:.0f} s: no figure (MISSED)")
        return 0
    with_sealing, without = summarise(ON, results[ON]), summarise(OFF, results[OFF])
    print_table([with_sealing, without])
    added = with_sealing.mean_us / without.mean_us - 1
    p50 = with_sealing.p50_us / without.p50_us - 1
    met = added <= AIM
    print()
    print(f"Encryption adds {added:+.1%} to a turn on the mean ({p50:+.1%} on the median)")
    print(f"  aim: under {AIM:.0%} on the mean -> {'MET' if met else 'MISSED'}")
    return 0 if met or not args.strict else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.encryption", description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=60, help="measured conversations per side")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured conversations per side and round")
    parser.add_argument("--rounds", type=int, default=6, help="alternate the sides this many times")
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
