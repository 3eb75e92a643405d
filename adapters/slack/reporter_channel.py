"""Direct messages to a reporter: the replies of a turn, and the security team's acknowledgements,
questions and outcomes pushed to them (bot.reporter_push.ReporterChannel)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.slack.blocks import SlackMessage, render_all
from bot.messages import Message
from bot.report import Reporter


async def post(client: Any, channel: str, messages: Sequence[SlackMessage]) -> list[str]:
    """Post each message in order; returns their ts. Links are never unfurled: a reporter's text
    may hold the suspicious contact's links, and an unfurl would fetch them."""
    posted: list[str] = []
    for message in messages:
        response = await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        posted.append(str(response.get("ts", "")))
    return posted


async def open_dm(client: Any, user_id: str) -> str:
    """The app's direct-message channel with this member (conversations.open is idempotent)."""
    response = await client.conversations_open(users=user_id)
    return str(response["channel"]["id"])


class SlackReporterChannel:
    """ReporterChannel for Slack: messages reach the reporter as a DM from the app. A failure
    raises (slack_sdk's SlackApiError), so the outbox tries again."""

    def __init__(self, client: Any) -> None:
        self._client = client

    async def send(self, reporter: Reporter, messages: Sequence[Message]) -> None:
        channel = await open_dm(self._client, reporter.user_id)
        await post(self._client, channel, render_all(messages))
