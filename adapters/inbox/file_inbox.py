"""The embedded default destination: one JSON line per delivery in a local file.

Each line is `{"delivery_id": ..., "delivered_at": ..., **event}` where the event is the
inbox envelope (bot.inbox_events.InboxEvent as JSON).

Several processes (a console chat, a server) may append to the same file, and any of
them may be killed mid-write, so each append happens under an exclusive flock and:
  - first cuts off a partial last line left by a crash, so the file stays valid JSONL;
  - skips the write if the delivery id is already in the file (a crash between writing
    and marking the entry delivered must not produce a second copy);
  - writes the whole line with one write() on an O_APPEND descriptor, then fsyncs.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.destinations import DeliveryFailed
from bot.ports import OutboxEntry
from bot.report import utcnow

log = logging.getLogger(__name__)

DEFAULT_INBOX_FILE = Path("var/inbox.jsonl")
_DELIVERY_KEYS = frozenset({"delivery_id", "delivered_at"})


class FileInbox:
    name = "file"

    def __init__(self, path: Path = DEFAULT_INBOX_FILE, clock: Callable[[], datetime] = utcnow) -> None:
        self.path = path
        self._clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)

    async def deliver(self, entry: OutboxEntry) -> None:
        # The payload is the inbox event envelope (bot.inbox_events.InboxEvent), so `event`,
        # `report`, `thread_key`, `message`, `status_change` and `reminder` are top-level keys.
        # The two delivery keys come first and cannot be overridden by the payload.
        line = {
            "delivery_id": entry.idempotency_key,
            "delivered_at": self._clock().astimezone(UTC).isoformat(),
            **{k: v for k, v in entry.payload.items() if k not in _DELIVERY_KEYS},
        }
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            # File locks and fsync block: keep them off the event loop.
            await asyncio.to_thread(self._append, entry.idempotency_key, data)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write the inbox file ({type(exc).__name__})") from exc

    def _append(self, delivery_id: str, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        # 0o600: the file holds reports; nobody else on the machine should read it.
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
            existing = _read_all(fd)
            if existing and not existing.endswith(b"\n"):
                keep = existing.rfind(b"\n") + 1
                os.ftruncate(fd, keep)
                log.warning(
                    "inbox: removed a partial last line (%d bytes) left by an interrupted write in %s",
                    len(existing) - keep,
                    self.path,
                )
                existing = existing[:keep]
            if _already_delivered(existing, delivery_id):
                return
            written = os.write(fd, data)
            if written != len(data):
                # Disk full or similar: take the fragment back rather than leave it.
                os.ftruncate(fd, len(existing))
                raise OSError(f"short write to the inbox file ({written} of {len(data)} bytes)")
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_directory(self.path.parent)


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks: list[bytes] = []
    offset = 0
    while offset < size:
        chunk = os.pread(fd, min(1 << 20, size - offset), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _already_delivered(existing: bytes, delivery_id: str) -> bool:
    # Cheap substring test first; parse only the lines that could match.
    needle = json.dumps(delivery_id, ensure_ascii=False).encode("utf-8")
    if needle not in existing:
        return False
    for raw in existing.split(b"\n"):
        if needle not in raw:
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("delivery_id") == delivery_id:
            return True
    return False


def _fsync_directory(directory: Path) -> None:
    # A new file's directory entry is only durable once the directory itself is synced.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
