"""A counting stand-in for the Bot Connector API, for bench/teams_turns: on 127.0.0.1, it answers
sends, replies and new channel posts, and tells the bench when an activity got its first reply."""

from __future__ import annotations

import asyncio
from collections import Counter
from urllib.parse import unquote

from aiohttp import web

from adapters.web.server import bound_port


class CountingConnector:
    """The Connector API's send and reply, counting replies per activity they answer."""

    def __init__(self) -> None:
        self.replies: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()  # every Connector call, by kind
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._ids = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        application = web.Application(client_max_size=4 * 1024 * 1024)
        application.router.add_post("/v3/conversations", self._create)
        application.router.add_route("*", "/v3/conversations/{tail:.*}", self._activity)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{bound_port(self._runner)}/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _activity(self, request: web.Request) -> web.Response:
        await request.read()
        parts = unquote(request.match_info["tail"]).split("/")
        self.calls[f"{request.method} {'/'.join(p if p == 'activities' else '*' for p in parts)}"] += 1
        if request.method == "POST" and len(parts) == 3 and parts[1] == "activities":
            answered = parts[2]
            self.replies[answered] += 1
            waiter = self._waiting.pop(answered, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        self._ids += 1
        return web.json_response({"id": f"bench-{self._ids}"})

    async def _create(self, request: web.Request) -> web.Response:
        """A new post in the inbox channel: its thread is named after the post's id."""
        body = await request.json()
        self.calls["POST conversations"] += 1
        self._ids += 1
        post = f"bench-{self._ids}"
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id") or "19:bench@thread.tacv2"
        return web.json_response({"id": f"{channel};messageid={post}", "activityId": post}, status=201)

    async def first_reply(self, activity_id: str, within: float) -> None:
        if self.replies[activity_id]:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting[activity_id] = waiter
        await asyncio.wait_for(waiter, within)
