"""What statistics need from storage (storage.repositories.statistics implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.statistics.model import CheckFacts, ReportFacts


class StatisticsReads(Protocol):
    async def reports_since(self, since: datetime) -> Sequence[ReportFacts]:
        """The facts of every report created at or after `since`."""
        ...

    async def checks_since(self, since: datetime) -> Sequence[CheckFacts]:
        """Every contact check made at or after `since`."""
        ...
