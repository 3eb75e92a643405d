"""Tipline's composition root: settings in, parts built and wired, one command run.

python app.py                 chat in this terminal (the embedded default)
python app.py chat --user X   the same, as user X
python app.py db upgrade      create or update the database tables
python app.py reports ...     the security team's commands (see --help)
python app.py outbox ...      deliveries to the security inbox
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dotenv import load_dotenv
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cli.dispatch import run_command
from adapters.cli.parser import build_parser
from adapters.console.chat import run_chat
from adapters.inbox.file_inbox import FileInbox
from bot.delivery import DeliveryWorker
from bot.destinations import Destination
from bot.ports import UnitOfWorkFactory
from bot.service import ReportingService
from bot.settings import Settings, SettingsError, load_settings
from bot.triage import TriageService
from flows.engine import Engine
from flows.loader import FlowError, load_flow
from storage.db import create_engine, normalise_database_url, unit_of_work_factory, upgrade_database

log = logging.getLogger("tipline")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    database: AsyncEngine
    unit_of_work: UnitOfWorkFactory
    service: ReportingService
    worker: DeliveryWorker
    triage: TriageService


def build_destinations(settings: Settings) -> dict[str, Destination]:
    available: dict[str, Destination] = {"file": FileInbox(settings.inbox_file)}
    return {name: available[name] for name in settings.inbox_destinations}


@asynccontextmanager
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    flow = load_flow(settings.flow_file, settings.guidance_file)
    database = create_engine(settings.database_url)
    try:
        await upgrade_database(database)
        uow = unit_of_work_factory(database)
        worker = DeliveryWorker(
            uow,
            build_destinations(settings),
            utc_now,
            max_attempts=settings.delivery_max_attempts,
            backoff_base=timedelta(seconds=settings.delivery_backoff_seconds),
            backoff_max=timedelta(seconds=settings.delivery_backoff_max_seconds),
        )
        engine = Engine(flow, phone_region=settings.phone_region, draft_keep_days=settings.draft_keep_days)
        service = ReportingService(engine, uow, utc_now, settings.inbox_destinations, on_queued=worker.wake)
        async with uow() as work:
            forgotten = await work.conversations.delete_expired(utc_now())
            await work.commit()
        if forgotten:
            log.info("forgot %d cancelled drafts past their keep-until date", forgotten)
        yield Runtime(settings, database, uow, service, worker, TriageService(uow, utc_now))
    finally:
        await database.dispose()


async def chat(rt: Runtime, user: str) -> int:
    stop = asyncio.Event()
    delivering = asyncio.create_task(rt.worker.run(stop))
    try:
        return await run_chat(rt.service, user=user, workspace="local")
    finally:
        # The report should be in the inbox before the person closes the terminal.
        await rt.worker.drain(timeout=10)
        stop.set()
        await delivering


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with runtime(settings) as rt:
        if args.command in (None, "chat"):
            return await chat(rt, getattr(args, "user", None) or _login_name())
        if args.command == "db":
            print(f"Database is up to date ({_safe_url(settings.database_url)}).")
            return 0
        return await run_command(args, rt.unit_of_work, utc_now, sys.stdout, sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv(Path.cwd() / ".env", override=False)
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(os.environ, Path.cwd())
    except SettingsError as exc:
        print(f"tipline: {exc}", file=sys.stderr)
        return 2
    level = settings.log_level
    if args.command in (None, "chat") and "LOG_LEVEL" not in os.environ:
        level = "WARNING"  # the terminal is the chat: keep routine log lines out of the conversation
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        return asyncio.run(run(args, settings))
    except BrokenPipeError:
        # The reader went away (`reports export | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
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
