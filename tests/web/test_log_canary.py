"""A canary typed by a reporter goes through every way a request or a delivery fails, in a
running `app.py serve` logging at DEBUG; it reaches Slack, and never the log."""

from __future__ import annotations

import json
import time

from tests.slack.test_serve_process import CHANNEL, SECRET
from tests.slack.web_api import deliver, encode_event, message_im
from tests.web.conftest import both_platforms_env, start_logged

CANARY = "Wombat-Quarry-2093"


def echo(params):
    """A Web API error that quotes the request back, as some proxies and errors do."""
    return {"ok": False, "error": "invalid_arguments", "echo": json.dumps(params, default=str)}


async def test_no_failure_path_puts_report_text_in_the_log(tmp_path, empty_database, slack_api, token_issuer):
    env = both_platforms_env(
        tmp_path,
        empty_database,
        slack_api.url,
        token_issuer.metadata_url,
        SLACK_SECURITY_CHANNEL=CHANNEL,
        DELIVERY_BACKOFF_SECONDS="0.2",
    )
    served = await start_logged(tmp_path, env)
    url = f"{served.base}/slack/events"
    try:
        # Refused before parsing: a rotated secret, a late delivery, and a body cut short.
        body, kind = encode_event(message_im("U0ALICE", f"my canary {CANARY}", event_id="EvC0001"))
        assert (await deliver(url, body, kind, "an-old-rotated-secret")).status == 401
        assert (await deliver(url, body, kind, SECRET, timestamp=int(time.time()) - 600)).status == 401
        assert (await deliver(url, body[:-7], kind, SECRET)).status == 400
        assert (await deliver(url, body[:-7], kind, None)).status == 401

        # The Web API rate-limits the first reply (429), then the security channel's first card
        # fails with an error that quotes the request back: a delivery failure, retried.
        slack_api.rate_limit("chat.postMessage", retry_after=1)
        failed: list = []

        def card_fails_once(params):
            if params.get("channel") == CHANNEL and not failed:
                failed.append(params)
                return echo(params)
            return slack_api._default_answer("chat.postMessage", params)

        slack_api.answer("chat.postMessage", card_fails_once, times=None)
        script = ["report", f"A recruiter called {CANARY}", f"{CANARY} on LinkedIn", "2", "send"]
        for n, text in enumerate(script):
            body, kind = encode_event(message_im("U0ALICE", text, event_id=f"EvC{n + 10:04d}"))
            assert (await deliver(url, body, kind, SECRET)).status == 200
            await slack_api.settle()
        cards: list = []
        for _ in range(100):
            cards = [c for c in slack_api.calls_to("chat.postMessage") if c.get("channel") == CHANNEL]
            if len(cards) >= 2:
                break
            await slack_api.settle(quiet=0.3)
        assert failed, "the first card failed"
        assert len(cards) == 2 and CANARY in str(cards[1]), "the card was delivered on the retry"
        assert len(slack_api.overrides["chat.postMessage"]) == 1, "the 429 was answered"
    finally:
        code = await served.stop()
    assert code == 0
    log = served.log()
    assert "refused a request: a bad signature" in log
    assert "refused a request: a stale" in log
    assert "does not parse" in log
    assert "outbox: delivery" in log and "failed (attempt 1" in log
    assert CANARY not in log
    assert "Traceback" not in log
