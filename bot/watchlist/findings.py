"""What a report carries about the watchlist: which entries it matches, by what, how strongly.

Kept apart from the entry model so bot.report can hold findings without importing the
watchlist (which reads reports).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Strength(StrEnum):
    MATCH = "match"  # a strong indicator, or a name together with an organisation
    POSSIBLE = "possible"  # a name or an organisation alone: for analysts to judge, never the reporter


class IndicatorKind(StrEnum):
    PROFILE = "profile"
    EMAIL = "email"
    EMAIL_DOMAIN = "email domain"
    PHONE = "phone"
    WEBSITE = "website"
    NAME = "name"
    ORGANISATION = "organisation"


# Any one of these alone identifies the contact. An email domain only when it is not free mail
# (the normal form never indexes a free-mail domain).
STRONG_KINDS = frozenset(
    {IndicatorKind.PROFILE, IndicatorKind.EMAIL, IndicatorKind.EMAIL_DOMAIN, IndicatorKind.PHONE,
     IndicatorKind.WEBSITE}
)  # fmt: skip


class MatchedIndicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: IndicatorKind
    value: str  # as the watchlist entry has it
    score: int = Field(ge=0, le=100)  # 100 exact; less for a fuzzy name or organisation


class WatchlistFinding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    entry_id: int
    label: str  # the entry's first name and organisation, for the analyst
    source: str  # the alert's title
    source_date: date | None = None
    strength: Strength
    indicators: tuple[MatchedIndicator, ...]

    @property
    def is_match(self) -> bool:
        return self.strength is Strength.MATCH


def headline(finding: WatchlistFinding) -> str:
    """One line for the analyst: how strong, which entry, from which alert."""
    strength = "Match" if finding.is_match else "Possible match (for you to judge)"
    dated = f", {finding.source_date.isoformat()}" if finding.source_date else ""
    return f"{strength}: watchlist entry #{finding.entry_id}, {finding.label} — {finding.source}{dated}"


def matched_on(finding: WatchlistFinding) -> list[str]:
    """Each indicator that matched, and how strongly."""
    return [
        f"{i.kind.value}: {i.value} ({'exact' if i.score == 100 else f'{i.score}% alike'})"
        for i in finding.indicators
    ]
