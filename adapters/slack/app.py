"""The reporter's Slack app, built by a factory (no module-level app): the Bolt app with the
reporter's listeners (adapters.slack.bot) and any the composition root adds, its Web API client
(every call through SLACK_API_URL, with retries on 429), and Slack's way in: HTTP, where the web
server routes POST /slack/events to Bolt, or Socket Mode's websocket.

Every interaction is acknowledged at once and the work (a database turn, Web API calls) runs
afterwards in a tracked task, so Slack gets its answer well inside 3 seconds. Redelivered events
are handled once by the service's processed-events table.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.evidence_files import EvidenceSealer
from adapters.slack.bot import SlackBot
from adapters.slack.evidence_downloads import EvidenceDownloads
from adapters.slack.settings import SlackSettings
from bot.service import ReportingService


def make_client(settings: SlackSettings) -> AsyncWebClient:
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, timeout=15)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


@dataclass(frozen=True)
class SlackChat:
    """The Bolt app (its listeners) and the bot behind them, whose turns run after the ack."""

    app: AsyncApp
    bot: SlackBot

    @property
    def client(self) -> AsyncWebClient:
        return self.bot.client

    async def drain(self, within: float = 10.0, *, abandon: bool = False) -> None:
        """Let turns already acknowledged finish (on shutdown, and in tests); `abandon`: cancel
        what is still running after `within` seconds."""
        await self.bot.drain(within, abandon=abandon)


def build_slack_chat(
    settings: SlackSettings,
    service: ReportingService,
    *,
    register_extra: Callable[[AsyncApp], None] | None = None,
    evidence: EvidenceSealer | None = None,
) -> SlackChat:
    """The reporter's side of Slack; `register_extra(app)` adds other listeners (the security
    channel's triage) before the catch-all that quietly acknowledges other messages.
    `evidence` seals the private copies of evidence files (needed when EVIDENCE_DOWNLOAD is on)."""
    client = make_client(settings)
    app = AsyncApp(
        client=client,
        signing_secret=settings.signing_secret or "",
        process_before_response=False,
        request_verification_enabled=True,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("tipline.slack.bolt"),
    )
    downloads = None
    if settings.evidence_download:
        if evidence is None:
            raise ValueError("EVIDENCE_DOWNLOAD is on but no sealer was given for the files")
        downloads = EvidenceDownloads(settings, evidence)
    bot = SlackBot(service, client, downloads)
    bot.register(app)
    if register_extra is not None:
        register_extra(app)

    async def other_messages() -> None:
        return None  # messages in channels nobody listens to: acknowledged, so Slack doesn't retry

    app.event("message")(other_messages)
    return SlackChat(app, bot)


def socket_mode_handler(app: AsyncApp, settings: SlackSettings) -> AsyncSocketModeHandler:
    """Socket Mode (SLACK_APP_TOKEN): Slack's events come over a websocket we open, so no public
    URL is needed. Call inside the running event loop."""
    if settings.app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    return AsyncSocketModeHandler(app, app_token=settings.app_token)


@asynccontextmanager
async def connected(chat: SlackChat, settings: SlackSettings) -> AsyncIterator[AsyncApp | None]:
    """Slack's way in while the web server runs: in HTTP mode the Bolt app the server routes
    POST /slack/events to; in Socket Mode a websocket opened here (and closed after), and None
    for the server, which then serves only GET /healthz (and Teams, where configured)."""
    if not settings.socket_mode:
        yield chat.app
        return
    handler = socket_mode_handler(chat.app, settings)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield None
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
