"""Who is acting: a person on a platform, and whether they are on the security team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class TeamMembership(Protocol):
    def allows(self, platform: str, user_id: str) -> bool: ...


@dataclass(frozen=True)
class Actor:
    platform: str  # cli | slack | teams
    user_id: str
    display_name: str | None = None

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.user_id}"

    @property
    def name(self) -> str:
        return self.display_name or self.user_id
