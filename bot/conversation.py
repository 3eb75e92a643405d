"""A conversation as the service keeps it: whose it is, what it holds, what a turn returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.messages import Message
from bot.reporter_desk import Awaiting
from flows.state import ConversationState, Phase


@dataclass(frozen=True)
class ConversationKey:
    """Whose conversation, where: explicit so that a platform adapter can't mix two up."""

    platform: str
    workspace: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user_id}"


@dataclass(frozen=True)
class Reply:
    messages: list[Message]
    in_progress: bool  # False once nothing is waiting for the user's next message
    reference: str | None = None
    duplicate: bool = False  # the same inbound event was already handled
    queued: int = 0  # deliveries queued for the security inbox this turn


@dataclass
class Envelope:
    """What the conversations table holds for one key."""

    state: ConversationState | None = None  # the reporting flow, when one is under way
    reference: str | None = None  # the report that flow made
    awaiting: Awaiting | None = None  # the next message answers the security team

    def to_json(self) -> dict[str, Any]:
        return {
            "flow": self.state.to_json() if self.state else None,
            "report_reference": self.reference,
            "awaiting": self.awaiting.to_json() if self.awaiting else None,
        }

    @property
    def flow_running(self) -> bool:
        return self.state is not None and self.state.phase is not Phase.FINISHED
