"""The weekly statistics digest in the Slack security channel: the chart uploaded as a PNG with
the headline figures as its message (bot.statistics.digest queues it)."""

from __future__ import annotations

import asyncio

from bot.ports import OutboxEntry
from bot.statistics.digest import DigestPayload
from bot.statistics.digest_text import digest_lines


def digest_message(payload: DigestPayload) -> str:
    """mrkdwn; every word is ours (labels and numbers), no reporter's text is in a digest."""
    head, *lines = digest_lines(payload)
    return "\n".join([f"*{head}*", *(f"• {line}" for line in lines)])


async def digest_chart(payload: DigestPayload) -> bytes:
    from bot.statistics.chart import render_png  # matplotlib: loaded by the first digest only

    return await asyncio.to_thread(render_png, payload.statistics)


def digest_payload(entry: OutboxEntry) -> DigestPayload:
    return DigestPayload.model_validate(entry.payload)


def chart_name(payload: DigestPayload) -> str:
    return f"tipline-statistics-{payload.week}.png"
