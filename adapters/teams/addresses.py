"""Where Tipline can reach people and channels in Teams, kept in storage (uow.addresses).

A conversation reference (service URL, conversation, bot, tenant) is what the Bot Framework
needs to message someone first. Teams may move a tenant to another service URL, so the
reference is stored afresh from each message the person sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.report import Reporter

PLATFORM = "teams"
INBOX_KEY = "inbox"


def reporter_key(workspace: str | None, user_id: str) -> str:
    return f"reporter:{workspace or ''}:{user_id}"


def key_for(reporter: Reporter) -> str:
    return reporter_key(reporter.workspace, reporter.user_id)


def name_key(actor_id: str) -> str:
    """Where a security-team member's name is kept, so the inbox can say who did what."""
    return f"name:{actor_id}"


@dataclass(frozen=True)
class InboxChannel:
    """The Teams channel the security team chose as its inbox."""

    service_url: str
    channel_id: str  # 19:…@thread.tacv2: a new report starts a new post (conversation) here
    team_id: str | None
    tenant_id: str | None
    bot_id: str
    bot_name: str | None
    chosen_by: str  # the actor id of the security-team member who chose it

    def to_json(self) -> dict[str, Any]:
        return {
            "service_url": self.service_url,
            "channel_id": self.channel_id,
            "team_id": self.team_id,
            "tenant_id": self.tenant_id,
            "bot_id": self.bot_id,
            "bot_name": self.bot_name,
            "chosen_by": self.chosen_by,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InboxChannel:
        return cls(
            service_url=str(data["service_url"]),
            channel_id=str(data["channel_id"]),
            team_id=data.get("team_id"),
            tenant_id=data.get("tenant_id"),
            bot_id=str(data["bot_id"]),
            bot_name=data.get("bot_name"),
            chosen_by=str(data.get("chosen_by") or ""),
        )

    def thread(self, root_activity_id: str) -> str:
        """The conversation id of a post's reply chain, as Teams names it."""
        return f"{self.channel_id};messageid={root_activity_id}"
