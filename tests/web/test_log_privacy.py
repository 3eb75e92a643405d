"""The record scrubber, at the source: a library's line keeps its words, not what it quotes."""

from __future__ import annotations

import logging
import time

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.log_privacy import install_record_scrubber, scrub, uninstall_record_scrubber

CANARY = "Narwhal-Ballot-6620"


@pytest.fixture
def scrubbed():
    install_record_scrubber()
    try:
        yield
    finally:
        uninstall_record_scrubber()


async def test_bolts_failed_signature_check_is_logged_without_the_body(scrubbed, caplog):
    caplog.set_level(logging.DEBUG)
    app = AsyncApp(signing_secret="the-real-secret", token="xoxb-1")
    body = '{"type": "event_callback", "event": {"type": "message", "text": "' + CANARY + '"}}'
    request = AsyncBoltRequest(
        body=body,
        headers={
            "content-type": ["application/json"],
            "x-slack-request-timestamp": [str(int(time.time()))],
            "x-slack-signature": ["v0=0000"],
        },
    )
    response = await app.async_dispatch(request)
    assert response.status == 401
    assert "Invalid request signature detected" in caplog.text, "Bolt said what happened"
    assert CANARY not in caplog.text


def test_our_own_lines_are_left_as_written(scrubbed, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("bot.delivery").info("outbox: delivery %s (%s) delivered", 7, "TIP-ABC")
    logging.getLogger("some.library").warning("request failed: body=%s", CANARY)
    logging.getLogger("tipline.slack.bolt").warning("Unhandled request ({'text': '%s'})", CANARY)
    assert "outbox: delivery 7 (TIP-ABC) delivered" in caplog.text
    assert "request failed [details withheld]" in caplog.text
    assert "Unhandled request [details withheld]" in caplog.text
    assert CANARY not in caplog.text


def test_a_library_traceback_becomes_its_class_name(scrubbed, caplog):
    caplog.set_level(logging.INFO)
    try:
        raise ValueError(f"could not parse {CANARY}")
    except ValueError:
        logging.getLogger("aiohttp.server").exception("Error handling request")
    assert "Error handling request (ValueError)" in caplog.text
    assert "Traceback" not in caplog.text and CANARY not in caplog.text


def test_scrub_cuts_at_the_first_quoted_data():
    assert scrub("Sending a request - url: https://x, body: {'text': 'hi'}") == (
        "Sending a request - url: https://x [details withheld]"
    )
    assert scrub("Running upgrade 0001 to 0002") == "Running upgrade 0001 to 0002"
