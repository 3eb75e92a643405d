"""A webhook receiver that can hold deliveries, a security.yaml that routes to it, and reports
queued straight into the outbox, for stopping and crashing real `app.py` processes."""

from __future__ import annotations

import asyncio
import os
import pwd
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select

from storage.db import create_engine, unit_of_work_factory, upgrade_database
from storage.models import OutboxRow
from tests.factories import make_entry, make_report
from tests.inbox.conftest import free_port
from tests.keys import TEST_SEALER
from tests.slack.test_serve_process import serve_env
from tests.web.conftest import slack_api

__all__ = ["slack_api"]

WEBHOOK_SECRET = "a-webhook-signing-secret-for-the-lifecycle-tests"
HOOK = "case-system"


class HoldingReceiver:
    """The security team's webhook: holds the first `hold` deliveries (never answers them), then
    answers 200. Records which idempotency keys it answered 200, and how often."""

    def __init__(self, hold: int) -> None:
        self.hold = hold
        self.port = free_port()
        self.held: list[str] = []
        self.answered: Counter[str] = Counter()
        self.changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/tipline"

    async def _handle(self, request: web.Request) -> web.Response:
        key = request.headers.get("Idempotency-Key", "")
        await request.read()
        if len(self.held) < self.hold:
            self.held.append(key)
            self.changed.set()
            await asyncio.Event().wait()  # until the client goes away or the test ends
        self.answered[key] += 1
        self.changed.set()
        return web.Response(text="ok")

    async def wait_until(self, condition, within: float = 60) -> None:
        async with asyncio.timeout(within):
            while not condition():
                self.changed.clear()
                await self.changed.wait()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hooks/tipline", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def hold_one() -> AsyncIterator[HoldingReceiver]:
    receiver = HoldingReceiver(hold=1)
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()


def webhook_env(tmp_path: Path, database_url: str, slack_api_url: str, hook_url: str, **extra: str):
    """`serve` with Slack, every report routed to the webhook (which waits up to a minute)."""
    (tmp_path / "security.yaml").write_text(
        f"""
team:
  slack: [U0SAM]
  cli: [{pwd.getpwuid(os.geteuid()).pw_name}]
destinations:
  {HOOK}:
    type: webhook
    url: {hook_url}
    secret_env: TIPLINE_WEBHOOK_SECRET
    timeout_seconds: 60
routes:
  default: [{HOOK}]
"""
    )
    env = serve_env(tmp_path, database_url, slack_api_url, free_port())
    for name in ("INBOX_FILE", "SECURITY_TEAM", "SLACK_SECURITY_CHANNEL"):
        env.pop(name, None)
    env.update(SECURITY_CONFIG=str(tmp_path / "security.yaml"), TIPLINE_WEBHOOK_SECRET=WEBHOOK_SECRET)
    env.update(extra)
    return env


async def queue_reports(database_url: str, count: int) -> list[str]:
    """`count` reports' deliveries to the webhook, due now; returns their idempotency keys."""
    engine = create_engine(database_url)
    try:
        await upgrade_database(engine)
        uow_factory = unit_of_work_factory(engine, TEST_SEALER)
        entries = [make_entry(make_report(), destination=HOOK) for _ in range(count)]
        async with uow_factory() as uow:
            for entry in entries:
                await uow.outbox.add(entry)
            await uow.commit()
        return [entry.idempotency_key for entry in entries]
    finally:
        await engine.dispose()


async def outbox_rows(database_url: str) -> list[tuple[str, str, int, str | None]]:
    """(idempotency key, status, attempts, lease owner) of every entry, as stored."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                select(
                    OutboxRow.idempotency_key, OutboxRow.status, OutboxRow.attempts, OutboxRow.lease_owner
                ).order_by(OutboxRow.id)
            )
            return [(row[0], row[1], row[2], row[3]) for row in result.all()]
    finally:
        await engine.dispose()
