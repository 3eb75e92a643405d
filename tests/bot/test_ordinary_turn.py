"""The ordinary turn through the conversation store (as app.py wires it): one load and one
save, with the same guarantees as a turn through the unit of work."""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from bot.messages import Question, Text, TextAnswer, TextQuestion
from bot.ports import OutboxStatus
from tests.bot.test_service import ALICE, FULL, KEY, make_service, say_all
from tests.conftest import on_postgres


async def test_each_answer_is_saved_before_the_reply_so_a_new_process_resumes(uow_factory, conversations):
    first = make_service(uow_factory, conversations=conversations)
    await first.open(KEY, ALICE)
    await say_all(first, FULL[:5])
    restarted = make_service(uow_factory)  # through the unit of work: it reads what the store wrote
    reply = await restarted.open(KEY, ALICE)
    assert isinstance(reply.messages[-1], TextQuestion) and reply.messages[-1].key == "profile_url"
    again = make_service(uow_factory, conversations=conversations)
    reply = await say_all(again, [*FULL[5:], "send"])
    assert any(isinstance(m, Text) and "Your reference is" in m.text for m in reply.messages)
    async with uow_factory() as uow:
        report = await uow.reports.get(reply.reference)
        entries = await uow.outbox.list(OutboxStatus.PENDING)
    assert report is not None and [e.destination for e in entries] == ["file"]


async def test_an_ordinary_answer_is_one_load_and_one_save(uow_factory, conversations, engine):
    """The count that keeps the turn at two calls into the database layer: no unit of work,
    no ORM session, and on SQLite a handful of statements in two thread hand-offs."""
    service = make_service(uow_factory, conversations=conversations)
    await service.open(KEY, ALICE)
    await service.handle(KEY, ALICE, TextAnswer(FULL[0]), event=("slack", "Ev1"))
    through_engine: list[str] = []
    on_store: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        through_engine.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    if not on_postgres():
        conversations.trace = on_store.append
    before = conversations.hand_offs
    try:
        reply = await service.handle(KEY, ALICE, TextAnswer(FULL[1]), event=("slack", "Ev2"))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        conversations.trace = None
    assert isinstance(reply.messages[-1], Question) and reply.messages[-1].key == "pace"
    assert conversations.hand_offs - before == 2
    if on_postgres():
        # A load and a save, one statement each, each its own transaction.
        assert len(through_engine) == 2
        assert not any(s.lstrip().upper().startswith(("BEGIN", "COMMIT")) for s in through_engine)
    else:
        assert through_engine == []  # the engine's (aiosqlite) connections are not touched
        assert [s.split()[0] for s in on_store] == ["SELECT", "BEGIN", "INSERT", "UPDATE", "COMMIT"]


async def test_a_redelivered_event_is_handled_once_even_when_both_arrive_together(uow_factory, conversations):
    service = make_service(uow_factory, conversations=conversations)
    await service.open(KEY, ALICE)
    event_id = ("slack", "Ev0123")
    replies = await asyncio.gather(
        service.handle(KEY, ALICE, TextAnswer(FULL[0]), event=event_id),
        service.handle(KEY, ALICE, TextAnswer(FULL[0]), event=event_id),
    )
    assert sorted(r.duplicate for r in replies) == [False, True]
    later = await service.handle(KEY, ALICE, TextAnswer(FULL[0]), event=event_id)
    assert later.duplicate and later.messages == []
    reply = await service.handle(KEY, ALICE, TextAnswer(FULL[1]), event=("slack", "Ev0124"))
    assert isinstance(reply.messages[-1], Question) and reply.messages[-1].key == "pace"


async def test_two_messages_at_once_are_both_applied_in_turn(uow_factory, conversations):
    """Optimistic locking: the second save finds the version moved, and the turn runs again on top."""
    service = make_service(uow_factory, conversations=conversations)
    await service.open(KEY, ALICE)
    await asyncio.gather(
        service.handle(KEY, ALICE, TextAnswer(FULL[0])),
        service.handle(KEY, ALICE, TextAnswer(FULL[1])),
    )
    reply = await service.open(KEY, ALICE)
    assert isinstance(reply.messages[-1], Question) and reply.messages[-1].key == "pace"


async def test_a_turn_through_the_store_and_one_through_the_unit_of_work_never_overwrite_each_other(
    uow_factory, conversations
):
    fast = make_service(uow_factory, conversations=conversations)
    slow = make_service(uow_factory)
    await fast.open(KEY, ALICE)
    await asyncio.gather(
        fast.handle(KEY, ALICE, TextAnswer(FULL[0])),
        slow.handle(KEY, ALICE, TextAnswer(FULL[1])),
    )
    reply = await fast.open(KEY, ALICE)
    assert isinstance(reply.messages[-1], Question) and reply.messages[-1].key == "pace"
