"""What the watchlist needs from storage (storage.repositories.watchlist implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.watchlist.model import EntryContent, IndexedIndicator, WatchlistEntry


class WatchlistRepository(Protocol):
    async def add(
        self,
        content: EntryContent,
        indicators: Sequence[IndexedIndicator],
        added_by: str,
        now: datetime,
    ) -> WatchlistEntry | None:
        """Store a new entry and its indicators; None when an entry with the same content
        (its fingerprint) is already stored, retired or not."""
        ...

    async def get(self, entry_id: int) -> WatchlistEntry | None: ...

    async def list(self, include_retired: bool = False, after_id: int = 0) -> Sequence[WatchlistEntry]:
        """Oldest first; only entries numbered above `after_id` when given."""
        ...

    async def retire(self, entry_id: int, by: str, now: datetime) -> WatchlistEntry | None:
        """Retired from now on (a retired entry stays retired); None when there is no such entry."""
        ...

    async def revision(self) -> tuple[int, int, str]:
        """(entries, retired entries, last change): differs whenever an entry is added or
        retired, so a cached index knows it is stale, and whether only additions happened."""
        ...

    async def retired_ids(self) -> Sequence[int]:
        """Every retired entry's number."""
        ...

    async def sharing(self, indicators: Sequence[IndexedIndicator]) -> Sequence[int]:
        """Active entries that already hold one of these normalised indicators."""
        ...

    async def record_check(self, checked_by: str, outcome: str, now: datetime) -> None: ...

    async def checks_since(self, checked_by: str, since: datetime) -> int: ...

    async def check_counts(self) -> dict[str, int]:
        """How many checks ended in each outcome, for statistics."""
        ...
