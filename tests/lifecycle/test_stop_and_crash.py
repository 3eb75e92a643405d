"""A real `app.py serve` (and the console chat) stopped with SIGTERM while a delivery hangs, and
killed with SIGKILL mid-delivery: a bounded clean stop, and every report delivered once after."""

from __future__ import annotations

import asyncio
import signal
import sys
import time

from tests.e2e.console import APP
from tests.lifecycle.conftest import outbox_rows, queue_reports, webhook_env
from tests.web.conftest import start_logged

GRACE = 2  # SHUTDOWN_GRACE for these runs; the webhook would otherwise hang for 60 s


async def test_sigterm_stops_serve_within_the_grace_and_leaves_the_delivery_to_retry(
    tmp_path, empty_database, slack_api, hold_one
):
    keys = await queue_reports(empty_database, 3)
    env = webhook_env(tmp_path, empty_database, slack_api.url, hold_one.url, SHUTDOWN_GRACE=str(GRACE))
    served = await start_logged(tmp_path, env)
    await hold_one.wait_until(lambda: hold_one.held)

    signalled = time.monotonic()
    code = await served.stop(within=GRACE + 20)  # a guard: unbounded, it would take the webhook's 60 s
    took = time.monotonic() - signalled
    print(f"serve: SIGTERM to exit {took:.2f} s with SHUTDOWN_GRACE={GRACE}")

    assert code == 0
    assert len(hold_one.held) == 1 and not hold_one.answered, "nothing more was sent after the signal"
    rows = await outbox_rows(empty_database)
    assert [(key, status, attempts, owner) for key, status, attempts, owner in rows] == [
        (key, "pending", 0, None) for key in keys
    ], "the cancelled delivery is not counted as an attempt, and its lease is released"
    log = served.log()
    assert "cancelled on shutdown, not delivered" in log
    assert "Traceback" not in log


async def test_sigterm_ends_the_console_chat_cleanly_while_a_delivery_hangs(
    tmp_path, empty_database, slack_api, hold_one
):
    await queue_reports(empty_database, 1)
    env = webhook_env(tmp_path, empty_database, slack_api.url, hold_one.url, SHUTDOWN_GRACE=str(GRACE))
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        env.pop(name)
    chat = await asyncio.create_subprocess_exec(
        sys.executable,
        str(APP),
        "chat",
        "--user",
        "alice",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,  # never written to: the chat waits for a line
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await hold_one.wait_until(lambda: hold_one.held)
        signalled = time.monotonic()
        chat.send_signal(signal.SIGTERM)
        _, err_bytes = await asyncio.wait_for(chat.communicate(), GRACE + 20)
        print(f"chat: SIGTERM to exit {time.monotonic() - signalled:.2f} s with SHUTDOWN_GRACE={GRACE}")
    finally:
        if chat.returncode is None:
            chat.kill()
            await chat.wait()
    err = err_bytes.decode()
    assert chat.returncode == 0, err
    assert "Your answers so far are saved" in err
    [(_, status, attempts, owner)] = await outbox_rows(empty_database)
    assert (status, attempts, owner) == ("pending", 0, None)


async def test_after_kill_9_mid_delivery_every_report_is_delivered_once(
    tmp_path, empty_database, slack_api, hold_one
):
    keys = await queue_reports(empty_database, 5)
    env = webhook_env(tmp_path, empty_database, slack_api.url, hold_one.url, DELIVERY_LEASE="2")
    crashed = await start_logged(tmp_path, env)
    await hold_one.wait_until(lambda: hold_one.held)
    crashed.process.kill()
    assert await crashed.process.wait() == -signal.SIGKILL

    leased = [(key, owner) for key, status, _, owner in await outbox_rows(empty_database) if owner]
    assert [key for key, _ in leased] == hold_one.held, "the dead worker held only what it was sending"

    (tmp_path / "serve.log").rename(tmp_path / "crashed.log")
    restarted_at = time.monotonic()
    restarted = await start_logged(tmp_path, env)
    try:
        await hold_one.wait_until(lambda: set(hold_one.answered) == set(keys))
        print(f"restart to every report delivered: {time.monotonic() - restarted_at:.2f} s (lease 2 s)")
    finally:
        assert await restarted.stop() == 0
    assert all(count == 1 for count in hold_one.answered.values()), hold_one.answered
    rows = await outbox_rows(empty_database)
    assert {status for _, status, _, _ in rows} == {"delivered"}
