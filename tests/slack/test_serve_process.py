"""`python app.py serve` as a real process: Slack in, the security channel out, triage from the card."""

from __future__ import annotations

import asyncio
import signal
import sys
import time

import aiohttp

from tests.e2e.console import APP, app_env
from tests.inbox.conftest import free_port
from tests.slack.web_api import block_actions, deliver, encode_event, encode_interaction, message_im

SECRET = "3c6a1b8e0f2d4a7c9e5b1d3f7a9c2e4b"
CHANNEL = "C0SECURITY"


def serve_env(tmp_path, database_url, api_url, port, **extra):
    env = app_env(tmp_path, database_url)
    env.update(
        SLACK_BOT_TOKEN="xoxb-0000-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        SLACK_SECURITY_CHANNEL=CHANNEL,
        SECURITY_TEAM="slack:U0SAM",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    env.update(extra)
    return env


async def start(tmp_path, env):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(APP),
        "serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 90  # a loaded CI machine can take most of a minute to start it
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return process, base
            except aiohttp.ClientConnectionError:
                pass
            if process.returncode is not None or time.monotonic() > deadline:
                if process.returncode is None:  # still starting: stop it, or reading its stderr never ends
                    process.kill()
                err = (await process.stderr.read()).decode() if process.stderr else ""
                raise AssertionError(f"the server did not come up: {err[-2000:]}")
            await asyncio.sleep(0.2)


async def say(base, user, text, event_id):
    body, content_type = encode_event(message_im(user, text, event_id=event_id))
    delivered = await deliver(f"{base}/slack/events", body, content_type, SECRET)
    assert delivered.status == 200


async def test_serve_takes_a_report_from_slack_and_the_team_triages_it_in_the_channel(
    tmp_path, empty_database, slack_api
):
    env = serve_env(tmp_path, empty_database, slack_api.url, free_port())
    process, base = await start(tmp_path, env)
    try:
        script = [
            "report",
            "A headhunter offered paid insight reports",
            "Anna, linkedin.com/in/anna-x",
            "2",
            "send",
            "2",
        ]
        for n, text in enumerate(script):
            await say(base, "U0ALICE", text, f"Ev{n:04d}")
            await slack_api.settle()

        def channel_cards():
            return [c for c in slack_api.calls_to("chat.postMessage") if c.get("channel") == CHANNEL]

        await slack_api.wait_until(lambda: bool(channel_cards()), within=30, what="a card in the channel")
        await slack_api.settle()
        cards = channel_cards()
        assert len(cards) == 1, "one card per report in the security channel"
        posted_to_alice = " ".join(
            str(c.get("text", "")) + str(c.get("blocks", ""))
            for c in slack_api.calls_to("chat.postMessage")
            if c.get("channel") != CHANNEL
        )
        reference = posted_to_alice.split("Your reference is ")[1][:10]
        assert reference in str(cards[0])

        before = len(slack_api.calls_to("chat.postMessage"))
        click = block_actions(
            "U0SAM",
            [{"action_id": "triage:ack", "value": reference, "block_id": "triage", "type": "button"}],
            channel=CHANNEL,
            message_ts="1700000000.000100",
        )
        body, content_type = encode_interaction(click)
        assert (await deliver(f"{base}/slack/events", body, content_type, SECRET)).status == 200
        await slack_api.wait_for("chat.update", within=15)
        await slack_api.settle(quiet=0.5)
        pushed = [
            c
            for c in slack_api.calls_to("chat.postMessage")[before:]
            if str(c.get("channel", "")).startswith("D")
        ]
        assert any(
            "security team has your report" in (str(c.get("text")) + str(c.get("blocks"))) for c in pushed
        ), pushed

        outsider = block_actions(
            "U0MALLORY",
            [{"action_id": "triage:ack", "value": reference, "block_id": "triage", "type": "button"}],
            channel=CHANNEL,
        )
        body, content_type = encode_interaction(outsider)
        assert (await deliver(f"{base}/slack/events", body, content_type, SECRET)).status == 200
        refusals = await slack_api.wait_for("chat.postEphemeral", within=15)
        assert refusals[-1]["user"] == "U0MALLORY"
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0


async def test_serve_with_a_bad_slack_token_stops_with_one_line(tmp_path, empty_database, slack_api):
    env = serve_env(tmp_path, empty_database, slack_api.url, free_port(), SLACK_BOT_TOKEN="not-a-token")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(APP),
        "serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert err.decode().count("\n") == 1 and "SLACK_BOT_TOKEN" in err.decode()


async def test_debug_logs_of_a_serving_process_hold_no_report_text(tmp_path, empty_database, slack_api):
    sentinel = "Quokka-Zebra-9917"
    env = serve_env(tmp_path, empty_database, slack_api.url, free_port(), LOG_LEVEL="DEBUG")
    del env["SLACK_SECURITY_CHANNEL"]
    process, base = await start(tmp_path, env)
    try:
        for n, text in enumerate(
            ["report", f"A recruiter called {sentinel}", f"{sentinel} on LinkedIn", "2"]
        ):
            await say(base, "U0ALICE", text, f"EvD{n:03d}")
            await slack_api.settle()
        assert any(sentinel in str(call) for call in slack_api.calls_to("chat.postMessage")), "it was posted"
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
    assert process.stderr is not None
    logs = (await process.stderr.read()).decode()
    assert "serving Slack" in logs, "logging was on"
    assert sentinel not in logs
