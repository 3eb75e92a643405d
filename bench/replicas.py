"""Scale-out on PostgreSQL: the Slack load against 1, then 2 `python app.py serve` replicas on one
database, behind a small round-robin on 127.0.0.1.

    python -m bench.replicas                                   the CI database
    BENCH_DATABASE_URL=postgresql+asyncpg://.../mine python -m bench.replicas
    python -m bench.replicas --database-url ... --reporters 50

Each replica is the real process (`serve`: Slack events in, the delivery worker posting each
report's card in the security channel), its Web API calls going to one local counting Slack
API in this process. Each reporter types the scripted quick report as DMs (as bench.slack_turns
does), waiting for its replies before typing again; the round-robin sends each request to the
next replica, so one conversation's turns land on both. Rows are told apart by a run id in the
user ids: nothing in the database is wiped.

Reported, per replica count: turns/s, turn p50/p99, timeouts; duplicate replies (a DM got more
posts than its script makes), lost answers (fewer, or a turn that timed out), duplicate cards
(one report's card posted twice in the security channel) and missing cards; resident memory
(VmRSS) of each replica after the load. Aim (issue 9): 2 replicas at least 1.8x the turns/s of
1, with no duplicate or lost anything. A timeout is a figure, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.keys import bench_data_key
from bench.report import percentile
from bench.slack_turns import SCRIPT, SECRET, CountingSlackApi, send
from storage.db import create_engine, upgrade_database

APP = Path(__file__).resolve().parents[1] / "app.py"
CI_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CHANNEL = "C0SECURITY"
AIM_RATIO = 1.8
REFERENCE = re.compile(r"TIP-[A-Z0-9]{6}")


class CardCountingSlackApi(CountingSlackApi):
    """Also counts the top-level posts in the security channel per report reference (a card)."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: Counter[str] = Counter()

    async def _record(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> None:
        await super()._record(method, params, headers)
        if method == "chat.postMessage" and params.get("channel") == CHANNEL and not params.get("thread_ts"):
            found = REFERENCE.search(json.dumps(params))
            if found:
                self.cards[found.group(0)] += 1


@dataclass
class Run:
    replicas: int
    turns_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    timed_out: int = 0
    failed: int = 0
    duplicate_replies: int = 0
    lost_answers: int = 0
    duplicate_cards: int = 0
    missing_cards: int = 0
    rss_kib: list[int] = field(default_factory=list)

    @property
    def turns_per_s(self) -> float:
        return len(self.turns_ms) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def replica_env(folder: Path, database_url: str, api_url: str, port: int) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DATABASE_URL=database_url,
        INBOX_FILE=str(folder / "inbox.jsonl"),
        SECURITY_TEAM="slack:U0SAM",
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        SLACK_SECURITY_CHANNEL=CHANNEL,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
        TIPLINE_DATA_KEY=bench_data_key(),  # PostgreSQL needs a key; the same one every run
    )
    return env


async def start_replica(folder: Path, env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(APP), "serve", cwd=folder, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline and process.returncode is None:
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return process, base
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    err = (await process.stderr.read()).decode()[-1500:] if process.stderr and process.returncode else ""
    raise RuntimeError(f"a replica did not come up within 90 s {err}")


async def stop_replica(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def round_robin(backends: list[str]) -> tuple[web.AppRunner, str]:
    """POST /slack/events to each replica in turn, headers and body as they came."""
    turn = 0
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def forward(request: web.Request) -> web.Response:
        nonlocal turn
        backend = backends[turn % len(backends)]
        turn += 1
        body = await request.read()
        headers = {
            k: v for k, v in request.headers.items() if k.lower().startswith(("x-slack", "content-type"))
        }
        async with session.post(f"{backend}/slack/events", data=body, headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read())

    async def close(_: web.Application) -> None:
        await session.close()

    application = web.Application()
    application.router.add_post("/slack/events", forward)
    application.on_cleanup.append(close)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/slack/events"


async def settle(api: CountingSlackApi, channel: str, within: float, quiet: float = 0.5) -> int:
    """The post count of `channel` once nothing more arrives for `quiet` s (bounded)."""
    deadline = time.monotonic() + within
    last, quiet_since = api.posts[channel], time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        if api.posts[channel] != last:
            last, quiet_since = api.posts[channel], time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            break
    return last


async def one_run(
    replicas: int,
    folder: Path,
    database_url: str,
    reporters: int,
    limit_s: float,
    run_id: str,
    expected: list[int],
) -> Run:
    """`expected`: each turn's cumulative post count; measured here (one reporter alone, slowly)
    when empty, and kept for the next run."""
    api = CardCountingSlackApi()
    await api.start()
    processes: list[asyncio.subprocess.Process] = []
    proxy: web.AppRunner | None = None
    result = Run(replicas)
    try:
        bases = []
        for n in range(replicas):
            home = folder / f"replica{replicas}-{n}"
            home.mkdir(parents=True)  # once per replica, before any load
            process, base = await start_replica(home, replica_env(home, database_url, api.url, free_port()))
            processes.append(process)
            bases.append(base)
        proxy, url = await round_robin(bases)
        # What each turn of the script posts, from one reporter alone (cumulative); the warm-up
        # also starts each replica's connections.
        counted = []
        async with aiohttp.ClientSession() as session:
            warm = f"U{run_id}W{replicas}"
            for text in SCRIPT:
                await send(session, url, warm, text, limit_s)
                counted.append(await settle(api, f"D{warm}", limit_s, quiet=1.5))
        if not expected:
            expected.extend(counted)
        api.cards.clear()
        users = [f"U{run_id}R{replicas}N{i:04d}" for i in range(reporters)]
        limit_ms = limit_s * 1000

        async def reporter(session: aiohttp.ClientSession, user: str) -> None:
            for n, text in enumerate(SCRIPT):
                started = time.perf_counter()
                try:
                    await send(session, url, user, text, limit_s)
                    await api.reach(f"D{user}", expected[n], limit_s)
                except TimeoutError:
                    result.timed_out += 1
                    result.turns_ms.append(limit_ms)
                    return
                except RuntimeError:
                    result.failed += 1
                    return
                result.turns_ms.append((time.perf_counter() - started) * 1000)

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=reporters + 10)) as session:
            began = time.perf_counter()
            await asyncio.gather(*(reporter(session, u) for u in users))
            result.seconds = time.perf_counter() - began
        result.rss_kib = [rss_kib(p.pid) for p in processes]
        for user in users:
            got = await settle(api, f"D{user}", 5)
            if got > expected[-1]:
                result.duplicate_replies += got - expected[-1]
            elif got < expected[-1]:
                result.lost_answers += 1
        # The cards come from the delivery workers; give them a moment to finish.
        deadline = time.monotonic() + 30
        # The cards are posted by other processes' workers: polled, bounded.
        while len(api.cards) < reporters and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        result.duplicate_cards = sum(n - 1 for n in api.cards.values() if n > 1)
        result.missing_cards = max(0, reporters - len(api.cards))
    finally:
        if proxy is not None:
            await proxy.cleanup()
        for process in processes:
            await stop_replica(process)
        await api.stop()
    return result


def print_run(r: Run) -> None:
    p50 = percentile(sorted(r.turns_ms), 50) if r.turns_ms else float("nan")
    p99 = percentile(sorted(r.turns_ms), 99) if r.turns_ms else float("nan")
    rss = ", ".join(f"{k / 1024:.0f} MiB" for k in r.rss_kib)
    print(
        f"  {r.replicas} replica(s): {r.turns_per_s:7.1f} turns/s  turn p50 {p50:7.1f} ms  "
        f"p99 {p99:7.1f} ms  timed out {r.timed_out}, failed {r.failed}"
    )
    print(
        f"      duplicate replies {r.duplicate_replies}, lost answers {r.lost_answers}, "
        f"duplicate cards {r.duplicate_cards}, missing cards {r.missing_cards}; resident memory {rss}"
    )


async def main_async(args: argparse.Namespace) -> int:
    if not args.database_url.startswith("postgres"):
        print("bench.replicas: needs a PostgreSQL database (--database-url or BENCH_DATABASE_URL)")
        return 0
    engine = create_engine(args.database_url)
    try:
        await upgrade_database(engine)
    except Exception as exc:
        print(f"bench.replicas: the database is not reachable ({type(exc).__name__}); nothing measured")
        return 0
    finally:
        await engine.dispose()
    folder = Path(tempfile.mkdtemp(prefix="tipline-replicas-"))
    run_id = uuid.uuid4().hex[:6].upper()
    shown = args.database_url.rsplit("/", 1)[-1]
    print(
        f"Replicas on one PostgreSQL database ({shown}): {args.reporters} reporters, {len(SCRIPT)} turns each"
    )
    try:
        runs = []
        expected: list[int] = []
        for replicas in (1, 2):
            try:
                runs.append(
                    await one_run(
                        replicas,
                        folder,
                        args.database_url,
                        args.reporters,
                        args.turn_timeout,
                        run_id,
                        expected,
                    )
                )
            except RuntimeError as exc:
                print(f"  {replicas} replica(s): not measured: {exc}")
                return 1
            print_run(runs[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    one, two = runs
    ratio = two.turns_per_s / one.turns_per_s if one.turns_per_s else 0.0
    clean = all(
        r.duplicate_replies == r.duplicate_cards == r.lost_answers == r.missing_cards == r.timed_out == 0
        for r in runs
    )
    print("Aims:")
    print(
        f"  2 replicas / 1 replica turns per second  {ratio:5.2f}   aim >= {AIM_RATIO}   "
        f"{'MET' if ratio >= AIM_RATIO else 'MISSED'}"
    )
    print(f"  no duplicate or lost reply, no duplicate or missing card   {'MET' if clean else 'MISSED'}")
    print(f"  ({os.cpu_count()} CPUs on this machine, shared with the load generator and PostgreSQL)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or CI_DATABASE_URL,
        help="PostgreSQL (default: BENCH_DATABASE_URL, else the CI database)",
    )
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--turn-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    if not 1 <= args.reporters <= 500:
        parser.error("--reporters must be 1..500")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
