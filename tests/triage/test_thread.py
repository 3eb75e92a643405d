"""The thread between the security team and the reporter: questions, internal notes, and the
timeline that merges them with the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.inbox_events import EventKind
from bot.ports import MessageKind, ReportMessage
from bot.report import Outcome, Status
from bot.triage import MAX_MESSAGE, MAX_NOTE, TimelineEntry, TriageError
from tests.triage.support import (
    ACKNOWLEDGED,
    CLOSING,
    MEMBER,
    NAMED_MEMBER,
    audit_trail,
    inbox_event,
    outbox,
    store,
    stored,
    thread,
    waiting_for,
)

# --- ask -------------------------------------------------------------------------


async def test_an_unsigned_question_comes_from_the_security_team(uow_factory, triage, clock):
    report = await store(uow_factory, routed_to=["file", "email"])

    asked = await triage.ask(report.reference, "  When did they\r\nfirst write?\x07 ", MEMBER)

    assert asked.id is not None
    assert (asked.kind, asked.body, asked.signed_by) == (
        MessageKind.QUESTION,
        "When did they\nfirst write?",
        None,
    )
    assert (asked.author, asked.report_reference, asked.created_at) == (
        "cli:alice",
        report.reference,
        clock.now,
    )
    assert await thread(uow_factory, report.reference) == [asked]
    assert await waiting_for(uow_factory, report) == [asked]
    async with uow_factory() as uow:
        assert [q.id for q in await uow.messages.unanswered_questions(report.reference)] == [asked.id]

    entries = await outbox(uow_factory)
    assert sorted(e.destination for e in entries) == ["email", "file"]
    for entry in entries:
        assert entry.event == "report.message"
        event = inbox_event(entry)
        assert event.event is EventKind.MESSAGE
        assert event.message is not None
        assert event.message.model_dump() == {
            "id": asked.id,
            "kind": MessageKind.QUESTION,
            "body": "When did they\nfirst write?",
            "from_label": "Security team",
            "in_reply_to": None,
        }


async def test_a_signed_question_carries_the_name(uow_factory, triage):
    report = await store(uow_factory)

    asked = await triage.ask(
        report.reference, "Could you send a screenshot?", MEMBER, sign_as=" Alice\x1b[1m "
    )

    assert asked.signed_by == "Alice"
    [message] = await thread(uow_factory, report.reference)
    assert message.signed_by == "Alice"
    [entry] = await outbox(uow_factory)
    event = inbox_event(entry)
    assert event.message is not None
    assert event.message.from_label == "Alice"


@pytest.mark.parametrize("blank", ["   ", "\x1b[2J"])
async def test_a_blank_signature_is_no_signature(uow_factory, triage, blank):
    report = await store(uow_factory)

    asked = await triage.ask(report.reference, "Could you send a screenshot?", MEMBER, sign_as=blank)

    assert asked.signed_by is None


async def test_questions_do_not_change_the_report(uow_factory, triage):
    report = await store(uow_factory)

    await triage.ask(report.reference, "Was it on LinkedIn?", MEMBER)

    assert await stored(uow_factory, report.reference) == report
    [event] = await audit_trail(uow_factory, report.reference)
    assert (event.action, event.detail) == ("report.question", {"from_status": "new", "to_status": "new"})


async def test_a_closed_report_takes_no_questions(uow_factory, triage):
    report = await store(uow_factory)
    await triage.close(report.reference, Outcome.BENIGN, MEMBER)
    queued_before = await outbox(uow_factory)

    with pytest.raises(TriageError, match="is closed, so it can't be changed"):
        await triage.ask(report.reference, "One more thing?", MEMBER)

    assert [m.kind for m in await thread(uow_factory, report.reference)] == [MessageKind.CLOSING]
    assert await outbox(uow_factory) == queued_before
    last = (await audit_trail(uow_factory, report.reference))[-1]
    assert last.detail == {"attempted": "report.question", "reason": "closed"}


@pytest.mark.parametrize(
    ("question", "error"),
    [
        ("", "The question is empty"),
        (" \x1b[0m\x00 ", "The question is empty"),
        ("?" * (MAX_MESSAGE + 1), f"the limit is {MAX_MESSAGE:,}"),
    ],
)
async def test_a_question_must_have_sensible_length(uow_factory, triage, question, error):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match=error):
        await triage.ask(report.reference, question, MEMBER)
    assert await thread(uow_factory, report.reference) == []
    assert await outbox(uow_factory) == []


# --- note ------------------------------------------------------------------------


async def test_a_note_stays_with_the_security_team(uow_factory, triage, clock):
    report = await store(uow_factory, routed_to=["file", "email"])

    noted = await triage.note(
        report.reference, "Same profile as last month.\nCheck the company.", NAMED_MEMBER
    )

    assert noted.id is not None
    assert (noted.kind, noted.body, noted.author, noted.signed_by) == (
        MessageKind.NOTE,
        "Same profile as last month.\nCheck the company.",
        "slack:U0123ABCD",
        "Bob Analyst",
    )
    assert await thread(uow_factory, report.reference) == [noted]
    assert await waiting_for(uow_factory, report) == []  # never shown to the reporter
    async with uow_factory() as uow:
        assert await uow.messages.unanswered_questions(report.reference) == []

    entries = await outbox(uow_factory)
    assert sorted(e.destination for e in entries) == ["email", "file"]
    for entry in entries:
        event = inbox_event(entry)
        assert (entry.event, event.event) == ("report.message", EventKind.MESSAGE)
        assert event.message is not None
        assert (event.message.id, event.message.kind, event.message.from_label) == (
            noted.id,
            MessageKind.NOTE,
            "Bob Analyst",
        )


async def test_a_note_is_signed_with_the_login_when_there_is_no_display_name(uow_factory, triage):
    report = await store(uow_factory)
    noted = await triage.note(report.reference, "Seen before.", MEMBER)
    assert noted.signed_by == "alice"


async def test_a_note_can_be_added_to_a_closed_report(uow_factory, triage):
    report = await store(uow_factory)
    closed = await triage.close(report.reference, Outcome.LIKELY_HOSTILE, MEMBER)

    await triage.note(report.reference, "Another report of the same profile came in.", MEMBER)

    assert await stored(uow_factory, report.reference) == closed
    assert [m.kind for m in await thread(uow_factory, report.reference)] == [
        MessageKind.CLOSING,
        MessageKind.NOTE,
    ]
    # Only the closing message ever waits for the reporter.
    assert [m.kind for m in await waiting_for(uow_factory, report)] == [MessageKind.CLOSING]


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "The note is empty"), ("\t \n", "The note is empty"), ("n" * (MAX_NOTE + 1), f"{MAX_NOTE:,}")],
)
async def test_a_note_must_have_sensible_length(uow_factory, triage, text, error):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match=error):
        await triage.note(report.reference, text, MEMBER)
    assert await thread(uow_factory, report.reference) == []


async def test_a_long_note_within_the_limit_is_kept_whole(uow_factory, triage):
    report = await store(uow_factory)
    noted = await triage.note(report.reference, "n" * MAX_NOTE, MEMBER)
    assert len(noted.body) == MAX_NOTE


# --- timeline --------------------------------------------------------------------


async def test_the_timeline_merges_the_audit_trail_and_the_thread_in_time_order(uow_factory, triage, clock):
    report = await store(uow_factory)
    start = clock.now

    def at(minutes: int) -> None:
        clock.now = start + timedelta(minutes=minutes)

    at(1)
    await triage.acknowledge(report.reference, MEMBER)
    at(2)
    await triage.note(report.reference, "Looks like the Acme campaign.", NAMED_MEMBER)
    # A reporter's answer, stored the way the reporter's side stores it.
    async with uow_factory() as uow:
        await uow.messages.add(
            ReportMessage(
                report.reference, MessageKind.REPORTER_UPDATE, "They wrote again.", "console:alice", start
            )
        )
        await uow.commit()
    at(3)
    await triage.ask(report.reference, "Which email address?", MEMBER, sign_as="Alice")
    at(4)
    await triage.close(report.reference, Outcome.LIKELY_HOSTILE, MEMBER)

    entries = await triage.timeline(report.reference, MEMBER)

    assert [(e.at - start, e.who, e.what, e.text) for e in entries] == [
        (timedelta(0), "console:alice", "reporter_update", "They wrote again."),
        (timedelta(minutes=1), "cli:alice", "report.acknowledged", None),
        (timedelta(minutes=1), "cli:alice", "acknowledgement", ACKNOWLEDGED),
        (timedelta(minutes=2), "slack:U0123ABCD", "report.note", None),
        (
            timedelta(minutes=2),
            "slack:U0123ABCD",
            "note",
            "Looks like the Acme campaign.",
        ),
        (timedelta(minutes=3), "cli:alice", "report.question", None),
        (timedelta(minutes=3), "cli:alice (signed Alice)", "question", "Which email address?"),
        (timedelta(minutes=4), "cli:alice", "report.closed", None),
        (timedelta(minutes=4), "cli:alice", "closing", CLOSING[Outcome.LIKELY_HOSTILE]),
    ]
    assert all(isinstance(e, TimelineEntry) for e in entries)
    assert entries == sorted(entries, key=lambda e: e.at)


async def test_the_timeline_shows_refusals(uow_factory, triage, clock):
    report = await store(uow_factory)
    await triage.close(report.reference, Outcome.BENIGN, MEMBER)
    clock.advance(timedelta(seconds=1))
    with pytest.raises(TriageError):
        await triage.assign(report.reference, "bob", MEMBER)

    entries = await triage.timeline(report.reference, MEMBER)

    assert [e.what for e in entries] == ["report.closed", "closing", "triage.refused"]


async def test_the_timeline_of_an_untouched_report_is_empty(uow_factory, triage):
    report = await store(uow_factory)
    assert await triage.timeline(report.reference, MEMBER) == []


async def test_reading_changes_nothing(uow_factory, triage):
    report = await store(uow_factory)

    assert await triage.get(report.reference.lower(), MEMBER) == report
    await triage.timeline(report.reference, MEMBER)

    assert (await stored(uow_factory, report.reference)).status is Status.NEW
    assert await audit_trail(uow_factory, report.reference) == []
    assert await outbox(uow_factory) == []


async def test_every_message_to_the_reporter_queues_one_push_and_notes_queue_none(uow_factory, triage):
    from tests.triage.support import reporter_pushes

    report = await store(uow_factory)
    await triage.acknowledge(report.reference, MEMBER)
    await triage.ask(report.reference, "Which app did they suggest?", MEMBER)
    await triage.note(report.reference, "Seen this name before", MEMBER)
    await triage.close(report.reference, Outcome.BENIGN, MEMBER)
    pushes = await reporter_pushes(uow_factory)
    async with uow_factory() as uow:
        to_reporter = [m for m in await uow.messages.for_report(report.reference) if m.kind.value != "note"]
    assert sorted(p.payload["message_id"] for p in pushes) == sorted(m.id for m in to_reporter)
    assert all(p.payload["reporter"]["user_id"] == report.reporter.user_id for p in pushes)
    assert all("Which app" not in str(p.payload) for p in pushes), "the words stay in the thread"
