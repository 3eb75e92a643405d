"""What statistics are made of: the few facts of each report and check they read, and the result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class ReportFacts:
    """One report as statistics see it: no words of the reporter, no indicator."""

    created_at: datetime
    approach_kinds: tuple[str, ...]
    channel: str | None
    reported_from: str  # the platform the reporter used (slack, teams, ...)
    acknowledged_at: datetime | None
    closed_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class CheckFacts:
    """One "check this contact" by a member of staff: only when and how it ended."""

    at: datetime
    outcome: str


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WeekCounts(_Frozen):
    """One ISO week (Monday to Sunday, UTC)."""

    starts_on: date
    reports: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)  # a report of two kinds counts in each
    by_channel: dict[str, int] = Field(default_factory=dict)  # "unknown" when the reporter did not say
    checks: int = 0


class Statistics(_Frozen):
    """Everything `reports stats` prints and the chart shows; JSON-safe, so the weekly digest
    carries it in the outbox and each channel renders it when it delivers."""

    since: date
    until: AwareDatetime
    weeks: list[WeekCounts]
    reports: int
    by_kind: dict[str, int]
    by_channel: dict[str, int]
    by_platform: dict[str, int]
    checks: int
    checks_by_outcome: dict[str, int]
    acknowledged: int
    median_to_acknowledge_hours: float | None
    closed_with_outcome: int
    median_to_outcome_hours: float | None
    by_outcome: dict[str, int]
