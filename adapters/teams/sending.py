"""Sending, replacing and threading activities through a turn's connector, with retries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters

from adapters.teams.addresses import InboxChannel
from adapters.teams.retry import with_retries


def to_activity(payload: Mapping[str, Any]) -> Activity:
    return Activity().deserialize(dict(payload))


async def send_all(context: TurnContext, payloads: Sequence[Mapping[str, Any]]) -> list[str]:
    """Send each activity in order into the turn's conversation; returns their ids."""
    ids: list[str] = []
    for payload in payloads:
        activity = to_activity(payload)
        response = await with_retries(
            lambda a=activity: context.send_activity(a),  # type: ignore[misc]
            "a message",
            long_waits_to_caller=False,
        )
        ids.append(str(getattr(response, "id", "") or ""))
    return ids


async def replace(context: TurnContext, activity_id: str, payload: Mapping[str, Any]) -> None:
    """Put `payload` in place of an activity the bot sent earlier in this conversation."""
    activity = to_activity(payload)
    activity.id = activity_id
    await with_retries(lambda: context.update_activity(activity), "a card update", long_waits_to_caller=False)


async def post_in_channel(
    adapter: CloudAdapter, app_id: str, channel: InboxChannel, payload: Mapping[str, Any]
) -> str:
    """Start a new post in a channel (the bot may only message a channel first this way);
    returns the post's id, which names its reply chain. Not retried here: the caller decides."""
    posted: list[str] = []

    async def created(context: TurnContext) -> None:
        posted.append(str(context.activity.id or ""))

    parameters = ConversationParameters(
        is_group=True,
        bot=ChannelAccount(id=channel.bot_id, name=channel.bot_name),
        channel_data={"channel": {"id": channel.channel_id}, "tenant": {"id": channel.tenant_id}},
        activity=to_activity(payload),
        tenant_id=channel.tenant_id,
    )
    await adapter.create_conversation(app_id, created, parameters, "msteams", channel.service_url, None)
    return posted[0]
