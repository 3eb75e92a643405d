"""Campaigns: the reports about one persona or cover company, and the evidence that links them.

A link between two reports names the kinds of indicator they share and how strongly, never
the values: those stay in the reports (and are read from them when a campaign is shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# How strong a link of each kind is, 0-1. A profile, an address or a phone number is one
# account; a company's website or email domain is a firm, which may employ many people; a
# name and an organisation together are strong when both are close (scaled by the score).
STRENGTH = {
    "profile": 1.0,
    "email": 1.0,
    "phone": 1.0,
    "website": 0.8,
    "email domain": 0.7,
    "organisation": 0.6,
    "name + organisation": 0.9,
    "name": 0.5,  # a full name no one else in the reports is seen using (bot.campaigns.resolution)
}
STRONG = frozenset({"profile", "email", "phone"})


class CampaignStatus(StrEnum):
    OPEN = "open"  # formed by automatic linking; not yet looked at
    CONFIRMED = "confirmed"  # the security team agrees it is one campaign
    DISMISSED = "dismissed"  # the security team says it is not one: nothing joins it


@dataclass(frozen=True)
class Evidence:
    """One shared indicator: its kind, how strong, and (when read from the reports) the value
    as the first report spells it."""

    kind: str
    strength: float
    shown: str = ""

    def stored(self) -> dict[str, Any]:
        return {"kind": self.kind, "strength": round(self.strength, 3)}


@dataclass(frozen=True)
class Link:
    """Two reports about the same persona, and why."""

    reference: str  # the other report
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> float:
        return max((e.strength for e in self.evidence), default=0.0)

    @property
    def strong(self) -> bool:
        return any(e.kind in STRONG for e in self.evidence)


@dataclass(frozen=True)
class StoredLink:
    reference_a: str
    reference_b: str
    strength: float
    evidence: tuple[Evidence, ...]
    found_at: datetime


@dataclass(frozen=True)
class Campaign:
    id: int
    status: CampaignStatus
    title: str | None  # given by the security team; None: read from the reports
    decided: bool  # a manual decision was made: automatic linking never merges or splits it
    created_at: datetime
    updated_at: datetime
    references: tuple[str, ...] = field(default=())  # oldest first


@dataclass(frozen=True)
class Membership:
    campaign_id: int
    status: CampaignStatus
    decided: bool
