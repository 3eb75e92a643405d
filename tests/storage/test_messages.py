"""Report threads: messages, what is waiting for the reporter, and unanswered questions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.ports import MessageKind, ReportMessage
from bot.report import Report, Reporter
from storage.db import create_engine, unit_of_work_factory
from storage.models import ReportRow
from storage.unit_of_work import SqlUnitOfWork
from tests.conftest import on_postgres
from tests.factories import CREATED_AT, make_report
from tests.keys import TEST_SEALER

UowFactory = Callable[[], SqlUnitOfWork]
NOW = CREATED_AT


def _message(report: Report, kind: MessageKind, minutes: int = 0, **overrides: Any) -> ReportMessage:
    fields: dict[str, Any] = {
        "report_reference": report.reference,
        "kind": kind,
        "body": f"{kind.value} at +{minutes}m",
        "author": "cli:alice"
        if kind not in {MessageKind.ANSWER, MessageKind.REPORTER_UPDATE}
        else "reporter",
        "created_at": NOW + timedelta(minutes=minutes),
    }
    fields.update(overrides)
    return ReportMessage(**fields)


async def _add_reports(uow_factory: UowFactory, *reports: Report) -> None:
    async with uow_factory() as uow:
        for report in reports:
            await uow.reports.add(report)
        await uow.commit()


async def _add(uow_factory: UowFactory, *messages: ReportMessage) -> list[int]:
    async with uow_factory() as uow:
        ids = [await uow.messages.add(m) for m in messages]
        await uow.commit()
    for message, message_id in zip(messages, ids, strict=True):
        message.id = message_id
    return ids


def _reporter(platform: str, user_id: str) -> Reporter:
    return Reporter(platform=platform, user_id=user_id, display_name=user_id.title(), workspace="hq")


async def test_messages_round_trip_oldest_first(uow_factory: UowFactory) -> None:
    report, other = make_report(), make_report()
    await _add_reports(uow_factory, report, other)
    question = _message(report, MessageKind.QUESTION, 5, signed_by="Alice Analyst")
    note = _message(report, MessageKind.NOTE, 1, body="internal: looks like a known persona")
    [question_id, note_id] = await _add(uow_factory, question, note)
    answer = _message(
        report, MessageKind.ANSWER, 9, in_reply_to=question_id, delivered_to_reporter_at=NOW, body="ünïcode ✓"
    )
    await _add(uow_factory, answer, _message(other, MessageKind.NOTE))

    async with uow_factory() as uow:
        thread = await uow.messages.for_report(report.reference)
        loaded = await uow.messages.get(question_id)
        missing = await uow.messages.get(999_999)
    assert question_id != note_id
    assert thread == [note, question, answer]
    assert loaded == question and loaded.signed_by == "Alice Analyst"
    assert isinstance(thread[0].kind, MessageKind)
    assert thread[2].created_at.tzinfo is not None and thread[2].delivered_to_reporter_at == NOW
    assert missing is None


async def test_a_message_needs_its_report_and_goes_with_it(uow_factory: UowFactory) -> None:
    report = make_report()
    await _add_reports(uow_factory, report)
    await _add(uow_factory, _message(report, MessageKind.QUESTION), _message(report, MessageKind.NOTE))

    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await uow.messages.add(_message(make_report(), MessageKind.NOTE))  # no such report

    async with uow_factory() as uow:
        await uow.session.execute(delete(ReportRow).where(ReportRow.reference == report.reference))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.messages.for_report(report.reference) == []


async def test_waiting_for_reporter_is_only_their_undelivered_messages_to_them(
    uow_factory: UowFactory,
) -> None:
    mine = make_report(reporter=_reporter("console", "alice"))
    mine_too = make_report(reporter=_reporter("console", "alice"))
    bobs = make_report(reporter=_reporter("console", "bob"))
    same_id_elsewhere = make_report(reporter=_reporter("slack", "alice"))
    await _add_reports(uow_factory, mine, mine_too, bobs, same_id_elsewhere)

    closing = _message(mine_too, MessageKind.CLOSING, 30)
    acknowledgement = _message(mine, MessageKind.ACKNOWLEDGEMENT, 1)
    question = _message(mine, MessageKind.QUESTION, 10)
    await _add(
        uow_factory,
        closing,
        question,
        acknowledgement,
        _message(mine, MessageKind.NOTE, 2),
        _message(mine, MessageKind.REPORTER_UPDATE, 3),
        _message(mine, MessageKind.QUESTION, 4, delivered_to_reporter_at=NOW),
        _message(bobs, MessageKind.QUESTION, 5),
        _message(same_id_elsewhere, MessageKind.ACKNOWLEDGEMENT, 6),
    )
    # An answer, written after the question it names.
    await _add(uow_factory, _message(mine, MessageKind.ANSWER, 11, in_reply_to=question.id))

    async with uow_factory() as uow:
        waiting = await uow.messages.waiting_for_reporter("console", "alice")
        nobody = await uow.messages.waiting_for_reporter("console", "carol")
    assert waiting == [acknowledgement, question, closing]
    assert nobody == []


async def test_delivery_is_recorded_once(uow_factory: UowFactory) -> None:
    report = make_report()
    await _add_reports(uow_factory, report)
    [question_id, closing_id] = await _add(
        uow_factory, _message(report, MessageKind.QUESTION), _message(report, MessageKind.CLOSING, 1)
    )
    later = NOW + timedelta(hours=1)
    async with uow_factory() as uow:
        assert await uow.messages.mark_delivered_to_reporter(question_id, NOW) is True
        assert await uow.messages.mark_delivered_to_reporter(question_id, later) is False
        assert await uow.messages.mark_delivered_to_reporter(999_999, NOW) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.messages.mark_delivered_to_reporter(question_id, later) is False
        delivered = await uow.messages.get(question_id)
        waiting = await uow.messages.waiting_for_reporter("console", "alice")
    assert delivered is not None and delivered.delivered_to_reporter_at == NOW
    assert [m.id for m in waiting] == [closing_id]


async def test_two_replicas_delivering_at_once_record_it_once(empty_database: str, engine: object) -> None:
    # The `engine` fixture migrates; each replica then gets its own engine (own connection pool).
    engines = [create_engine(empty_database) for _ in range(2)]
    factories = [unit_of_work_factory(e, TEST_SEALER) for e in engines]
    # On PostgreSQL both replicas read before either writes. SQLite takes the write lock at
    # BEGIN, so there the second simply waits (a barrier would deadlock).
    barrier = asyncio.Barrier(2) if on_postgres() else None

    async def deliver(factory: UowFactory, message_id: int) -> bool:
        async with factory() as uow:
            seen = await uow.messages.get(message_id)
            if barrier is not None:
                await barrier.wait()
                assert seen is not None and seen.delivered_to_reporter_at is None  # both saw it undelivered
            recorded = await uow.messages.mark_delivered_to_reporter(message_id, NOW)
            await uow.commit()
        return recorded

    try:
        report = make_report()
        await _add_reports(factories[0], report)
        [message_id] = await _add(factories[0], _message(report, MessageKind.QUESTION))
        results = await asyncio.gather(*(deliver(f, message_id) for f in factories))
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(results) == [False, True]


async def test_unanswered_questions_are_those_no_answer_names(uow_factory: UowFactory) -> None:
    report, other = make_report(), make_report()
    await _add_reports(uow_factory, report, other)
    answered = _message(report, MessageKind.QUESTION, 1)
    only_noted = _message(report, MessageKind.QUESTION, 2)
    open_question = _message(report, MessageKind.QUESTION, 3)
    await _add(
        uow_factory,
        answered,
        only_noted,
        open_question,
        _message(report, MessageKind.ACKNOWLEDGEMENT, 0),
        _message(other, MessageKind.QUESTION, 4),
    )
    await _add(
        uow_factory,
        _message(report, MessageKind.ANSWER, 5, in_reply_to=answered.id),
        _message(report, MessageKind.NOTE, 6, in_reply_to=only_noted.id),  # a note is no answer
        _message(report, MessageKind.REPORTER_UPDATE, 7),  # nor is an unprompted update
    )
    async with uow_factory() as uow:
        unanswered = await uow.messages.unanswered_questions(report.reference)
        none_yet = await uow.messages.unanswered_questions("TIP-ZZZZZZ")
    assert unanswered == [only_noted, open_question]
    assert none_yet == []
