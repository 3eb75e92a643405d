"""Drafts a reporter began and never sent nor cancelled are forgotten DRAFT_KEEP_DAYS after their
last answer, with the evidence files they hold: counted by `--dry-run`'s plan, purged by the
purge (and the hourly tidy), audited. A sent report's conversation stays, and so does a draft
answered since, or one the reporter comes back to while the purge runs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.conversation import ConversationKey
from bot.housekeeping import tidy
from bot.ports import ConversationStatus
from bot.report import Reporter
from bot.service import ReportingService
from flows.actions import TextAnswer
from flows.engine import Engine
from tests.factories import CREATED_AT, Clock
from tests.flows.helpers import FLOW, FULL
from tests.retention.support import retention

KEEP_DAYS = 30  # tests.retention.support.retention's DRAFT_KEEP_DAYS


def reporter(name: str) -> tuple[ConversationKey, Reporter]:
    return ConversationKey("console", "hq", name), Reporter(
        platform="console", user_id=name, display_name=name.title(), workspace="hq"
    )


async def say(service: ReportingService, name: str, texts: list[str]) -> None:
    key, who = reporter(name)
    await service.open(key, who)
    for text in texts:
        await service.handle(key, who, TextAnswer(text))


async def with_file(uow_factory, name: str, path: Path, clock: Clock) -> None:
    """The draft holding an evidence file, as an upload in Slack or Teams leaves it."""
    await asyncio.to_thread(path.write_bytes, b"\x89PNG draft screenshot")
    key = str(reporter(name)[0])
    async with uow_factory() as uow:
        stored = await uow.conversations.get(key)
        state = {**stored.state, "files": [{"id": "f1", "name": "x.png", "stored_path": str(path)}]}
        await uow.conversations.save(key, state, stored.status, stored.version, clock())
        await uow.commit()


async def status_of(uow_factory, name: str) -> ConversationStatus | None:
    async with uow_factory(readonly=True) as uow:
        stored = await uow.conversations.get(str(reporter(name)[0]))
    return None if stored is None else stored.status


async def test_a_draft_gone_quiet_for_draft_keep_days_is_purged_with_its_files(uow_factory, tmp_path: Path):
    clock = Clock(CREATED_AT)
    service = ReportingService(Engine(FLOW), uow_factory, clock, route=lambda report: ["file"])
    await say(service, "alice", FULL[:4])  # began, never sent, never cancelled
    await with_file(uow_factory, "alice", tmp_path / "alice.png", clock)
    await say(service, "bob", [*FULL, "send"])  # sent: his conversation is the report's
    clock.advance(timedelta(days=20))
    await say(service, "carol", FULL[:3])
    assert await status_of(uow_factory, "alice") is ConversationStatus.ACTIVE
    purging = retention(uow_factory)

    almost = await purging.plan(CREATED_AT + timedelta(days=KEEP_DAYS) - timedelta(minutes=1))
    assert almost.abandoned == 0
    later = CREATED_AT + timedelta(days=KEEP_DAYS, hours=1)
    plan = await purging.plan(later)
    assert (plan.abandoned, plan.draft_files, plan.drafts) == (1, 1, 0)
    assert await status_of(uow_factory, "alice") is ConversationStatus.ACTIVE  # a plan deletes nothing

    result = await purging.purge(later)
    assert (result.abandoned, result.draft_files) == (1, 1)
    assert await status_of(uow_factory, "alice") is None
    assert not (tmp_path / "alice.png").exists()
    assert await status_of(uow_factory, "bob") is ConversationStatus.FINISHED
    assert await status_of(uow_factory, "carol") is ConversationStatus.ACTIVE
    async with uow_factory(readonly=True) as uow:
        [entry] = [c.event async for c in uow.audit.chain() if c.event.action == "drafts.purged"]
    assert entry.detail == {"drafts": 0, "abandoned_drafts": 1, "evidence_files": 1}

    # Alice coming back starts afresh; the hourly tidy forgets Carol's once it is her turn.
    clock.now = later
    await say(service, "alice", FULL[:1])
    assert await status_of(uow_factory, "alice") is ConversationStatus.ACTIVE
    assert (
        await tidy(uow_factory, CREATED_AT + timedelta(days=20 + KEEP_DAYS, hours=1), purging)
    ).drafts == 1
    assert await status_of(uow_factory, "carol") is None
    assert await status_of(uow_factory, "alice") is ConversationStatus.ACTIVE


async def test_a_reporter_back_while_the_purge_runs_keeps_their_draft(uow_factory):
    clock = Clock(CREATED_AT)
    service = ReportingService(Engine(FLOW), uow_factory, clock, route=lambda report: ["file"])
    await say(service, "alice", FULL[:3])
    quiet_since = CREATED_AT + timedelta(minutes=5)
    async with uow_factory(readonly=True) as uow:
        [(key, version, _)] = await uow.retention.abandoned_drafts(quiet_since)
    await say(service, "alice", FULL[3:4])  # she answers one more question meanwhile
    async with uow_factory() as uow:
        assert await uow.retention.delete_abandoned_draft(key, version, quiet_since) == 0
        await uow.commit()
    assert await status_of(uow_factory, "alice") is ConversationStatus.ACTIVE
