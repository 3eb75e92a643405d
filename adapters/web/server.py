"""The aiohttp server: POST /slack/events for Slack, POST /api/messages for Teams (its handler
verifies the Bot Framework's token) and GET /healthz for the platform.

A Slack request's signature and age are checked on the raw bytes before anything parses them,
so nobody without the signing secret reaches a parser: a bad or unreadable signature header is
a 401, a signed body that doesn't parse a 400. Each refusal is one WARNING line naming the kind
of problem, never the body (it may be what a reporter typed). Whatever a handler raises is a
500 with one ERROR line naming the exception class, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.web.slack_requests import shape_problem, signature_problem

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
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_no_tracebacks])

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
        secret = slack_signing_secret(bolt)

        async def slack_events(request: web.Request) -> web.Response:
            body = await request.read()
            problem = signature_problem(secret, request.headers, body, time.time())
            if problem is not None:
                log.warning("slack: refused a request: %s", problem)
                return _problem(401, "invalid request signature")
            try:
                bolt_request = AsyncBoltRequest(
                    body=body.decode("utf-8"),
                    query=request.query_string,
                    headers=request.headers,  # type: ignore[arg-type]
                )
            except Exception as exc:  # JSON, form or UTF-8 that Bolt can't read, however it says so
                log.warning(
                    "slack: refused a signed request whose body does not parse (%s)", type(exc).__name__
                )
                return _problem(400, "the body does not parse")
            shape = shape_problem(bolt_request.body)
            if shape is not None:
                log.warning("slack: refused a signed request that is not a Slack payload: %s", shape)
                return _problem(400, "the body is not a Slack payload")
            try:
                bolt_response = await bolt.async_dispatch(bolt_request)
            except Exception as exc:  # a signed payload in a shape Bolt trips over (listeners run later)
                log.warning("slack: refused a signed request Bolt could not route (%s)", type(exc).__name__)
                return _problem(400, "the body is not a Slack payload")
            return await to_aiohttp_response(bolt_response)

        app.router.add_post(SLACK_EVENTS, slack_events)
    for path, handler in (posts or {}).items():
        app.router.add_post(path, handler)
    return app


def slack_signing_secret(app: AsyncApp) -> str:
    """The secret Bolt checks requests with (Bolt keeps it; there is no public accessor)."""
    secret = getattr(app, "_signing_secret", None)
    if not isinstance(secret, str) or not secret:
        raise ValueError("the Slack app has no signing secret")
    return secret


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def _no_tracebacks(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise  # aiohttp's own 4xx (413 too large, 405...): answered without a traceback
    except Exception as exc:
        # The class only: a message or traceback may quote the body.
        log.error("%s %s failed: %s", request.method, request.path, type(exc).__name__)
        return _problem(500, "internal error")


# On stop, requests being answered get this long (ours only acknowledge: the work runs after).
ANSWER_ON_STOP = 2.0


async def serve(app: web.Application, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, then stop accepting and close."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=ANSWER_ON_STOP)
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
