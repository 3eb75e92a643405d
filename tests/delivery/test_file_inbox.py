"""The file inbox: whole lines only, one line per delivery, safe with concurrent writers."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from adapters.inbox.file_inbox import FileInbox
from bot.destinations import DeliveryFailed
from bot.inbox_events import EventKind, InboxEvent
from bot.ports import OutboxEntry
from bot.report import Report
from tests.factories import CREATED_AT, Clock, make_report
from tests.factories import make_entry as make_report_entry

SECRET = "SENTINEL-the-colonel-asked-about-project-x"


def make_entry(report: Report | None = None) -> OutboxEntry:
    """An entry whose payload is the inbox event envelope, as the service queues it."""
    report = report or make_report()
    event = InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT)
    return make_report_entry(report, payload=event.model_dump(mode="json"))


def _lines(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    return [json.loads(line) for line in raw.decode().splitlines()]


async def test_a_delivery_appends_one_json_line_readable_only_by_the_owner(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "var" / "inbox.jsonl"
    entry = make_entry()
    await FileInbox(path, clock=clock).deliver(entry)
    [line] = _lines(path)
    assert line == {
        "delivery_id": entry.idempotency_key,
        "delivered_at": "2026-03-14T09:30:00+00:00",
        **entry.payload,
    }
    assert line["event"] == "report.submitted"
    assert line["report"]["reference"] == entry.report_reference
    assert {"message", "status_change", "reminder", "thread_key"} <= line.keys()
    assert list(line)[:2] == ["delivery_id", "delivered_at"]
    assert path.stat().st_mode & 0o777 == 0o600


async def test_delivering_the_same_entry_again_writes_nothing(tmp_path: Path) -> None:
    inbox = FileInbox(tmp_path / "inbox.jsonl")
    entry, other = make_entry(), make_entry()
    await inbox.deliver(entry)
    await inbox.deliver(other)
    await inbox.deliver(entry)  # e.g. the process died before recording the first delivery
    assert [line["delivery_id"] for line in _lines(inbox.path)] == [
        entry.idempotency_key,
        other.idempotency_key,
    ]


async def test_a_line_cut_by_a_crash_is_removed_before_the_next_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = FileInbox(tmp_path / "inbox.jsonl")
    kept = make_entry()
    await inbox.deliver(kept)
    cut = make_entry(make_report(what_happened=SECRET))
    with inbox.path.open("ab") as f:
        f.write(json.dumps({"delivery_id": cut.idempotency_key, "report": cut.payload}).encode()[:70])

    caplog.set_level(logging.DEBUG)
    await inbox.deliver(cut)  # the retry of the delivery that was cut

    assert [line["delivery_id"] for line in _lines(inbox.path)] == [kept.idempotency_key, cut.idempotency_key]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "partial last line" in warnings[0].getMessage()
    assert all(
        SECRET not in r.getMessage() and cut.idempotency_key not in r.getMessage() for r in caplog.records
    )


async def test_concurrent_deliveries_in_one_event_loop_give_intact_lines(tmp_path: Path) -> None:
    inbox = FileInbox(tmp_path / "inbox.jsonl")
    entries = [make_entry() for _ in range(20)]
    await asyncio.gather(*(inbox.deliver(e) for e in entries))
    assert sorted(line["delivery_id"] for line in _lines(inbox.path)) == sorted(
        e.idempotency_key for e in entries
    )


def test_two_writers_in_different_threads_give_intact_lines_and_no_duplicates(tmp_path: Path) -> None:
    # Each thread has its own FileInbox and event loop, as a console and a server would.
    # Both also deliver the same shared entries (a lease that ran out mid-delivery).
    path = tmp_path / "inbox.jsonl"
    big = "x" * 200_000  # large lines make interleaving likely if the locking were wrong
    shared = [make_entry(make_report(what_happened=big)) for _ in range(15)]
    own = [[make_entry(make_report(what_happened=big)) for _ in range(10)] for _ in range(2)]
    errors: list[BaseException] = []

    async def deliver_all(entries: list[OutboxEntry]) -> None:
        inbox = FileInbox(path)
        for entry in entries:
            await inbox.deliver(entry)

    def worker(entries: list[OutboxEntry]) -> None:
        try:
            asyncio.run(deliver_all(entries))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(own[i] + shared,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    lines = _lines(path)
    expected = [e.idempotency_key for e in own[0] + own[1] + shared]
    assert sorted(line["delivery_id"] for line in lines) == sorted(expected)
    assert all(line["report"]["what_happened"] == big for line in lines)


async def test_an_unwritable_inbox_is_a_retryable_failure(tmp_path: Path) -> None:
    path = tmp_path / "inbox.jsonl"
    inbox = FileInbox(path)
    path.mkdir()  # something is in the way
    with pytest.raises(DeliveryFailed) as caught:
        await inbox.deliver(make_entry())
    assert type(caught.value) is DeliveryFailed
