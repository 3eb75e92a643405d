"""Sending, replacing and threading activities through a turn's connector, with retries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.teams.retry import with_retries


def to_activity(payload: Mapping[str, Any]) -> Activity:
    return Activity().deserialize(dict(payload))


async def send_all(context: TurnContext, payloads: Sequence[Mapping[str, Any]]) -> list[str]:
    """Send each activity in order into the turn's conversation; returns their ids."""
    ids: list[str] = []
    for payload in payloads:
        activity = to_activity(payload)
        response = await with_retries(lambda a=activity: context.send_activity(a), "a message")  # type: ignore[misc]
        ids.append(str(getattr(response, "id", "") or ""))
    return ids


async def replace(context: TurnContext, activity_id: str, payload: Mapping[str, Any]) -> None:
    """Put `payload` in place of an activity the bot sent earlier in this conversation."""
    activity = to_activity(payload)
    activity.id = activity_id
    await with_retries(lambda: context.update_activity(activity), "a card update")
