"""Per-turn timings in, a small table out. No I/O beyond print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Conversation:
    """One scripted conversation: the time of each turn, and of the whole loop that drove them."""

    turn_ns: tuple[int, ...]
    wall_ns: int


@dataclass(frozen=True)
class Stats:
    name: str
    conversations: int
    turns: int
    wall_ns: int
    mean_us: float
    p50_us: float
    p99_us: float
    max_us: float

    @property
    def turns_per_s(self) -> float:
        # Throughput of one sequential driver: turns over the wall time of the conversation loops.
        return self.turns / (self.wall_ns / 1e9)


def percentile(sorted_ns: Sequence[int], q: float) -> int:
    """Nearest-rank percentile of an ascending sequence (q in 0..100)."""
    if not sorted_ns:
        raise ValueError("no samples")
    rank = max(1, -(-len(sorted_ns) * q // 100))  # ceil(n * q / 100), at least 1
    return sorted_ns[int(rank) - 1]


def summarise(name: str, conversations: Sequence[Conversation]) -> Stats:
    samples = sorted(ns for c in conversations for ns in c.turn_ns)
    return Stats(
        name=name,
        conversations=len(conversations),
        turns=len(samples),
        wall_ns=sum(c.wall_ns for c in conversations),
        mean_us=sum(samples) / len(samples) / 1e3,
        p50_us=percentile(samples, 50) / 1e3,
        p99_us=percentile(samples, 99) / 1e3,
        max_us=samples[-1] / 1e3,
    )


def print_table(rows: Sequence[Stats]) -> None:
    header = f"{'':34} {'turns/s':>9} {'mean µs':>9} {'p50 µs':>9} {'p99 µs':>9} {'max µs':>9} {'turns':>6}"
    print(header)
    print("-" * len(header))
    for s in rows:
        print(
            f"{s.name:34} {s.turns_per_s:9.0f} {s.mean_us:9.0f} {s.p50_us:9.0f} {s.p99_us:9.0f} "
            f"{s.max_us:9.0f} {s.turns:6d}"
        )


def print_ratio(ours: Stats, theirs: Stats, aim: float) -> bool:
    """Print ours/theirs turn cost; True when the mean meets the aim."""
    mean = ours.mean_us / theirs.mean_us
    p50 = ours.p50_us / theirs.p50_us
    p99 = ours.p99_us / theirs.p99_us
    met = mean <= aim
    print()
    print(f"Ratio  {ours.name} turn cost / {theirs.name} turn cost")
    print(f"  mean {mean:.2f}   (p50 {p50:.2f}, p99 {p99:.2f})")
    verdict = "MET" if met else "MISSED"
    print(f"  aim: at most {aim:.2f} (on the mean) -> {verdict}")
    return met


def kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB"
