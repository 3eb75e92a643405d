"""Slack turns over HTTP: Tipline's full turn against a bare Bolt app, same run, loopback only.

    python -m bench.slack_turns                    100 concurrent reporters, 2 rounds
    python -m bench.slack_turns --reporters 20 --rounds 1

Each reporter sends a scripted full report as typed DMs ("report", two answers, "Send it now",
"send", "That's all for now"): each message a signed message.im event POSTed to the app's
/slack/events on 127.0.0.1, in Slack's shape, one after the other.

  Tipline        the real app (build_slack_chat + build_web_app), the real service on a SQLite
                 file (or --database-url), its Web API calls to a local recording Slack API.
                 A turn is done when its replies have been posted (chat.postMessage).
  bare Bolt      an AsyncApp with a no-op message listener, served the same way. A turn is
                 done when it is acknowledged.

Reported: the acknowledgement latency (what Slack waits for, and must get within 3 s), p50
and p99; for Tipline also the full turn (event sent -> last reply posted); and turns per
second at that concurrency. The load is closed-loop: a Tipline reporter waits for its replies
before typing again, a bare-Bolt reporter only for the acknowledgement, so the bare side keeps
more requests in flight. The load, both apps and the recording API share one process and
event loop, as a single replica would. The two sides alternate by round so drift hits both
alike. Everything is bounded: a request or turn that doesn't complete within --turn-timeout
is counted as timed out (and enters the percentiles at the timeout), never a traceback.

Aims (issue 9), each printed MET or MISSED: bare Bolt turns/s over Tipline turns/s at most 3,
and Tipline's acknowledgement p99 at most 100 ms, at 100 concurrent reporters. Also printed:
the Web API calls a Tipline turn makes, by method, and on SQLite how many saves share a commit.
The exit status is 1 if any Tipline acknowledgement took 3 s or more.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackChat, build_slack_chat
from adapters.slack.settings import load_slack_settings
from adapters.web.server import bound_port, build_web_app
from bench.keys import BENCH_SEALER
from bench.report import percentile
from bot.flow_files import load_flow
from bot.reporter_desk import ReporterDesk
from bot.service import ReportingService
from flows.engine import Engine
from storage.conversation_store import conversation_store
from storage.db import create_engine, unit_of_work_factory, upgrade_database
from tests.flows.helpers import QUICK
from tests.slack import web_api
from tests.slack.web_api import RecordingSlackApi

SECRET = "benchsigningsecret0123456789abcdef"
SCRIPT: tuple[str, ...] = ("report", *QUICK, "Send it now", "send", "That's all for now")
ACK_LIMIT_MS = 3000.0
AIM_RATIO = 3.0  # bare Bolt turns/s over Tipline turns/s, at most
AIM_ACK_P99_MS = 100.0


class CountingSlackApi(RecordingSlackApi):
    """The recording Web API, counting posts per channel so a reporter can wait for its replies
    without waking every other reporter on each call."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: Counter[str] = Counter()
        self.by_method: Counter[str] = Counter()  # every Web API call, by method
        self._waiting: dict[str, list[tuple[int, asyncio.Future[None]]]] = {}

    async def _record(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> None:
        self.by_method[method] += 1
        if method != "chat.postMessage":
            return
        channel = str(params.get("channel", ""))
        self.posts[channel] += 1
        still = []
        for target, future in self._waiting.get(channel, []):
            if self.posts[channel] >= target and not future.done():
                future.set_result(None)
            elif not future.done():
                still.append((target, future))
        self._waiting[channel] = still

    async def reach(self, channel: str, target: int, within: float) -> None:
        if self.posts[channel] >= target:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(channel, []).append((target, future))
        await asyncio.wait_for(future, within)


@dataclass
class Result:
    name: str
    ack_ms: list[float] = field(default_factory=list)
    turn_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    timed_out: int = 0  # requests or turns that did not complete within the timeout
    failed: int = 0  # requests answered with an error status, or refused

    @property
    def turns(self) -> int:
        return len(self.ack_ms)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def serve_local(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{bound_port(runner)}/slack/events"


async def always_ready() -> bool:
    return True


def bare_bolt(api_url: str) -> AsyncApp:
    client = AsyncWebClient(token="xoxb-bench", base_url=api_url)
    app = AsyncApp(client=client, signing_secret=SECRET, process_before_response=False)

    @app.event("message")
    async def noop() -> None:
        return None

    return app


async def send(session: aiohttp.ClientSession, url: str, user: str, text: str, within: float) -> float:
    """The acknowledgement time in ms; raises TimeoutError past `within` s, RuntimeError on a non-200."""
    body, content_type = web_api.encode_event(web_api.message_im(user, text))
    headers = web_api.signed_headers(SECRET, body, content_type)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(within):
            async with session.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"the app answered {response.status}")
    except aiohttp.ClientError as exc:
        raise RuntimeError(f"the request failed: {type(exc).__name__}") from exc
    return (time.perf_counter() - started) * 1000


async def run_side(
    name: str,
    url: str,
    users: Sequence[str],
    wait_for_replies: Callable[[str, int], Awaitable[None]] | None,
    expected: Sequence[int],
    limit_s: float,
) -> Result:
    """All reporters at once, each sending SCRIPT in order (a turn waits for the previous one).

    A reporter whose request or turn times out or fails stops there (its conversation is out
    of step); the timeout enters the percentiles as the time it took, and is counted."""
    result = Result(name)
    limit_ms = limit_s * 1000
    connector = aiohttp.TCPConnector(limit=len(users) + 10)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def reporter(user: str) -> None:
            for n, text in enumerate(SCRIPT):
                started = time.perf_counter()
                try:
                    result.ack_ms.append(await send(session, url, user, text, limit_s))
                except TimeoutError:
                    result.ack_ms.append(limit_ms)
                    result.timed_out += 1
                    return
                except RuntimeError:
                    result.failed += 1
                    return
                if wait_for_replies is not None:
                    try:
                        await wait_for_replies(f"D{user}", expected[n])
                    except TimeoutError:
                        result.turn_ms.append(limit_ms)
                        result.timed_out += 1
                        return
                    result.turn_ms.append((time.perf_counter() - started) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(reporter(u) for u in users))
        result.wall_s = time.perf_counter() - began
    return result


async def posts_per_turn(api: CountingSlackApi, url: str, chat: SlackChat) -> list[int]:
    """How many messages each scripted turn posts (cumulative), from one reporter alone."""
    user = "U0WARMUP"
    cumulative = []
    async with aiohttp.ClientSession() as session:
        for text in SCRIPT:
            await send(session, url, user, text, 30.0)
            await chat.drain()
            cumulative.append(api.posts[f"D{user}"])
    if cumulative[-1] == 0 or len(set(cumulative)) != len(cumulative):
        raise RuntimeError(f"a scripted turn posted nothing: {cumulative}")
    return cumulative


def fmt(samples: Sequence[float], q: float) -> str:
    if not samples:
        return "-"
    ordered = sorted(samples)
    # percentile() works on ints (ns); scale to keep the sub-millisecond digits.
    return f"{percentile([round(s * 1000) for s in ordered], q) / 1000:.1f}"


def print_results(rows: Sequence[Result], reporters: int) -> None:
    header = (
        f"{'':30} {'turns':>6} {'turns/s':>8} {'ack p50 ms':>11} {'ack p99 ms':>11} "
        f"{'turn p50 ms':>12} {'turn p99 ms':>12}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.name:30} {r.turns:6d} {r.turns / r.wall_s:8.0f} {fmt(r.ack_ms, 50):>11} "
            f"{fmt(r.ack_ms, 99):>11} {fmt(r.turn_ms, 50):>12} {fmt(r.turn_ms, 99):>12}"
        )
    print(f"({reporters} concurrent reporters; a Tipline turn ends when its replies are posted)")


def merge(results: Sequence[Result]) -> Result:
    merged = Result(results[0].name)
    for r in results:
        merged.ack_ms += r.ack_ms
        merged.turn_ms += r.turn_ms
        merged.wall_s += r.wall_s
        merged.timed_out += r.timed_out
        merged.failed += r.failed
    return merged


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def print_aims(ours: Result, theirs: Result, reporters: int) -> None:
    ratio = (theirs.turns / theirs.wall_s) / (ours.turns / ours.wall_s) if ours.turns else float("inf")
    ack_p99 = float(fmt(ours.ack_ms, 99)) if ours.ack_ms else float("inf")
    note = "" if reporters == 100 else f" (aims are set at 100 reporters; this run has {reporters})"
    print(f"Aims{note}:")
    print(
        f"  bare Bolt / Tipline turns per second   {ratio:6.2f}   aim <= {AIM_RATIO:.0f}  "
        f" {verdict(ratio <= AIM_RATIO)}"
    )
    print(
        f"  Tipline acknowledgement p99 (ms)       {ack_p99:6.1f}   aim <= {AIM_ACK_P99_MS:.0f} "
        f" {verdict(ack_p99 <= AIM_ACK_P99_MS)}"
    )
    for r in (ours, theirs):
        if r.timed_out or r.failed:
            print(f"  {r.name}: {r.timed_out} timed out, {r.failed} failed (a reporter stops at its first)")


async def main_async(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.ERROR)
    workdir = Path(tempfile.mkdtemp(prefix="tipline-slack-bench-"))
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    api = CountingSlackApi()
    await api.start()
    engine = create_engine(database_url)
    runners: list[web.AppRunner] = []
    store = conversation_store(engine, BENCH_SEALER)
    try:
        await upgrade_database(engine)
        service = ReportingService(
            Engine(load_flow()),
            unit_of_work_factory(engine, BENCH_SEALER),
            utc_now,
            route=lambda report: ["file"],
            desk=ReporterDesk("The security team has a question for you"),
            conversations=store,  # as app.py wires it
        )
        settings = load_slack_settings(
            {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api.url}
        )
        tipline = build_slack_chat(settings, service)
        bare = bare_bolt(api.url)
        runner, tipline_url = await serve_local(build_web_app(tipline.app, always_ready))
        runners.append(runner)
        runner, bare_url = await serve_local(build_web_app(bare, always_ready))
        runners.append(runner)
        api.by_method.clear()
        expected = await posts_per_turn(api, tipline_url, tipline)
        calls_one_reporter = dict(api.by_method)

        def wait(channel: str, n: int) -> Awaitable[None]:
            return api.reach(channel, n, args.turn_timeout)

        ours: list[Result] = []
        theirs: list[Result] = []
        batches_before = getattr(store, "batches", 0)
        saves_before = getattr(store, "saves", 0)
        for round_ in range(args.rounds):
            users = [f"U{round_:02d}R{i:05d}" for i in range(args.reporters)]
            sides: list[tuple[str, str, Callable[[str, int], Awaitable[None]] | None]] = [
                ("Tipline Slack app, full turn", tipline_url, wait),
                ("bare Bolt, no-op listener", bare_url, None),
            ]
            order = sides if round_ % 2 == 0 else sides[::-1]
            for name, url, waiter in order:
                # Each request and turn is bounded by --turn-timeout, so the side ends.
                result = await run_side(name, url, users, waiter, expected, args.turn_timeout)
                (ours if result.name.startswith("Tipline") else theirs).append(result)
        await tipline.drain()
        saves = getattr(store, "saves", 0) - saves_before
        commits = getattr(store, "batches", 0) - batches_before

        print(
            f"Python {platform.python_version()}, slack-bolt {version('slack-bolt')}, "
            f"database {database_url.split(':', 1)[0]}, {len(SCRIPT)} turns per reporter"
        )
        print()
        ours_all, theirs_all = merge(ours), merge(theirs)
        print_results([ours_all, theirs_all], args.reporters)
        worst = max(ours_all.ack_ms, default=0.0)
        print()
        print(f"Slowest Tipline acknowledgement: {worst:.1f} ms (Slack allows {ACK_LIMIT_MS:.0f} ms)")
        per_turn = ", ".join(
            f"{method} {n / len(SCRIPT):.2f}" for method, n in sorted(calls_one_reporter.items())
        )
        print(f"Web API calls per Tipline turn (one reporter's script): {per_turn}")
        if commits:
            print(
                f"Conversation store on SQLite: {saves} saves in {commits} commits "
                f"(group commit: {saves / commits:.2f} saves per commit)"
            )
        print()
        print_aims(ours_all, theirs_all, args.reporters)
        return 0 if worst < ACK_LIMIT_MS else 1
    finally:
        for runner in runners:
            await runner.cleanup()
        if store is not None:
            await store.close()
        await engine.dispose()
        await api.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--reporters", type=int, default=100, help="concurrent reporters (default 100)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    parser.add_argument("--turn-timeout", type=float, default=30.0, help="seconds one turn may take")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args(argv)
    if not 1 <= args.reporters <= 1000 or not 1 <= args.rounds <= 10:
        parser.error("--reporters must be 1..1000 and --rounds 1..10")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
