"""The file inbox writes the inbox event envelope with the delivery's own keys in front."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.inbox.file_inbox import FileInbox
from bot.inbox_events import EventKind, ThreadMessage
from bot.ports import MessageKind
from tests.factories import Clock
from tests.inbox.events import entry_for, event


async def test_a_thread_message_is_written_as_one_line_with_the_envelope_at_top_level(tmp_path: Path) -> None:
    answer = event(
        EventKind.MESSAGE,
        message=ThreadMessage(id=3, kind=MessageKind.ANSWER, body="Again today.", from_label="Reporter"),
    )
    entry = entry_for(answer, "file", suffix=":m3")
    entry.payload["delivery_id"] = "forged"  # a payload cannot pass itself off as another delivery
    inbox = FileInbox(tmp_path / "inbox.jsonl", clock=Clock())
    await inbox.deliver(entry)

    [line] = [json.loads(raw) for raw in inbox.path.read_text().splitlines()]
    assert line["delivery_id"] == entry.idempotency_key
    assert line["delivered_at"] == "2026-03-14T09:30:00+00:00"
    assert line["event"] == "report.message"
    assert line["thread_key"] == answer.thread_key
    assert line["message"] == {
        "id": 3,
        "kind": "answer",
        "body": "Again today.",
        "from_label": "Reporter",
        "in_reply_to": None,
    }
    assert line["status_change"] is None and line["reminder"] is None
    assert line["report"]["reference"] == answer.report.reference
