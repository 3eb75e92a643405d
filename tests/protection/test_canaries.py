"""Canaries typed through the console and through Slack (the real app.py, signed HTTP, the
recording Slack API) are found in no file Tipline writes: the database and its WAL, evidence
copies, the logs. The export, the timeline, the security channel's card and `reports find`
still show them. On PostgreSQL the raw column contents hold none of them either.

The file inbox (INBOX_FILE) is left out on purpose: it is a destination, the security team's
copy of each report, like the Slack channel or an email."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from storage.db import create_engine
from tests.e2e.console import app_env, run_app
from tests.flows.helpers import FULL
from tests.inbox.conftest import free_port
from tests.protection.files import files_holding
from tests.protection.raw import raw_rows
from tests.slack import web_api
from tests.slack.test_serve_process import CHANNEL, SECRET, say, serve_env, start

INBOX = ("inbox.jsonl",)


async def database_holding(url: str, needles: list[str]) -> list[str]:
    engine = create_engine(url)
    try:
        text = (await raw_rows(engine)).lower()
    finally:
        await engine.dispose()
    return [n for n in needles if n.lower() in text]


async def test_console_canaries_are_sealed_everywhere_and_shown_where_they_should_be(
    tmp_path: Path, empty_database: str
):
    story, name, profile, note, question, checked = (
        "Wombat-Cinder-3318",
        "Tamsin Quillfeather",
        "quillfeather-tamsin-88",
        "Heron-Velvet-6042",
        "Marmot-Sprocket-2291",
        "gannet-brimstone-5150",
    )
    canaries = [story, name, profile, note, question, checked]
    env = {**app_env(tmp_path, empty_database), "LOG_LEVEL": "DEBUG"}
    script = [f"{FULL[0]} {story}", f"{name} at linkedin.com/in/{profile}", "2", "send", "2"]
    chat = await asyncio.to_thread(
        run_app, tmp_path, env, "chat", "--user", "alice", stdin="\n".join(script) + "\n"
    )
    assert chat.returncode == 0, chat.stderr
    reference = chat.stdout.split("Your reference is ")[1][:10]
    noted = await asyncio.to_thread(run_app, tmp_path, env, "reports", "note", reference, f"Called {note}")
    asked = await asyncio.to_thread(
        run_app, tmp_path, env, "reports", "ask", reference, f"Was it {question}?"
    )
    assert noted.returncode == 0 and asked.returncode == 0, noted.stderr + asked.stderr
    check = await asyncio.to_thread(
        run_app, tmp_path, env, "chat", "--user", "bob", stdin=f"check linkedin.com/in/{checked}\n"
    )
    assert check.returncode == 0, check.stderr

    logs = chat.stderr + noted.stderr + asked.stderr + check.stderr
    assert [c for c in canaries if c.lower() in logs.lower()] == []
    assert files_holding(tmp_path, canaries, skip=INBOX) == {}
    assert await database_holding(empty_database, canaries) == []

    exported = await asyncio.to_thread(run_app, tmp_path, env, "reports", "export", "--format", "json")
    assert story in exported.stdout and name in exported.stdout and profile in exported.stdout.lower()
    timeline = await asyncio.to_thread(run_app, tmp_path, env, "reports", "timeline", reference)
    assert note in timeline.stdout and question in timeline.stdout
    found = await asyncio.to_thread(run_app, tmp_path, env, "reports", "find", f"linkedin.com/in/{profile}")
    assert found.returncode == 0 and reference in found.stdout


async def test_slack_canaries_and_evidence_are_sealed_and_the_card_still_shows_them(
    tmp_path: Path, empty_database: str, slack_api
):
    story, name, shot = "Axolotl-Furnace-8154", "Ottoline Brackwater", b"Capybara-Ledger-4407 screenshot"
    canaries = [story, name, shot.decode()]
    evidence = tmp_path / "evidence"
    env = serve_env(
        tmp_path,
        empty_database,
        slack_api.url,
        free_port(),
        LOG_LEVEL="DEBUG",
        EVIDENCE_DOWNLOAD="on",
        EVIDENCE_DIR=str(evidence),
    )
    process, base = await start(tmp_path, env)
    try:
        await say(base, "U0ALICE", "report", "EvC0")
        await slack_api.settle()
        file = web_api.slack_file("F0CANARY", "profile.png", files_base=slack_api.base)
        slack_api.file_bytes[file["url_private_download"].split("/files-pri/", 1)[1]] = shot
        with_file = web_api.message_im("U0ALICE", f"He said {story}", files=[file], event_id="EvC1")
        body, content_type = web_api.encode_event(with_file)
        assert (await web_api.deliver(f"{base}/slack/events", body, content_type, SECRET)).status == 200
        await slack_api.settle()
        for n, text in enumerate([f"{name} on LinkedIn", "2", "send", "2"], 2):
            await say(base, "U0ALICE", text, f"EvC{n}")
            await slack_api.settle()

        def channel_cards() -> list[Any]:
            return [c for c in slack_api.calls_to("chat.postMessage") if c.get("channel") == CHANNEL]

        await slack_api.wait_until(lambda: bool(channel_cards()), within=30, what="a card in the channel")
        cards = channel_cards()
        assert list(evidence.rglob("*-profile.png")), "the evidence file was kept"
        assert cards and story in str(cards[-1]) and name in str(cards[-1]), "the card shows what was typed"
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
    assert process.stderr is not None
    logs = (await process.stderr.read()).decode()
    assert "serving Slack" in logs, "logging was on"
    assert [c for c in canaries if c.lower() in logs.lower()] == []
    assert files_holding(tmp_path, canaries, skip=INBOX) == {}
    assert await database_holding(empty_database, canaries) == []
