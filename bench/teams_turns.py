"""Teams turns over HTTP on both transports (TEAMS_SDK=botbuilder and agents): Tipline's full turn
against a bare adapter of the same SDK, side by side, loopback only.

    python -m bench.teams_turns                    50 concurrent reporters, 2 rounds, both SDKs
    python -m bench.teams_turns --reporters 10 --rounds 1 --sdk agents

Each reporter types a scripted quick report in their personal chat ("report", two answers,
"Send it now", "send", "That's all for now"): each a message activity in Teams' shape, POSTed
to /api/messages on 127.0.0.1 with a Bot Framework token signed by a local issuer, so both
sides verify a real RS256 JWT on every request.

  Tipline        app.runtime as `serve` builds it (real storage on a SQLite file, the delivery
                 worker posting each report's card in an inbox channel), its replies to a
                 local counting Connector API. A turn is done when its first reply has
                 reached the Connector.
  bare adapter   the SDK's own adapter (botbuilder's CloudAdapter, or the Agents SDK's) behind
                 the same endpoint and authentication, and a turn that does nothing. A turn is
                 done when the request is answered.

Reported: the answer latency (what the Bot Framework waits for; it gives up after 15 s), p50
and p99; for Tipline also the turn (activity sent -> first reply at the Connector); and turns
per second at that concurrency. Closed loop: a Tipline reporter waits for a reply before
typing again. Everything runs in one process and event loop, as one replica would; the sides
alternate by round. Bounded: a request or turn that doesn't complete within --turn-timeout
is counted as timed out, and enters the percentiles at the timeout; never a traceback.

Aims (issue 9), each printed MET or MISSED per transport: bare adapter turns/s over Tipline
turns/s at most 3, and Tipline's first reply p99 at most 500 ms, at 50 concurrent reporters.
Each transport gets its own reporters and database (issue 17). Also printed: the
Connector calls a Tipline turn makes (replies to the reporter, and posts in the inbox channel).
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
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

import app
from adapters.teams.addresses import INBOX_KEY, PLATFORM, InboxChannel
from adapters.teams.endpoint import MESSAGES, MessagesEndpoint
from adapters.teams.settings import load_teams_settings
from adapters.teams.transport import SDKS
from adapters.teams.wiring import connection
from adapters.web.server import bound_port, build_web_app
from bench.keys import bench_data_key
from bench.report import percentile
from bench.teams_connector import CountingConnector
from bot.security import load_security_config
from bot.settings import load_settings
from tests.flows.helpers import QUICK
from tests.teams import activities as teams
from tests.teams.jwt_issuer import TokenIssuer
from tests.teams.tipline import fixed_token

SCRIPT: tuple[str, ...] = ("report", *QUICK, "Send it now", "send", "That's all for now")
ANSWER_LIMIT_MS = 15000.0
AIM_RATIO = 3.0
AIM_FIRST_REPLY_P99_MS = 500.0


@dataclass
class Side:
    name: str
    url: str
    connector: CountingConnector
    waits_for_reply: bool
    answers_ms: list[float] = field(default_factory=list)
    turns_ms: list[float] = field(default_factory=list)
    turns: int = 0
    seconds: float = 0.0
    timed_out: int = 0
    failed: int = 0


def people(count: int, first: int = 0) -> list[teams.Person]:
    return [
        teams.Person(f"{i:08d}-0000-4000-8000-{i:012d}", f"29:1bench{i:06d}{'x' * 30}", f"Reporter {i}")
        for i in range(first, first + count)
    ]


async def reporter(
    side: Side, person: teams.Person, issuer: TokenIssuer, session: aiohttp.ClientSession, within: float
) -> None:
    for text in SCRIPT:
        activity = teams.personal_message(text, user=person, service_url=side.connector.url, html=False)
        token = issuer.token(teams.APP_ID, activity["serviceUrl"])
        headers = {"Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(within):
                async with session.post(side.url + MESSAGES, json=activity, headers=headers) as response:
                    status = response.status
        except TimeoutError:
            side.answers_ms.append(within * 1000)
            side.timed_out += 1
            return  # this reporter's conversation is out of step: it stops here
        except aiohttp.ClientError:
            side.failed += 1
            return
        if status != 200:
            side.failed += 1
            return
        side.answers_ms.append((time.perf_counter() - started) * 1000)
        if side.waits_for_reply:
            try:
                await side.connector.first_reply(activity["id"], within)
            except TimeoutError:
                side.turns_ms.append(within * 1000)
                side.timed_out += 1
                return
            side.turns_ms.append((time.perf_counter() - started) * 1000)
        side.turns += 1


async def run_round(side: Side, count: int, issuer: TokenIssuer, within: float, number: int = 0) -> None:
    """`number`: which transport this is, so that each has its own reporters (a shared database)."""
    connector = aiohttp.TCPConnector(limit=count)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        reporters = people(count, first=number * count)
        await asyncio.gather(*(reporter(side, p, issuer, session, within) for p in reporters))
        side.seconds += time.perf_counter() - started


async def serve(application: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{bound_port(runner)}"


def tipline_env(folder: Path, database_url: str | None, issuer: TokenIssuer) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        "INBOX_FILE": str(folder / "inbox.jsonl"),
        "MICROSOFT_APP_ID": teams.APP_ID,
        "MICROSOFT_APP_PASSWORD": "bench-secret-not-sent-anywhere",
        "MICROSOFT_APP_TENANT_ID": teams.TENANT,
        "TEAMS_OPENID_METADATA_URL": issuer.metadata_url,
        "TIPLINE_DATA_KEY": bench_data_key(),
    }


async def bench(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.ERROR)  # the log lines of 100s of turns would be the noise
    # As `serve` sets it up for Teams: room for botbuilder's blocking Connector calls.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=app.CONNECTOR_THREADS))
    folder = Path(tempfile.mkdtemp(prefix="tipline-bench-"))
    issuer = TokenIssuer()
    issuer.start()
    results: list[tuple[str, Side, Side]] = []
    try:
        for number, sdk in enumerate(args.sdk):
            ours, bare_side = await bench_transport(sdk, number, args, issuer, folder)
            results.append((sdk, ours, bare_side))
    finally:
        issuer.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return report(results, args)


async def bench_transport(
    sdk: str, number: int, args: argparse.Namespace, issuer: TokenIssuer, folder: Path
) -> tuple[Side, Side]:
    """Tipline on `sdk` (TEAMS_SDK) against a bare adapter of the same SDK, rounds alternating."""
    connectors = [CountingConnector(), CountingConnector()]
    for connector in connectors:
        await connector.start()
    credentials = fixed_token(sdk, teams.APP_ID, "bench-token")
    env = {**tipline_env(folder / sdk, args.database_url, issuer), "TEAMS_SDK": sdk}
    (folder / sdk).mkdir()
    try:
        settings = load_settings(env, folder)
        security = load_security_config(env, settings, folder)
        teams_settings = load_teams_settings(env)
        async with app.runtime(settings, security, None, teams_settings, credentials) as rt:
            apps = app.chat_apps(rt, None)
            assert apps.teams is not None
            await choose_inbox(rt, connectors[0].url)
            tipline_runner, tipline_url = await serve(build_web_app(None, rt.ready, apps.posts))
            bare_runner, bare_url = await serve(
                build_web_app(None, rt.ready, {MESSAGES: bare(teams_settings, credentials)})
            )
            sides = [
                Side("Tipline", tipline_url, connectors[0], waits_for_reply=True),
                Side("bare adapter", bare_url, connectors[1], waits_for_reply=False),
            ]
            try:
                async with rt.background():
                    for round_number in range(args.rounds):
                        order = sides if round_number % 2 == 0 else sides[::-1]
                        for side in order:
                            await run_round(side, args.reporters, issuer, args.turn_timeout, number)
                    await apps.teams.turns.drain()
            finally:
                await tipline_runner.cleanup()
                await bare_runner.cleanup()
    finally:
        for connector in connectors:
            await connector.stop()
    return sides[0], sides[1]


async def choose_inbox(rt: app.Runtime, service_url: str) -> None:
    """As if the security team had chosen its channel: every report also becomes a card there."""
    channel = InboxChannel(
        service_url, teams.CHANNEL_ID, teams.TEAM_ID, teams.TENANT, teams.BOT_ID, "Tipline", "bench"
    )
    async with rt.unit_of_work() as uow:
        await uow.addresses.put(PLATFORM, INBOX_KEY, channel.to_json(), app.utc_now())
        await uow.commit()


def bare(settings: Any, credentials: Any) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The SDK's adapter (TEAMS_SDK in `settings`), the same authentication, a turn that does nothing."""

    async def nothing(conversation: Any, body: dict[str, Any]) -> None:
        return None

    endpoint = MessagesEndpoint(connection(settings, credentials), nothing)
    return endpoint.handle


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def side_line(side: Side) -> str:
    if not side.answers_ms:
        return f"{side.name:13s} no request answered ({side.timed_out} timed out, {side.failed} failed)"
    answers = sorted(side.answers_ms)
    line = (
        f"{side.name:13s} answer p50 {percentile(answers, 50):7.1f} ms  p99 {percentile(answers, 99):7.1f} ms"
    )
    line += f"  {side.turns / side.seconds:7.1f} turns/s"
    if side.turns_ms:
        turns_ms = sorted(side.turns_ms)
        line += f"  turn p50 {percentile(turns_ms, 50):7.1f} ms  p99 {percentile(turns_ms, 99):7.1f} ms"
    return line


def report(results: list[tuple[str, Side, Side]], args: argparse.Namespace) -> int:
    print(f"Teams turns over HTTP, {args.reporters} concurrent reporters x {args.rounds} rounds")
    print(f"python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    worst = 0.0
    aims: list[str] = []
    note = "" if args.reporters == 50 else f" (aims are set at 50 reporters; this run has {args.reporters})"
    for sdk, ours, theirs in results:
        print(f"TEAMS_SDK={sdk}")
        for side in (ours, theirs):
            print("  " + side_line(side))
            if side.timed_out or side.failed:
                print(f"    {side.timed_out} timed out, {side.failed} failed (a reporter stops at its first)")
        worst = max(worst, max(ours.answers_ms, default=0.0))
        turns = max(ours.turns, 1)
        calls = ", ".join(f"{kind} {n / turns:.2f}" for kind, n in sorted(ours.connector.calls.items()))
        print(f"  Connector calls per Tipline turn: {calls}")
        speed = (theirs.turns / theirs.seconds) if theirs.seconds else 0.0
        ratio = speed / (ours.turns / ours.seconds) if ours.turns else float("inf")
        first = percentile(sorted(ours.turns_ms), 99) if ours.turns_ms else float("inf")
        aims.append(
            f"  {sdk:10s} bare adapter / Tipline turns per second  {ratio:6.2f}   aim <= {AIM_RATIO:.0f}    "
            f"{verdict(ratio <= AIM_RATIO)}"
        )
        aims.append(
            f"  {sdk:10s} Tipline first reply p99 (ms)             {first:6.1f}   "
            f"aim <= {AIM_FIRST_REPLY_P99_MS:.0f}  {verdict(first <= AIM_FIRST_REPLY_P99_MS)}"
        )
    print(f"  slowest Tipline answer: {worst:.1f} ms (the Bot Framework waits 15000 ms)")
    print(f"Aims{note}:")
    for line in aims:
        print(line)
    return 1 if worst >= ANSWER_LIMIT_MS else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--turn-timeout", type=float, default=60.0)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    parser.add_argument(
        "--sdk", nargs="+", choices=SDKS, default=list(SDKS), help="the transports (TEAMS_SDK); default both"
    )
    return asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
