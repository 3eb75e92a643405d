"""Tipline's composition root: settings in, parts built and wired, one command run.

python app.py                 chat in this terminal (the embedded default)
python app.py chat --user X   the same, as user X
python app.py serve           the chat server: Slack and/or Teams, as configured
python app.py db upgrade      create or update the database tables
python app.py reports ...     the security team's commands (see --help)
python app.py outbox ...      deliveries to the security inbox
python app.py watchlist ...   published alerts every report is matched against
python app.py campaigns ...   reports about the same persona, linked; the team's decisions
python app.py keys ...        the data keys that encrypt reports at rest (new, rotate)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dotenv import load_dotenv
from slack_bolt.async_app import AsyncApp
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cli.dispatch import run_command
from adapters.cli.evidence_open import open_evidence
from adapters.cli.keys import print_rotation, progress_printer
from adapters.cli.parser import build_parser
from adapters.console.chat import run_chat
from adapters.evidence_files import remove_files
from adapters.inbox.email import EmailInbox
from adapters.inbox.file_inbox import FileInbox
from adapters.inbox.webhook import WebhookInbox
from adapters.log_privacy import configure_logging
from adapters.slack.app import SlackChat, connected
from adapters.slack.settings import SlackSettings, load_slack_settings, slack_configured
from adapters.slack.wiring import INBOX_DESTINATION as SLACK_CHANNEL_DESTINATION
from adapters.slack.wiring import SlackWiring
from adapters.teams.endpoint import MESSAGES as TEAMS_MESSAGES
from adapters.teams.endpoint import MessagesEndpoint
from adapters.teams.package import run_package_command
from adapters.teams.settings import TeamsSettings, load_teams_settings, teams_configured
from adapters.teams.wiring import INBOX_DESTINATION as TEAMS_CHANNEL_DESTINATION
from adapters.teams.wiring import TeamsTransport, teams_transport
from adapters.web.server import Handler, build_web_app, serve
from bot import housekeeping
from bot.actors import TeamMembership
from bot.campaigns.news import CampaignNews
from bot.campaigns.service import CampaignService
from bot.deadlines import DeadlineScheduler, deadlines_for
from bot.delivery import DeliveryWorker
from bot.destinations import Destination
from bot.flow_files import load_flow
from bot.normalise import plain_index_key
from bot.ports import Deadline, UnitOfWorkFactory
from bot.report import Outcome, Report
from bot.reporter_desk import ReporterDesk
from bot.reporter_push import REPORTER_DESTINATION, ReporterInbox
from bot.retention.purge import Retention, RetentionPolicy
from bot.routing import Router
from bot.security import (
    DestinationConfig,
    EmailDestinationConfig,
    FileDestinationConfig,
    SecurityConfig,
    load_security_config,
)
from bot.service import ReportingService
from bot.settings import Settings, SettingsError, load_settings
from bot.sharing.settings import SharingSettings, load_sharing_settings
from bot.shutdown import Grace, finish
from bot.statistics.digest import WeeklyDigest
from bot.triage import TriageService
from bot.watchlist.check import ContactCheck
from bot.watchlist.intake import IntakeScreen
from bot.watchlist.service import WatchlistService
from flows.engine import Engine
from flows.loader import FlowError
from storage.conversation_store import conversation_store
from storage.db import create_engine, normalise_database_url, unit_of_work_factory, upgrade_database
from storage.protection import KeySettings, KeySetupError, Sealer, open_vault, start_ring
from storage.protection.blind_index import blind_plain_indexes
from storage.protection.keys import new_key_text
from storage.protection.rotation import rotate

log = logging.getLogger("tipline")

CONNECTOR_THREADS = 32
SERVER_FIRST_HOUSEKEEPING = 60.0  # seconds after `serve` starts


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    security: SecurityConfig
    database: AsyncEngine
    unit_of_work: UnitOfWorkFactory
    service: ReportingService
    triage: TriageService
    worker: DeliveryWorker
    scheduler: DeadlineScheduler
    reporter_inbox: ReporterInbox
    watchlist: WatchlistService
    campaigns: CampaignService
    retention: Retention
    teams: TeamsTransport | None = None
    sealer: Sealer | None = None  # encryption at rest (storage.protection): evidence files too
    sharing: SharingSettings = field(default_factory=SharingSettings)  # STIX and MISP from the chat cards

    async def ready(self) -> bool:
        """For GET /healthz: the database answers."""
        async with self.database.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    @asynccontextmanager
    async def background(
        self, grace: Grace | None = None, stop: asyncio.Event | None = None, *, drain: bool = True
    ) -> AsyncIterator[None]:
        """Deliveries and deadline reminders run beside whatever the process is doing, until
        `stop` is set or the block ends. On the way out they get what is left of `grace`
        (SHUTDOWN_GRACE, counted from the signal or from the end of the block), then what still
        runs is cancelled: a delivery gives its lease back. `drain` (a chat, a command): first send
        what is due, so what was just reported reaches the security inbox before the process ends."""
        grace = grace or Grace(self.settings.shutdown_grace_seconds)
        stop = stop or asyncio.Event()
        tasks = [
            asyncio.create_task(self.worker.run(stop)),
            asyncio.create_task(self.scheduler.run(stop)),
            asyncio.create_task(
                housekeeping.run(
                    self.unit_of_work,
                    utc_now,
                    stop,
                    retention=self.retention,
                    # A server (no drain) purges what is due a minute after start; a chat or a
                    # command only once it has run an hour (the start of `purge --dry-run` must not).
                    first_pass_after=None if drain else SERVER_FIRST_HOUSEKEEPING,
                )
            ),
        ]
        try:
            yield
        finally:
            grace.begin()
            if drain and not stop.is_set():
                with contextlib.suppress(Exception):  # the database may be what is failing
                    async with asyncio.timeout(grace.left()):
                        await self.scheduler.run_once()
                await self.worker.drain(timeout=grace.left())
            stop.set()
            await finish(tasks, grace, "deliveries")


def build_destination(name: str, config: DestinationConfig) -> Destination:
    if isinstance(config, FileDestinationConfig):
        return FileInbox(config.path)
    if isinstance(config, EmailDestinationConfig):
        return EmailInbox(
            name,
            config.host,
            config.port,
            config.security,
            config.username,
            config.password,
            config.sender,
            list(config.recipients),
            config.timeout,
        )
    return WebhookInbox(name, config.url, config.secret, config.timeout)


def key_settings(settings: Settings) -> KeySettings:
    return KeySettings(settings.data_key, settings.data_keys, settings.key_file, settings.generated_key_file)


async def open_protection(database: AsyncEngine, settings: Settings) -> Sealer:
    """The key checked against the database before anything is written, then the tables brought
    up to date and the sealer opened (storage.protection)."""
    ring = await start_ring(database, key_settings(settings))
    # Migration 0006 indexes reports already there in plain normal forms (there is no index key
    # before 0008 makes one); the blind index replaces them straight after.
    await upgrade_database(database, plain_index_key, settings.phone_region, ring)
    sealer = await open_vault(database, ring)
    await blind_plain_indexes(database, sealer)
    return sealer


@asynccontextmanager
async def runtime(
    settings: Settings,
    security: SecurityConfig,
    slack: SlackSettings | None = None,
    teams: TeamsSettings | None = None,
    teams_credentials: object | None = None,
    sharing: SharingSettings | None = None,
) -> AsyncIterator[Runtime]:
    """`teams_credentials`: how the Teams bot gets its own token (default: Microsoft Entra)."""
    flow = load_flow(settings.flow_file, settings.guidance_file)
    destinations = {name: build_destination(name, config) for name, config in security.destinations.items()}
    # Bound late: the service that pushes news to reporters is built below, after the worker.
    reporter_inbox = ReporterInbox(lambda reporter, channel: service.push_news(reporter, channel), {})
    destinations[REPORTER_DESTINATION] = reporter_inbox
    routes = security.routes
    database = create_engine(settings.database_url)
    store = None
    try:
        sealer = await open_protection(database, settings)
        store = conversation_store(database, sealer)
        uow = unit_of_work_factory(database, sealer, settings.phone_region)
        slack_inbox = SlackWiring(slack).inbox(uow) if slack is not None else None
        if slack_inbox is not None:
            # The security channel sees every report: it joins the default route.
            destinations[SLACK_CHANNEL_DESTINATION] = slack_inbox
            routes = replace(routes, default=(*routes.default, SLACK_CHANNEL_DESTINATION))
        transport = teams_transport(teams, teams_credentials) if teams is not None else None
        if transport is not None and transport.settings.inbox:
            # The Teams inbox channel (once chosen) sees every report too.
            destinations[TEAMS_CHANNEL_DESTINATION] = transport.inbox(TEAMS_CHANNEL_DESTINATION, uow)
            routes = replace(routes, default=(*routes.default, TEAMS_CHANNEL_DESTINATION))
        worker = DeliveryWorker(
            uow,
            destinations,
            utc_now,
            max_attempts=settings.delivery_max_attempts,
            backoff_base=timedelta(seconds=settings.delivery_backoff_seconds),
            backoff_max=timedelta(seconds=settings.delivery_backoff_max_seconds),
            lease=timedelta(seconds=settings.delivery_lease_seconds),
        )
        policy = security.deadlines

        def deadlines(report: Report, now: datetime) -> list[Deadline]:
            return deadlines_for(report, policy, now)

        router = Router(routes)
        screen = IntakeScreen(settings.phone_region)
        # The Slack and Teams security channels, where there are some: the weekly statistics, and
        # each campaign's card and notices.
        channels = [d for d in (SLACK_CHANNEL_DESTINATION, TEAMS_CHANNEL_DESTINATION) if d in destinations]
        campaign_news = CampaignNews(tuple(channels), settings.campaign_alert_at)
        service = ReportingService(
            Engine(
                flow,
                phone_region=settings.phone_region,
                draft_keep_days=settings.draft_keep_days,
                understand=settings.understand_answers,
            ),
            uow,
            utc_now,
            route=router.destinations_for,
            deadlines=deadlines,
            desk=ReporterDesk(security.templates.question_intro),
            on_queued=worker.wake,
            conversations=store,
            watchlist=screen,
            checks=ContactCheck(screen, flow, utc_now),
            campaign_news=campaign_news,
        )
        watchlist = WatchlistService(
            uow,
            utc_now,
            security.team,
            route=router.destinations_for,
            region=settings.phone_region,
            on_queued=worker.wake,
        )
        triage = TriageService(
            uow,
            utc_now,
            security.team,
            security.templates.acknowledged,
            {outcome: security.templates.closing_for(outcome) for outcome in Outcome},
            deadlines=deadlines,
            on_queued=worker.wake,
            region=settings.phone_region,
        )
        digest = WeeklyDigest(settings.stats_digest, channels)
        scheduler = DeadlineScheduler(uow, policy, utc_now, on_queued=worker.wake, digest=digest)
        retention = Retention(
            uow, RetentionPolicy(settings.retention_closed, settings.draft_keep_days), remove_files
        )
        await housekeeping.tidy(uow, utc_now(), retention)
        if transport is not None:
            reporter_inbox.register("teams", transport.reporter_channel(uow))
        yield Runtime(
            settings,
            security,
            database,
            uow,
            service,
            triage,
            worker,
            scheduler,
            reporter_inbox,
            watchlist,
            CampaignService(uow, utc_now, triage.check_member, settings.phone_region, campaign_news),
            retention,
            transport,
            sealer,
            sharing or SharingSettings(),
        )
    finally:
        for destination in destinations.values():
            closing = getattr(destination, "close", None)
            if closing is not None:
                await closing()
        if store is not None:
            await store.close()
        await database.dispose()


@dataclass
class ChatApps:
    """What `serve` serves: the Slack app (its listeners) and the other POST routes (Teams)."""

    slack: SlackChat | None
    posts: dict[str, Handler]
    teams: MessagesEndpoint | None


def chat_apps(rt: Runtime, slack: SlackSettings | None) -> ChatApps:
    """The chat platforms' apps, wired to the runtime; each registers how to reach its reporters."""
    slack_chat = None
    if slack is not None:
        wiring = SlackWiring(slack)
        slack_chat = wiring.chat(
            rt.service, rt.triage, rt.security.templates, rt.watchlist, rt.sharing, rt.sealer, rt.campaigns
        )
        rt.reporter_inbox.register("slack", wiring.reporter_channel(slack_chat))
    endpoint = None
    posts: dict[str, Handler] = {}
    if rt.teams is not None:
        endpoint = rt.teams.endpoint(
            rt.service,
            rt.triage,
            rt.unit_of_work,
            utc_now,
            rt.watchlist,
            evidence=rt.sealer,
            sharing=rt.sharing,
            campaigns=rt.campaigns,
        )
        posts[TEAMS_MESSAGES] = endpoint.handle
    return ChatApps(slack_chat, posts, endpoint)


async def serve_chat(rt: Runtime, slack: SlackSettings | None, teams: TeamsSettings | None) -> int:
    """Slack and Teams on one server (HOST:PORT), with deliveries and reminders beside them."""
    apps = chat_apps(rt, slack)
    stop = asyncio.Event()
    grace = Grace(rt.settings.shutdown_grace_seconds)
    loop = asyncio.get_running_loop()
    if teams is not None:
        # botbuilder's Connector client sends with blocking `requests` on the default thread
        # pool: give the replies and proactive messages of concurrent turns room to go out. (The
        # Agents SDK's is aiohttp; it only fetches tokens and signing keys in threads.)
        loop.set_default_executor(ThreadPoolExecutor(max_workers=CONNECTOR_THREADS))

    def stopping() -> None:
        if not grace.begun:
            log.warning("stopping: no new requests; %.0f s for the work under way", grace.seconds)
        grace.begin()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping)
    try:
        # The signal stops the server and the worker at once: no delivery starts after it.
        async with rt.background(grace, stop, drain=False):
            host, port = _listening(slack, teams)
            if slack is not None:
                mode = "Socket Mode" if slack.socket_mode else f"http://{host}:{port}/slack/events"
                log.warning("Tipline is serving Slack (%s); stop with Ctrl-C", mode)
            if teams is not None:
                log.warning(
                    "Tipline is serving Teams on http://%s:%d%s; stop with Ctrl-C", host, port, TEAMS_MESSAGES
                )
            try:
                async with _slack_way_in(apps.slack, slack) as slack_route:
                    await serve(build_web_app(slack_route, rt.ready, apps.posts), host, port, stop)
            finally:
                # Turns already acknowledged finish within the grace; what is left is abandoned.
                if apps.slack is not None:
                    await apps.slack.drain(grace.left(), abandon=True)
                if apps.teams is not None:
                    await apps.teams.turns.drain(grace.left(), abandon=True)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    log.warning("stopped")
    return 0


def _listening(slack: SlackSettings | None, teams: TeamsSettings | None) -> tuple[str, int]:
    """Slack's HOST:PORT when Slack is configured (Teams' route is served beside it), else Teams'."""
    if slack is not None:
        return slack.host, slack.port
    if teams is not None:
        return teams.host, teams.port
    raise ValueError("serve: no chat platform is configured")


def _slack_way_in(
    chat: SlackChat | None, slack: SlackSettings | None
) -> AbstractAsyncContextManager[AsyncApp | None]:
    """The Bolt app for POST /slack/events (HTTP mode), or Socket Mode's websocket held open."""
    if chat is None or slack is None:
        return nullcontext(None)
    return connected(chat, slack)


async def run(
    args: argparse.Namespace,
    settings: Settings,
    security: SecurityConfig,
    slack: SlackSettings | None,
    teams: TeamsSettings | None = None,
    sharing: SharingSettings | None = None,
) -> int:
    if args.command in ("keys", "evidence"):
        return await run_keys(args, settings, security.team)
    async with runtime(settings, security, slack, teams, sharing=sharing) as rt:
        if (slack is not None or teams is not None) and args.command in (None, "serve"):
            return await serve_chat(rt, slack, teams)
        if args.command in (None, "chat"):
            async with rt.background():
                return await _chat_until_stopped(rt, getattr(args, "user", None) or _login_name())
        if args.command == "db":
            print(f"Database is up to date ({_safe_url(settings.database_url)}).")
            return 0
        async with rt.background():
            return await run_command(
                args,
                rt.triage,
                rt.unit_of_work,
                utc_now,
                sys.stdout,
                sys.stderr,
                sharing=sharing,
                watchlist=rt.watchlist,
                campaigns=rt.campaigns,
                retention=rt.retention,
            )


async def run_keys(args: argparse.Namespace, settings: Settings, team: TeamMembership) -> int:
    """`keys new`, `keys rotate`, `evidence open` (adapters.cli.keys words them; storage.protection
    does them)."""
    if args.command == "keys" and args.keys_command == "new":
        print(new_key_text())
        return 0
    database = create_engine(settings.database_url)
    try:
        sealer = await open_protection(database, settings)
        if args.command == "evidence":
            uow_factory = unit_of_work_factory(database, sealer)
            return await open_evidence(team, uow_factory, sealer, args.path, args.output)
        print(f"Sealing everything under key {sealer.ring.current.id} ...", flush=True)
        # Slack and Teams keep evidence files in the same EVIDENCE_DIR.
        evidence = _dir_setting(os.environ, "EVIDENCE_DIR", Path("var/evidence"))
        done = await rotate(database, sealer, args.batch, progress_printer(sys.stdout), [evidence])
    finally:
        await database.dispose()
    old = [key_id for key_id in sealer.ring.ids if key_id != sealer.ring.current.id]
    return print_rotation(sys.stdout, sealer.ring.current.id, done.sealed, done.unreadable, old)


def _dir_setting(env: Mapping[str, str], name: str, default: Path) -> Path:
    value = env.get(name, "").strip()
    return (Path.cwd() / Path(value).expanduser()) if value else Path.cwd() / default


async def _chat_until_stopped(rt: Runtime, user: str) -> int:
    """The console chat; SIGTERM ends it as a clean stop (exit 0): every answer is already saved."""
    loop = asyncio.get_running_loop()
    chat = asyncio.create_task(run_chat(rt.service, user=user, workspace="local"))
    loop.add_signal_handler(signal.SIGTERM, chat.cancel)
    try:
        return await chat
    except asyncio.CancelledError:
        if not chat.cancelled():
            raise  # we were cancelled ourselves, not the chat by the signal
        print("\nStopped. Your answers so far are saved.", file=sys.stderr)
        return 0
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    # Reports, the database and its journal files, exports: readable by this account only.
    os.umask(0o077)
    load_dotenv(Path.cwd() / ".env", override=False)
    args = build_parser().parse_args(argv)
    if args.command == "teams":  # the Teams app package: needs no settings and no database
        return run_package_command(args, os.environ, sys.stdout, sys.stderr)
    try:
        settings = load_settings(os.environ, Path.cwd())
        security = load_security_config(os.environ, settings, Path.cwd())
        slack, teams = _chat_settings(args.command)
        sharing = load_sharing_settings(os.environ, settings.phone_region)
    except SettingsError as exc:
        print(f"tipline: {exc}", file=sys.stderr)
        return 2
    level = settings.log_level
    if args.command in (None, "chat") and slack is None and teams is None and "LOG_LEVEL" not in os.environ:
        level = "WARNING"  # the terminal is the chat: keep routine log lines out of the conversation
    configure_logging(level)
    if teams is not None and teams.anonymous:
        log.warning(
            "TEAMS_ALLOW_ANONYMOUS=true: requests to /api/messages are NOT checked to come from Microsoft. "
            "Use this only with the Bot Framework Emulator or the Agents Playground on this machine."
        )
    try:
        return asyncio.run(run(args, settings, security, slack, teams, sharing))
    except BrokenPipeError:
        # The reader went away (`reports export | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeySetupError as exc:
        print(f"tipline: {exc}", file=sys.stderr)
    except FlowError as exc:
        print(f"tipline: FLOW_FILE/GUIDANCE_FILE: the flow is not usable: {exc}", file=sys.stderr)
    except (OperationalError, DBAPIError, ConnectionError, socket.gaierror) as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        print(
            f"tipline: DATABASE_URL: cannot use the database at {_safe_url(settings.database_url)} "
            f"({reason}); "
            "check that it is running and the address is right",
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        print("\nStopped. Your answers so far are saved.", file=sys.stderr)
        return 130
    return 2


def _chat_settings(command: str | None) -> tuple[SlackSettings | None, TeamsSettings | None]:
    """`serve` runs whichever chat platforms are configured; so does plain `python app.py` once
    one is. `serve` with none configured is a mistake, said in one line. The security team's
    commands have the security channels too (they serve nothing): what they queue for a channel
    (a triage change, a campaign decision) is delivered by their own worker, never dead-lettered
    as a destination this process doesn't know. Only the console chat goes without."""
    if command == "chat":
        return None, None
    env = os.environ
    slack = load_slack_settings(env, Path.cwd()) if slack_configured(env) else None
    teams = load_teams_settings(env, Path.cwd()) if teams_configured(env) else None
    if command == "serve" and slack is None and teams is None:
        raise SettingsError(
            "serve: no chat platform is configured; set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack, "
            "MICROSOFT_APP_ID (and its password and tenant) for Teams, or both"
        )
    return slack, teams


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "staff"


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(normalise_database_url(url)).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
