"""The Bot Framework connection behind one small interface, so that Teams can run on botbuilder
(archived; support ended 31 December 2025) or on its successor, the Microsoft 365 Agents SDK:
TEAMS_SDK=botbuilder|agents. Everything else in adapters/teams speaks only this interface and
plain dicts in the Bot Framework's wire shape; the SDKs stay in transport_botbuilder.py and
transport_agents*.py (import-linter keeps them there).

A stored conversation reference is the wire shape too (camelCase: serviceUrl, conversation, bot,
user, channelId), as botbuilder has always written it: either transport reads what the other
wrote, so a department can switch without losing its inbox channel or its reporters' chats.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Protocol

from adapters.teams.addresses import InboxChannel

BOTBUILDER: Final = "botbuilder"
AGENTS: Final = "agents"
SDKS: Final = (BOTBUILDER, AGENTS)


class Unauthenticated(Exception):
    """The request's token is missing, expired, forged, for another bot, from another issuer or
    for another service URL. The message names the check, never the token."""


class Conversation(Protocol):
    """One conversation, within a turn or reached proactively: what the bot may do in it."""

    async def send(self, payload: Mapping[str, Any]) -> str:
        """Send an activity into the conversation; its id (may be "" if the service gave none)."""

    async def update(self, activity_id: str, payload: Mapping[str, Any]) -> None:
        """Put `payload` in place of an activity the bot sent earlier in this conversation."""

    async def delete(self, activity_id: str) -> None:
        """Remove an activity the bot sent earlier in this conversation."""

    def reference(self) -> dict[str, Any]:
        """Where to reach this conversation first later (no activityId), in the wire shape."""


Work = Callable[[Conversation], Awaitable[None]]


class Transport(Protocol):
    """The checks on what comes in and the client for what goes out."""

    sdk: str

    async def authenticate(self, body: Mapping[str, Any], authorization: str | None) -> object:
        """Who sent `body` (opaque, for run_turn), or Unauthenticated."""

    async def run_turn(self, identity: object, body: Mapping[str, Any], work: Work) -> None:
        """Run `work` in the conversation `body` came from (replies go to its serviceUrl)."""

    async def continue_conversation(self, reference: Mapping[str, Any], work: Work) -> None:
        """Run `work` in a stored conversation (a proactive message)."""

    async def post_in_channel(self, channel: InboxChannel, payload: Mapping[str, Any]) -> str:
        """Start a new post in a channel; the post's id, which names its reply chain."""


def continuation_reference(reference: Mapping[str, Any]) -> dict[str, Any]:
    """A stored reference as both SDKs read it: the wire shape, without the activity it came from."""
    return {key: value for key, value in reference.items() if key != "activityId"}


def channel_thread_reference(channel: InboxChannel, root: str) -> dict[str, Any]:
    """The reply chain under a post in the inbox channel, as a conversation reference."""
    bot: dict[str, Any] = {"id": channel.bot_id}
    if channel.bot_name:
        bot["name"] = channel.bot_name
    conversation: dict[str, Any] = {
        "id": channel.thread(root),
        "isGroup": True,
        "conversationType": "channel",
    }
    if channel.tenant_id:
        conversation["tenantId"] = channel.tenant_id
    return {
        "channelId": "msteams",
        "serviceUrl": channel.service_url,
        "bot": bot,
        "conversation": conversation,
    }


def channel_post_parameters(channel: InboxChannel, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The Connector's ConversationParameters for a new post in `channel` (wire shape)."""
    bot: dict[str, Any] = {"id": channel.bot_id}
    if channel.bot_name:
        bot["name"] = channel.bot_name
    parameters: dict[str, Any] = {
        "isGroup": True,
        "bot": bot,
        "channelData": {"channel": {"id": channel.channel_id}, "tenant": {"id": channel.tenant_id}},
        "activity": dict(payload),
    }
    if channel.tenant_id:
        parameters["tenantId"] = channel.tenant_id
    return parameters
