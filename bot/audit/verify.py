"""Walks the audit chain and names every entry that was edited, inserted or deleted."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.audit.chain import GENESIS, ChainedEntry, ChainHead, entry_hash


class Tampering(StrEnum):
    EDITED = "edited"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class Finding:
    kind: Tampering
    says: str  # one line, naming the row (its id and sequence)


@dataclass
class Verdict:
    checked: int = 0
    head: ChainHead = field(default_factory=lambda: ChainHead(0, GENESIS))
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _row(entry: ChainedEntry) -> str:
    return f"row id {entry.row_id} (sequence {entry.sequence}, {entry.event.action})"


def _gap(first: int, last: int) -> str:
    return f"sequence {first}" if first == last else f"sequences {first}-{last}"


async def verify_chain(head: ChainHead, entries: AsyncIterable[ChainedEntry]) -> Verdict:
    """`entries` in sequence order (then row id). The head row says where the chain ends, so
    entries cut from its end are found too, and an entry added past it is an insertion."""
    verdict = Verdict(head=head)
    expected, prev_hash = 1, GENESIS
    previous: ChainedEntry | None = None
    for_head_check: ChainedEntry | None = None
    async for entry in entries:
        verdict.checked += 1
        if entry.sequence > head.sequence or entry.sequence < expected:
            # Past the newest entry the writer recorded, before the first, or a second
            # entry claiming a sequence already taken: no writer of ours put it there.
            where = "past the end of the chain" if entry.sequence > head.sequence else "out of place"
            verdict.findings.append(Finding(Tampering.INSERTED, f"{_row(entry)}: inserted ({where})"))
            continue
        if entry.sequence > expected:
            after = f"after row id {previous.row_id}" if previous else "at the start"
            verdict.findings.append(
                Finding(
                    Tampering.DELETED,
                    f"{_gap(expected, entry.sequence - 1)}: deleted ({after}, before {_row(entry)})",
                )
            )
            prev_hash = entry.prev_hash  # carry on checking from the entry after the gap
        if entry_hash(entry.prev_hash, entry.sequence, entry.event) != entry.hash:
            verdict.findings.append(
                Finding(Tampering.EDITED, f"{_row(entry)}: edited (its content no longer matches its hash)")
            )
        elif entry.prev_hash != prev_hash and previous is not None:
            # This entry is intact, yet the one before it is not the one it was chained to:
            # that one was changed and given a new hash.
            verdict.findings.append(
                Finding(
                    Tampering.EDITED,
                    f"{_row(previous)}: edited (re-hashed; {_row(entry)} was chained to a different entry)",
                )
            )
        elif entry.prev_hash != prev_hash:
            verdict.findings.append(
                Finding(Tampering.EDITED, f"{_row(entry)}: edited (it does not start the chain)")
            )
        prev_hash, expected, previous = entry.hash, entry.sequence + 1, entry
        for_head_check = entry
    if expected <= head.sequence:
        after = f"after row id {previous.row_id}" if previous else "the whole trail"
        verdict.findings.append(
            Finding(Tampering.DELETED, f"{_gap(expected, head.sequence)}: deleted ({after}, at the end)")
        )
    elif for_head_check is not None and for_head_check.hash != head.hash:
        verdict.findings.append(
            Finding(
                Tampering.EDITED,
                f"{_row(for_head_check)}: edited (re-hashed; the chain head records a different hash)",
            )
        )
    return verdict
