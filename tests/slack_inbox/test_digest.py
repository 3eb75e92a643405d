"""The weekly digest in the Slack security channel: the deadline scheduler queues it, the real
delivery worker takes it to the Slack channel inbox, which uploads the chart through slack_sdk's
external upload to the recording Web API (SLACK_API_URL), with the headline figures as its message."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import matplotlib.image

from bot.deadlines import DeadlineScheduler
from bot.report import ApproachKind, Channel
from bot.security import DeadlinePolicy
from bot.statistics.digest import WeeklyDigest
from bot.statistics.schedule import DigestSchedule
from tests.slack_inbox.support import CHANNEL
from tests.statistics.seed import stored_report

SLOT = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # Monday 08:00 UTC


async def test_the_digest_uploads_the_chart_into_the_channel_once(uow_factory, clock, worker, slack_api):
    async with uow_factory() as uow:
        for days in (3, 4, 12):
            await uow.reports.add(
                stored_report(
                    SLOT - timedelta(days=days), [ApproachKind.RECRUITER], Channel.LINKEDIN, ack_after=5
                )
            )
        await uow.commit()
    digest = WeeklyDigest(DigestSchedule(0, time(8, 0)), ["slack"])
    clock.now = SLOT - timedelta(minutes=5)
    scheduler = DeadlineScheduler(uow_factory, DeadlinePolicy(), clock, digest=digest)
    await scheduler.run_once()
    clock.now = SLOT + timedelta(minutes=1)
    assert await scheduler.run_once() == 1
    assert await worker.run_once() == 1

    [asked] = slack_api.calls_to("files.getUploadURLExternal")
    assert asked["filename"] == "tipline-statistics-2026-W12.png"
    [done] = slack_api.calls_to("files.completeUploadExternal")
    assert done["channel_id"] == CHANNEL and "thread_ts" not in done  # in the channel, under no card
    comment = done["initial_comment"]
    assert comment.startswith("*Tipline weekly statistics, 2026-W12*")
    assert (
        "• Last week (from Mon 09 Mar): 2 reports (Recruiter or headhunter 2; LinkedIn 2); 0 checks"
        in comment
    )
    assert "• Median time to acknowledge: 5.0 hours" in comment
    png = slack_api.uploaded[done["files"][0]["id"]]
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (800, 1000)

    assert await scheduler.run_once() == 0 and await worker.run_once() == 0  # once
    assert len(slack_api.calls_to("files.completeUploadExternal")) == 1


async def test_a_refused_upload_is_retried_later_not_lost(uow_factory, clock, worker, slack_api):
    digest = WeeklyDigest(DigestSchedule(0, time(8, 0)), ["slack"])
    clock.now = SLOT - timedelta(minutes=5)
    scheduler = DeadlineScheduler(uow_factory, DeadlinePolicy(), clock, digest=digest)
    await scheduler.run_once()
    clock.now = SLOT + timedelta(minutes=1)
    await scheduler.run_once()
    slack_api.fail("files.getUploadURLExternal", "internal_error")
    await worker.run_once()
    assert slack_api.calls_to("files.completeUploadExternal") == []
    clock.advance(timedelta(minutes=5))
    await worker.run_once()
    assert len(slack_api.calls_to("files.completeUploadExternal")) == 1
