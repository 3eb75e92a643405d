"""Where a Tipline turn's time goes: a diagnostic, not part of the comparison's numbers.

Measured without a profiler, on the same scripted conversations:
  - the pure part of a turn (state from JSON, Engine.advance, state to JSON, present),
    run alone with no storage;
  - (the ordinary turn goes through the conversation store's own threads, timed per call
    below; only the unit of work's turns touch aiosqlite)
  - SQLite's own work on aiosqlite's worker thread, exact per call kind (execute, fetch,
    COMMIT, ...), with perf_counter_ns around each call, and how many thread hand-offs a
    turn makes, priced with an empty hand-off measured alone;
  - the rest: SQLAlchemy (session, ORM, statement building), asyncio, the service itself.
Then the event-loop thread under cProfile, own time grouped by package. cProfile inflates
Python-heavy code, so read that table as shares.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter_ns
from typing import Any

import aiosqlite
import aiosqlite.core

from bench.report import Conversation
from bench.tipline_side import ANSWERS, ShapeStep, TiplineSide
from bot.flow_files import load_flow
from bot.presenter import present
from flows.actions import TextAnswer
from flows.engine import Engine
from flows.state import ConversationState
from storage.conversation_store import SqliteConversationStore
from storage.repositories import SqlConversationRepository
from storage.unit_of_work import SqlUnitOfWork


def _group(filename: str, function: str) -> str:
    path = filename.replace("\\", "/")
    if filename == "~":
        if "poll" in function:
            return "epoll: idle, waiting for the SQLite thread"
        if "greenlet" in function:
            return "SQLAlchemy (async bridge: greenlet)"
        if "SimpleQueue" in function or "_socket" in function or "lock" in function:
            return "thread hand-offs (queue, self-pipe, locks)"
        return "other C builtins (copies, dicts, ...)"
    for fragment, label in (
        ("/sqlalchemy/", "SQLAlchemy (ORM, core, async bridge)"),
        ("/greenlet/", "SQLAlchemy (async bridge: greenlet)"),
        ("/pydantic", "pydantic"),
        ("/aiosqlite/", "aiosqlite (event-loop side)"),
        ("/asyncio/", "asyncio"),
        ("/selectors.py", "asyncio"),
        ("/dateparser/", "answer parsers (dateparser, phonenumbers, email)"),
        ("/phonenumbers/", "answer parsers (dateparser, phonenumbers, email)"),
        ("/email_validator/", "answer parsers (dateparser, phonenumbers, email)"),
        ("/flows/", "flows (engine, navigation, validators)"),
        ("/bot/", "bot (service, presenter, report builder)"),
        ("/storage/", "storage (repositories, unit of work)"),
        ("/json/", "json"),
        ("/copy.py", "copy.deepcopy"),
        ("/bench/", "bench driver"),
    ):
        if fragment in path:
            return label
    return "other Python (stdlib, typing, ...)"


def _timed_execute(samples: list[tuple[str, int]]) -> Callable[..., Any]:
    """A stand-in for aiosqlite's Connection._execute that times each call on the worker thread."""
    original = aiosqlite.core.Connection._execute

    async def timed(
        self: aiosqlite.core.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        name = getattr(fn, "__qualname__", None) or type(fn).__name__

        def run(*a: Any, **k: Any) -> Any:
            t0 = perf_counter_ns()
            try:
                return fn(*a, **k)
            finally:
                samples.append((name, perf_counter_ns() - t0))

        return await original(self, run, *args, **kwargs)

    return timed


STORAGE_CALLS: tuple[tuple[type[Any], str, str], ...] = (
    # The ordinary turn (issue 9): one hand-off each, on the store's own sqlite3 threads.
    (SqliteConversationStore, "load", "store.load: one SELECT, one hand-off"),
    (SqliteConversationStore, "save", "store.save: BEGIN..COMMIT, grouped, one hand-off"),
    # The turns that need more (START's news, sending the report) use the unit of work.
    (SqlUnitOfWork, "__aenter__", "open the unit of work (new session)"),
    (SqlConversationRepository, "get", "conversations.get: BEGIN IMMEDIATE + SELECT + ORM load"),
    (SqlConversationRepository, "save", "conversations.save: UPDATE (INSERT on the first turn)"),
    (SqlUnitOfWork, "commit", "commit: COMMIT"),
    (SqlUnitOfWork, "__aexit__", "close the unit of work (rollback no-op, close)"),
)


def _time_async(owner: type[Any], attr: str, sink: dict[str, int]) -> Callable[[], None]:
    """Wrap owner.attr (a coroutine method) to add its wall time to sink[attr]; returns the undo."""
    original = owner.__dict__[attr]

    async def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = perf_counter_ns()
        try:
            return await original(*args, **kwargs)
        finally:
            sink[f"{owner.__name__}.{attr}"] += perf_counter_ns() - t0

    setattr(owner, attr, timed)
    return lambda: setattr(owner, attr, original)


def pure_turn_us(conversations: int) -> float:
    """Mean µs of a turn's pure work: state from JSON, advance, state to JSON, present."""
    flow = load_flow()
    engine = Engine(flow)
    total = turns = 0
    for _ in range(conversations):
        now = datetime.now(UTC)
        data = engine.start(now).state.to_json()
        for answer in ANSWERS:
            now += timedelta(seconds=5)
            t0 = perf_counter_ns()
            turn = engine.advance(ConversationState.from_json(data), TextAnswer(answer), now)
            data = turn.state.to_json()
            present(flow, turn.outputs, None)
            total += perf_counter_ns() - t0
            turns += 1
    return total / turns / 1e3


def json_round_trip_us(conversations: int) -> float:
    """Mean µs to write and read back a mid-flow state as JSON text (what the JSON column does)."""
    engine = Engine(load_flow())
    now = datetime.now(UTC)
    turn = engine.start(now)
    for answer in ANSWERS[: len(ANSWERS) // 2]:
        turn = engine.advance(turn.state, TextAnswer(answer), now)
    envelope = {"flow": turn.state.to_json(), "report_reference": None}
    n = conversations * len(ANSWERS)
    t0 = perf_counter_ns()
    for _ in range(n):
        json.loads(json.dumps(envelope))
    return (perf_counter_ns() - t0) / n / 1e3


async def empty_hop_us(n: int = 2000) -> float:
    """Mean µs of one aiosqlite round trip that does nothing (a commit with no transaction open)."""
    with tempfile.TemporaryDirectory() as directory:
        async with aiosqlite.connect(Path(directory) / "hop.db") as db:
            for _ in range(100):
                await db.commit()
            t0 = perf_counter_ns()
            for _ in range(n):
                await db.commit()
            return (perf_counter_ns() - t0) / n / 1e3


async def profile_tipline(shape: tuple[ShapeStep, ...], conversations: int) -> None:
    samples: list[tuple[str, int]] = []
    storage_ns: dict[str, int] = defaultdict(int)
    profiler = cProfile.Profile()
    async with TiplineSide(shape) as side:
        for _ in range(3):
            await side.conversation()
        plain = [await side.conversation() for _ in range(conversations)]
        original = aiosqlite.core.Connection._execute
        aiosqlite.core.Connection._execute = _timed_execute(samples)  # type: ignore[method-assign]
        undo = [_time_async(owner, attr, storage_ns) for owner, attr, _label in STORAGE_CALLS]
        try:
            timed = [await side.conversation() for _ in range(conversations)]
        finally:
            aiosqlite.core.Connection._execute = original  # type: ignore[method-assign]
            for restore in undo:
                restore()
        profiler.enable()
        profiled: list[Conversation] = [await side.conversation() for _ in range(conversations)]
        profiler.disable()

    def mean_us(runs: list[Conversation]) -> float:
        return sum(sum(c.turn_ns) for c in runs) / sum(len(c.turn_ns) for c in runs) / 1e3

    turn_us = mean_us(plain)
    turns = sum(len(c.turn_ns) for c in timed)
    pure = pure_turn_us(conversations)
    hop = await empty_hop_us()
    by_call: dict[str, list[int]] = defaultdict(list)
    for name, ns in samples:
        by_call[name].append(ns)
    sqlite_us = sum(ns for _, ns in samples) / turns / 1e3
    hops = len(samples) / turns
    handoff_us = hops * hop
    rest = turn_us - pure - sqlite_us - handoff_us

    def line(label: str, us: float) -> None:
        print(f"    {label:62} {us:8.1f} µs  {100 * us / turn_us:5.1f}%")

    print(f"Where a Tipline turn's time goes ({conversations} conversations per pass, {turns} turns)")
    print(f"  unprofiled mean {turn_us:.0f} µs/turn (with SQLite-thread timing: {mean_us(timed):.0f})")
    line("pure flow work: state from/to JSON, Engine.advance, present", pure)
    line("SQLite itself, on aiosqlite's thread (exact)", sqlite_us)
    for name, values in sorted(by_call.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"      {name:24} {sum(values) / turns / 1e3:8.1f} µs  ({len(values) / turns:.1f} calls/turn, "
            f"{sum(values) / len(values) / 1e3:.1f} µs each)"
        )
    line(f"thread hand-offs: {hops:.1f}/turn x {hop:.1f} µs (empty round trip)", handoff_us)
    line("the rest: SQLAlchemy session/ORM/statements, asyncio, service", rest)
    round_trip = json_round_trip_us(conversations)
    print(
        f"    (for scale: writing and reading back a mid-flow state as JSON text takes {round_trip:.1f} µs)"
    )

    print()
    print("  The same turns by storage call (wall time of each await, with its SQLite work and hand-offs):")
    in_storage = 0.0
    for owner, attr, label in STORAGE_CALLS:
        us = storage_ns[f"{owner.__name__}.{attr}"] / turns / 1e3
        in_storage += us
        line(label, us)
    line("everything else in the turn (service, engine, presenter, driver)", mean_us(timed) - in_storage)

    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = pstats.Stats(profiler).stats
    groups: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        groups[_group(filename, function)] += tottime
    total = sum(groups.values())
    print()
    print(f"  Event-loop thread under cProfile (mean {mean_us(profiled):.0f} µs/turn), own time by package:")
    for label, seconds in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"    {label:50} {100 * seconds / total:5.1f}%")
