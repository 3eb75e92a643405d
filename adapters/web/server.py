"""The aiohttp server: POST /slack/events for Slack (through Bolt, which verifies every
request's signature and age before anything runs), POST /api/messages for Teams (its handler
verifies the Bot Framework's token first) and GET /healthz for the platform."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

log = logging.getLogger("tipline.web")

SLACK_EVENTS = "/slack/events"
HEALTH = "/healthz"
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused unread


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_web_app(
    slack_app: AsyncApp | None,
    ready: Callable[[], Awaitable[bool]],
    posts: Mapping[str, Handler] | None = None,
) -> web.Application:
    """`slack_app` None (Socket Mode, or no Slack): no Slack route. `posts`: other POST routes by
    path (Teams' /api/messages)."""
    app = web.Application(client_max_size=MAX_BODY)

    async def health(request: web.Request) -> web.Response:
        try:
            ok = await ready()
        except Exception:
            log.warning("the readiness check failed", exc_info=True)
            ok = False
        return web.json_response({"status": "ok" if ok else "unavailable"}, status=200 if ok else 503)

    app.router.add_get(HEALTH, health)

    if slack_app is not None:
        bolt = slack_app

        async def slack_events(request: web.Request) -> web.Response:
            bolt_request = await to_bolt_request(request)
            bolt_response = await bolt.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)

        app.router.add_post(SLACK_EVENTS, slack_events)
    for path, handler in (posts or {}).items():
        app.router.add_post(path, handler)
    return app


async def serve(app: web.Application, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, then stop accepting and close."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("listening on http://%s:%d", host, port)
        await stop.wait()
    finally:
        await runner.cleanup()


def bound_port(runner: web.AppRunner) -> int:
    """The port a started runner listens on (for tests that bind port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            return int(server.sockets[0].getsockname()[1])
    raise RuntimeError("the server is not listening")
