"""The Teams bot: each activity, once authenticated, to the personal chat or the team channel."""

from __future__ import annotations

import logging
from typing import Any, Final

from adapters.teams import cards, inbound
from adapters.teams.channel import TeamChannel
from adapters.teams.personal import PersonalChat
from adapters.teams.sending import send_all
from adapters.teams.transport import Conversation
from bot.messages import Text

log = logging.getLogger("tipline.teams")

GROUP_CHAT: Final = (
    "I take reports in a private chat only, so that what you tell me stays between you and the "
    "security team. Message me directly: click my name, then Chat."
)


class TeamsBot:
    def __init__(self, personal: PersonalChat, channel: TeamChannel) -> None:
        self._personal = personal
        self._channel = channel

    async def on_turn(self, context: Conversation, body: dict[str, Any]) -> None:
        """`body`: the activity as Teams sent it."""
        found = inbound.from_activity(body)
        if found is None:
            return
        if found.conversation_type == "personal":
            await self._personal.turn(context, found, body)
        elif found.conversation_type == "channel":
            await self._channel.turn(context, found, body)
        elif found.mentions_bot or found.installed:
            await self._group_chat(context)

    async def _group_chat(self, context: Conversation) -> None:
        try:
            await send_all(context, cards.render(Text(GROUP_CHAT)))
        except Exception as exc:
            log.warning("teams: could not answer in a group chat: %s", type(exc).__name__)
