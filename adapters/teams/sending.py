"""Sending, replacing and threading activities through a conversation of the transport, with retries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.teams.addresses import InboxChannel
from adapters.teams.retry import with_retries
from adapters.teams.transport import Conversation, Transport


async def send_all(conversation: Conversation, payloads: Sequence[Mapping[str, Any]]) -> list[str]:
    """Send each activity in order into the conversation; returns their ids."""
    ids: list[str] = []
    for payload in payloads:
        sent = await with_retries(
            lambda p=payload: conversation.send(p),  # type: ignore[misc]
            "a message",
            long_waits_to_caller=False,
        )
        ids.append(sent)
    return ids


async def replace(conversation: Conversation, activity_id: str, payload: Mapping[str, Any]) -> None:
    """Put `payload` in place of an activity the bot sent earlier in this conversation."""
    await with_retries(
        lambda: conversation.update(activity_id, payload), "a card update", long_waits_to_caller=False
    )


async def post_in_channel(transport: Transport, channel: InboxChannel, payload: Mapping[str, Any]) -> str:
    """Start a new post in a channel (the bot may only message a channel first this way);
    returns the post's id, which names its reply chain. Not retried here: the caller decides."""
    return await transport.post_in_channel(channel, payload)
