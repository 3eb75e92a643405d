"""How an audit entry is hashed into the chain.

The hash covers a canonical serialisation of the entry's *plaintext* (sequence, at, actor,
platform, action, report reference, detail) and the previous entry's hash. It never covers
how the detail is stored, so encrypting the stored detail, or re-encrypting it under a new
key, leaves every hash valid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.ports import AuditEvent

# The hash "before" the first entry.
GENESIS = "0" * 64
HASH_LENGTH = 64


@dataclass(frozen=True)
class ChainedEntry:
    """An audit entry as stored: its content, its place in the chain and the hashes."""

    row_id: int
    sequence: int
    event: AuditEvent
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainHead:
    """The newest entry's sequence and hash, kept in a row of its own (0 and GENESIS when empty)."""

    sequence: int
    hash: str


def canonical(sequence: int, event: AuditEvent) -> bytes:
    """One byte string per entry, whatever the database or the order of the detail's keys."""
    at = event.at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    document: dict[str, Any] = {
        "sequence": sequence,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor,
        "platform": event.platform,
        "action": event.action,
        "report_reference": event.report_reference,
        "detail": event.detail,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, sequence: int, event: AuditEvent) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(sequence, event))
    return digest.hexdigest()


def at_of(value: datetime) -> datetime:
    """A timestamp read back from either database, as aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
