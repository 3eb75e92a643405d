"""`app.py serve` as a real process with Slack and Teams both configured, its log in a file."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.console import APP
from tests.inbox.conftest import free_port
from tests.slack.test_serve_process import serve_env
from tests.slack.web_api import RecordingSlackApi
from tests.teams import activities as teams
from tests.teams.jwt_issuer import TokenIssuer


@pytest.fixture
async def slack_api() -> AsyncIterator[RecordingSlackApi]:
    api = RecordingSlackApi()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
def token_issuer() -> Iterator[TokenIssuer]:
    issuer = TokenIssuer()
    issuer.start()
    try:
        yield issuer
    finally:
        issuer.stop()


@dataclass
class Served:
    process: asyncio.subprocess.Process
    base: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def stop(self, within: float = 30) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), within)


async def start_logged(tmp_path: Path, env: dict[str, str], *args: str) -> Served:
    """Start `app.py serve` (or `args`), its stderr in a file (a pipe nobody reads would fill up)."""
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(APP),
            *(args or ("serve",)),
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log_file,
        )
    served = Served(process, f"http://127.0.0.1:{env['PORT']}", log_path)
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{served.base}/healthz") as response:
                    if response.status == 200:
                        return served
            except aiohttp.ClientConnectionError:
                pass
            if process.returncode is not None or time.monotonic() > deadline:
                await served.stop()
                raise AssertionError(f"the server did not come up: {served.log()[-2000:]}")
            await asyncio.sleep(0.1)


def both_platforms_env(tmp_path: Path, database_url: str, slack_api_url: str, metadata_url: str, **extra):
    """Slack (signed requests) and Teams (Bot Framework tokens checked against `metadata_url`)."""
    env = serve_env(tmp_path, database_url, slack_api_url, free_port())
    env.update(
        MICROSOFT_APP_ID=teams.APP_ID,
        MICROSOFT_APP_PASSWORD="an-app-secret-nobody-logs",
        MICROSOFT_APP_TENANT_ID=teams.TENANT,
        TEAMS_OPENID_METADATA_URL=metadata_url,
        TEAMS_INBOX="false",
        LOG_LEVEL="DEBUG",
    )
    env.update(extra)
    return env


@pytest.fixture
async def served(request, tmp_path, empty_database, slack_api, token_issuer) -> AsyncIterator[Served]:
    """`serve` with both platforms; a test parametrised indirectly gives it TEAMS_SDK."""
    sdk = {"TEAMS_SDK": request.param} if hasattr(request, "param") else {}
    env = both_platforms_env(tmp_path, empty_database, slack_api.url, token_issuer.metadata_url, **sdk)
    running = await start_logged(tmp_path, env)
    try:
        yield running
    finally:
        await running.stop()
