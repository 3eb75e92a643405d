"""What retention needs from storage (storage.repositories.retention implements it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class ReportStub:
    """What a purged report leaves for statistics: no words, no reporter."""

    reference: str
    created_at: datetime
    closed_at: datetime | None
    purged_at: datetime
    outcome: str | None
    severity: str
    approach_kinds: tuple[str, ...]
    channel: str | None = None  # where the approach happened
    reported_from: str = ""  # the platform the reporter used
    acknowledged_at: datetime | None = None
    campaign_id: int | None = None  # the campaign it was in, which outlives it


@dataclass(frozen=True)
class Held:
    """What the database holds beside a report itself: what a purge deletes with it."""

    messages: int = 0
    deadlines: int = 0
    deliveries: int = 0  # every outbox row of the report (those not yet sent are dropped)
    pending_deliveries: int = 0
    threads: int = 0
    indicators: int = 0  # the report's entries in the indicator index (bot.campaigns)


class RetentionRepository(Protocol):
    async def closed_before(self, cutoff: datetime, after: str, limit: int) -> Sequence[str]:
        """References of closed reports last changed before `cutoff` (so closed before it too),
        in reference order, after `after`."""
        ...

    async def held(self, reference: str) -> Held: ...

    async def delete_report(self, reference: str) -> Held:
        """Delete the report and everything held beside it; what was deleted."""
        ...

    async def add_stub(self, stub: ReportStub) -> bool:
        """False when the report already has a stub (it was purged before)."""
        ...

    async def stubs(self) -> Sequence[ReportStub]: ...

    async def expired_drafts(self, now: datetime) -> Sequence[tuple[str, int, list[Any]]]:
        """Cancelled drafts past their keep-until time: (key, version, evidence files held)."""
        ...

    async def delete_draft(self, key: str, version: int, now: datetime) -> int:
        """Delete the draft if it is still that version and still expired; 1 or 0."""
        ...

    async def abandoned_drafts(self, quiet_since: datetime) -> Sequence[tuple[str, int, list[Any]]]:
        """Drafts never sent nor cancelled, untouched since before `quiet_since` (a running flow,
        no report made yet, no question of the team awaiting an answer): (key, version, files)."""
        ...

    async def delete_abandoned_draft(self, key: str, version: int, quiet_since: datetime) -> int:
        """Delete the draft if it is still that version and still quiet since then; 1 or 0."""
        ...

    async def delete_finished_conversation(self, key: str, reference: str) -> bool:
        """Forget the finished conversation at `key` if it is the one that made `reference`
        (it holds the answers the report was built from)."""
        ...

    async def drop_reporter_deliveries(self, reference: str) -> int:
        """Drop the pushes to the reporter about `reference` not yet sent."""
        ...

    async def rewrite_deliveries(
        self, reference: str, rewrite: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> int:
        """Every outbox payload of `reference` (sent or not) through `rewrite`; how many changed."""
        ...

    async def rewrite_reporter_messages(
        self, reference: str, old_author: str, new_author: str, scrub: Callable[[str | None], str | None]
    ) -> int:
        """The reporter's messages on the thread: the new author, and their words through `scrub`."""
        ...

    async def claim_run(self, name: str, now: datetime, next_run_at: datetime) -> bool:
        """True for the one caller that moves job `name`, due by `now`, on to `next_run_at`."""
        ...

    async def instance_secret(self, name: str) -> str: ...
