"""Walks the audit chain and names every entry that was edited, inserted or deleted."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum

from bot.audit.chain import GENESIS, ChainedEntry, ChainHead, entry_hash
from bot.ports import AuditRepository


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


async def check_trail(audit: AuditRepository, head: ChainHead | None = None) -> Verdict:
    """The whole trail, while writers may go on appending (no snapshot needed, on either
    database): the walk stops at the head read first, so an entry appended during it is left
    for the next check; then any entry past the head as it is *now* is an insertion, as no
    writer of ours commits an entry without moving the head in the same transaction."""
    start = head or await audit.head()

    async def entries() -> AsyncIterator[ChainedEntry]:
        async for entry in audit.chain(up_to=start.sequence):
            yield entry
        newest = (
            await audit.newest_sequence()
        )  # read before the head: a commit between only moves the head on
        now = await audit.head()
        if newest > now.sequence:
            async for entry in audit.chain(beyond=now.sequence):
                yield entry

    return await verify_chain(start, entries())
