"""Serving: HOST:PORT over HTTP, Socket Mode when SLACK_APP_TOKEN is set, and the hook that
lets the security channel's listeners share the app without their actions being taken."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack import app as slack_app_module
from adapters.slack.app import build_slack_chat, socket_mode_handler
from adapters.slack.settings import load_slack_settings
from adapters.web.server import build_web_app, serve
from tests.slack import web_api
from tests.slack.harness import SECRET, make_service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_for(api, **extra):
    env = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_API_URL": api.url, **extra}
    if "SLACK_APP_TOKEN" not in extra:
        env["SLACK_SIGNING_SECRET"] = SECRET
    return load_slack_settings(env)


async def wait_listening(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.01)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("the server never listened")


async def test_serve_binds_host_and_port_until_stopped(slack_api, uow_factory):
    port = free_port()
    chat = build_slack_chat(settings_for(slack_api), make_service(uow_factory))

    async def ready() -> bool:
        return True

    stop = asyncio.Event()
    server = asyncio.create_task(serve(build_web_app(chat.app, ready), "127.0.0.1", port, stop))
    await wait_listening(port)
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/healthz") as health:
        assert health.status == 200
    delivered = await web_api.deliver(
        f"http://127.0.0.1:{port}/slack/events",
        *web_api.encode_event(web_api.message_im("U1", "report")),
        SECRET,
    )
    assert delivered.status == 200
    await chat.drain()
    assert slack_api.calls_to("chat.postMessage")
    stop.set()
    await asyncio.wait_for(server, 5)
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        pass
    else:
        raise AssertionError("still listening after stop")


async def test_socket_mode_is_chosen_and_built_with_the_app_token(slack_api, uow_factory, monkeypatch):
    settings = settings_for(slack_api, SLACK_APP_TOKEN="xapp-1-A1-test", PORT=str(free_port()))
    chat = build_slack_chat(settings, make_service(uow_factory))

    handler = socket_mode_handler(chat.app, settings)
    try:
        assert isinstance(handler, AsyncSocketModeHandler)
        assert handler.app_token == "xapp-1-A1-test"
        assert handler.client.web_client.base_url == slack_api.url, (
            "apps.connections.open goes via SLACK_API_URL"
        )
    finally:
        await handler.close_async()

    connected: list[str] = []

    class Handler:
        async def connect_async(self) -> None:
            connected.append("connect")

        async def close_async(self) -> None:
            connected.append("close")

    monkeypatch.setattr(slack_app_module, "socket_mode_handler", lambda app, settings: Handler())

    async def ready() -> bool:
        return True

    stop = asyncio.Event()

    async def run() -> None:
        async with slack_app_module.connected(chat, settings) as route:
            assert route is None, "Socket Mode: the web server routes nothing to Bolt"
            await serve(build_web_app(route, ready), "127.0.0.1", settings.port, stop)

    running = asyncio.create_task(run())
    await wait_listening(settings.port)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{settings.port}/healthz") as health:
            assert health.status == 200
        async with session.post(f"http://127.0.0.1:{settings.port}/slack/events", data="{}") as events:
            assert events.status in (404, 405), "no HTTP endpoint for Slack in Socket Mode"
    stop.set()
    await asyncio.wait_for(running, 5)
    assert connected == ["connect", "close"]


async def test_other_listeners_share_the_app_and_keep_their_actions(slack_api, uow_factory):
    seen: list[str] = []

    def register_triage(app) -> None:
        async def triage_ack(ack, body):
            await ack()
            seen.append(body["actions"][0]["value"])

        app.action("triage:ack")(triage_ack)

    chat = build_slack_chat(
        settings_for(slack_api), make_service(uow_factory), register_extra=register_triage
    )

    async def ready() -> bool:
        return True

    port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(build_web_app(chat.app, ready), "127.0.0.1", port, stop))
    await wait_listening(port)
    payload = web_api.block_actions(
        "U0ANALYST", [web_api.button("triage:ack", "TIP-ABCDEF", "card|TIP-ABCDEF")], channel="C0SECURITY"
    )
    delivered = await web_api.deliver(
        f"http://127.0.0.1:{port}/slack/events", *web_api.encode_interaction(payload), SECRET
    )
    assert delivered.status == 200
    await chat.drain()
    assert seen == ["TIP-ABCDEF"]
    assert slack_api.calls_to("chat.postMessage") == [], "the reporter's side took no part"
    stop.set()
    await asyncio.wait_for(server, 5)
