"""The weekly digest in the Teams inbox channel, over the real runtime: the deadline scheduler
queues it, the delivery worker posts it through the Bot Framework (to the recording Connector) as
a new post in the channel the security team chose: an Adaptive Card with the figures and the chart
as an Image with a data: URI, the whole under Teams' message limit."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import matplotlib.image
import pytest

from adapters.teams.card_parts import MAX_CARD_BYTES, card_bytes
from bot.ports import Deadline, DeadlineKind
from bot.report import ApproachKind, Channel
from bot.statistics.digest import digest_key
from bot.statistics.schedule import WEEKDAYS
from tests.statistics.seed import stored_report
from tests.teams import activities as teams
from tests.teams.connector import card_texts
from tests.teams.test_inbox import choose_inbox
from tests.teams.tipline import Tipline, running_tipline

NOW = datetime.now(UTC)
SLOT = NOW.replace(second=0, microsecond=0)  # a digest time that has just come


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    setting = f"{WEEKDAYS[SLOT.weekday()]} {SLOT:%H:%M}"
    async with running_tipline(
        tmp_path, empty_database, connector, token_issuer, extra_env={"STATS_DIGEST": setting}, sdk=teams_sdk
    ) as running:
        yield running


def images(card) -> list[dict]:
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Image":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


async def test_the_digest_is_a_card_with_the_chart_in_the_inbox_channel(tipline: Tipline):
    channel = await choose_inbox(tipline)
    async with tipline.runtime.unit_of_work() as uow:
        for days, kind, where in (
            (8, ApproachKind.RECRUITER, Channel.LINKEDIN),
            (9, ApproachKind.ACADEMIC, None),
        ):
            await uow.reports.add(stored_report(SLOT - timedelta(days=days), [kind], where, ack_after=3))
        await uow.deadlines.add(Deadline(digest_key(SLOT), DeadlineKind.WEEKLY_DIGEST, SLOT, SLOT))
        await uow.commit()
    before = len(tipline.connector.posted())
    await tipline.runtime.scheduler.run_once()
    await tipline.settle()

    [post] = [
        r
        for r in tipline.connector.posted()[before:]
        if r.conversation_id == teams.thread_conversation_id(teams.CHANNEL_ID, r.activity_id)
    ]
    assert channel.startswith(teams.CHANNEL_ID)
    card = post.activity["attachments"][0]["content"]
    text = "\n".join(card_texts(card))
    assert "Tipline weekly statistics" in text
    assert "2 reports in the last 12 weeks" in text
    assert "Median time to acknowledge: 3.0 hours" in text
    [image] = images(card)
    assert image["altText"].startswith("Reports per week")
    head, data = image["url"].split(",", 1)
    assert head == "data:image/png;base64"
    png = base64.b64decode(data)
    height, width = matplotlib.image.imread(io.BytesIO(png), format="png").shape[:2]
    assert width >= 400 and height >= 300
    assert card_bytes(post.activity) < MAX_CARD_BYTES

    await tipline.runtime.scheduler.run_once()  # once: the next one is next week
    await tipline.settle()
    assert [r for r in tipline.connector.posted()[before:] if images(r.activity or {})] == [post]
