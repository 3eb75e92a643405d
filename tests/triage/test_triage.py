"""TriageService on a real database: transitions, refusals on closed reports, deadlines,
what is queued for the inbox, and the audit trail."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.inbox_events import EventKind
from bot.ports import DeadlineKind, MessageKind
from bot.report import Contact, Outcome, Status
from bot.triage import MAX_MESSAGE, MAX_NAME, TriageError, TriageService
from tests.factories import CREATED_AT, Clock
from tests.triage.support import (
    ACKNOWLEDGED,
    CLOSING,
    FEEDBACK_DUE,
    MEMBER,
    NAMED_MEMBER,
    WARN_BEFORE,
    add_deadlines,
    audit_trail,
    deadline,
    inbox_event,
    make_triage,
    outbox,
    store,
    stored,
    thread,
    waiting_for,
)


def later(clock: Clock, minutes: int = 5) -> datetime:
    clock.advance(timedelta(minutes=minutes))
    return clock.now


# --- acknowledge -----------------------------------------------------------------


async def test_acknowledge_moves_a_new_report_on(uow_factory, triage, clock, queued):
    report = await store(uow_factory)
    now = later(clock)

    acknowledged = await triage.acknowledge(report.reference, MEMBER)

    assert acknowledged.status is Status.ACKNOWLEDGED
    assert acknowledged.acknowledged_at == now
    assert acknowledged.updated_at == now
    assert acknowledged.revision == report.revision  # revision counts the reporter's edits only
    assert await stored(uow_factory, report.reference) == acknowledged
    assert queued.calls == 1


async def test_acknowledging_tells_the_reporter_in_the_configured_words(uow_factory, triage, clock):
    report = await store(uow_factory)
    now = later(clock)

    await triage.acknowledge(report.reference, MEMBER)

    [message] = await thread(uow_factory, report.reference)
    assert message.kind is MessageKind.ACKNOWLEDGEMENT
    assert message.body == ACKNOWLEDGED
    assert (message.author, message.signed_by, message.created_at) == ("cli:alice", None, now)
    assert [m.id for m in await waiting_for(uow_factory, report)] == [message.id]


async def test_acknowledging_queues_a_status_event_for_every_destination(uow_factory, triage, clock):
    report = await store(uow_factory, routed_to=["file", "email"])
    now = later(clock)

    await triage.acknowledge(report.reference, MEMBER)

    entries = await outbox(uow_factory)
    assert sorted(e.destination for e in entries) == ["email", "file"]
    for entry in entries:
        assert (entry.report_reference, entry.event) == (report.reference, "report.status")
        assert entry.next_attempt_at == now
        event = inbox_event(entry)
        assert event.event is EventKind.STATUS
        assert event.occurred_at == now
        assert event.report.status is Status.ACKNOWLEDGED  # the report as it is now
        change = event.status_change
        assert change is not None
        assert (change.action, change.by) == ("acknowledged", "cli:alice")
        assert (change.from_status, change.to_status) == (Status.NEW, Status.ACKNOWLEDGED)
    assert len({e.idempotency_key for e in entries}) == 2


async def test_acknowledging_meets_the_acknowledge_deadline_only(uow_factory, triage, clock):
    report = await store(uow_factory)
    await add_deadlines(uow_factory, report, clock.now)
    now = later(clock)

    await triage.acknowledge(report.reference, MEMBER)

    assert (await deadline(uow_factory, report.reference, DeadlineKind.ACKNOWLEDGE)).met_at == now
    assert (await deadline(uow_factory, report.reference, DeadlineKind.FEEDBACK)).met_at is None


async def test_a_report_routed_nowhere_is_still_acknowledged(uow_factory, triage):
    report = await store(uow_factory, routed_to=[])

    acknowledged = await triage.acknowledge(report.reference, MEMBER)

    assert acknowledged.status is Status.ACKNOWLEDGED
    assert await outbox(uow_factory) == []
    assert [m.kind for m in await thread(uow_factory, report.reference)] == [MessageKind.ACKNOWLEDGEMENT]


@pytest.mark.parametrize("typed", ["{body}", "tip-{body}", "tip {body_lower}", " TIP - {body} "])
async def test_references_may_be_typed_loosely(uow_factory, triage, typed):
    report = await store(uow_factory)
    body = report.reference.removeprefix("TIP-")

    result = await triage.acknowledge(typed.format(body=body, body_lower=body.lower()), MEMBER)

    assert result.reference == report.reference
    assert result.status is Status.ACKNOWLEDGED


async def test_acknowledging_again_changes_nothing(uow_factory, triage, clock):
    report = await store(uow_factory)
    first = await triage.acknowledge(report.reference, MEMBER)
    later(clock)

    second = await triage.acknowledge(report.reference, NAMED_MEMBER)

    assert second == first
    assert await stored(uow_factory, report.reference) == first
    assert len(await thread(uow_factory, report.reference)) == 1  # the reporter is told once
    assert len(await outbox(uow_factory)) == 1
    trail = await audit_trail(uow_factory, report.reference)
    assert [e.actor for e in trail] == ["cli:alice", "slack:U0123ABCD"]
    assert trail[1].detail == {"from_status": "acknowledged", "to_status": "acknowledged"}


async def test_acknowledging_a_report_in_progress_keeps_it_in_progress(uow_factory, triage):
    report = await store(uow_factory)
    assigned = await triage.assign(report.reference, "bob", MEMBER)

    result = await triage.acknowledge(report.reference, MEMBER)

    assert result == assigned
    assert result.status is Status.IN_PROGRESS


async def test_a_closed_report_cannot_be_acknowledged(uow_factory, triage, queued):
    report = await store(uow_factory)
    closed = await triage.close(report.reference, Outcome.BENIGN, MEMBER, "Thanks, it was genuine.")
    messages_before = await thread(uow_factory, report.reference)
    calls_before = queued.calls

    with pytest.raises(TriageError, match=f"{report.reference} is closed, so it can't be changed"):
        await triage.acknowledge(report.reference, MEMBER)

    assert await stored(uow_factory, report.reference) == closed
    assert await thread(uow_factory, report.reference) == messages_before
    assert queued.calls == calls_before
    last = (await audit_trail(uow_factory, report.reference))[-1]
    assert (last.action, last.actor) == ("triage.refused", "cli:alice")
    assert last.detail == {"attempted": "report.acknowledged", "reason": "closed"}


# --- assign ----------------------------------------------------------------------


async def test_assigning_a_new_report_acknowledges_it(uow_factory, triage, clock):
    report = await store(uow_factory)
    await add_deadlines(uow_factory, report, clock.now)
    now = later(clock)

    assigned = await triage.assign(report.reference, "  bob  ", MEMBER)

    assert assigned.status is Status.IN_PROGRESS
    assert assigned.assigned_to == "bob"
    assert assigned.acknowledged_at == now
    assert await stored(uow_factory, report.reference) == assigned
    assert [m.kind for m in await thread(uow_factory, report.reference)] == [MessageKind.ACKNOWLEDGEMENT]
    assert (await deadline(uow_factory, report.reference, DeadlineKind.ACKNOWLEDGE)).met_at == now
    [entry] = await outbox(uow_factory)
    change = inbox_event(entry).status_change
    assert change is not None
    assert (change.action, change.assigned_to, change.to_status) == ("assigned", "bob", Status.IN_PROGRESS)


async def test_assigning_keeps_the_first_acknowledgement_time(uow_factory, triage, clock):
    report = await store(uow_factory)
    acknowledged = await triage.acknowledge(report.reference, MEMBER)
    later(clock)

    assigned = await triage.assign(report.reference, "bob", MEMBER)
    later(clock)
    reassigned = await triage.assign(report.reference, "carol", MEMBER)

    assert assigned.status is Status.IN_PROGRESS
    assert reassigned.acknowledged_at == acknowledged.acknowledged_at
    assert reassigned.assigned_to == "carol"
    # Acknowledged once: reassigning does not tell the reporter again.
    assert [m.kind for m in await thread(uow_factory, report.reference)] == [MessageKind.ACKNOWLEDGEMENT]
    actions = [e.action for e in await audit_trail(uow_factory, report.reference)]
    assert actions == ["report.acknowledged", "report.assigned", "report.assigned"]


async def test_a_closed_report_cannot_be_assigned(uow_factory, triage):
    report = await store(uow_factory)
    await triage.close(report.reference, Outcome.DUPLICATE, MEMBER, "Already reported, thank you.")

    with pytest.raises(TriageError, match="is closed, so it can't be changed"):
        await triage.assign(report.reference, "bob", MEMBER)
    assert (await stored(uow_factory, report.reference)).assigned_to is None


@pytest.mark.parametrize("name", ["", "   ", "\x1b[2J", "x" * (MAX_NAME + 1)])
async def test_the_analyst_must_be_named_sensibly(uow_factory, triage, name):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match="analyst's name"):
        await triage.assign(report.reference, name, MEMBER)
    assert (await stored(uow_factory, report.reference)).status is Status.NEW


# --- close -----------------------------------------------------------------------


async def test_closing_records_outcome_and_message(uow_factory, triage, clock):
    report = await store(uow_factory)
    now = later(clock)

    closed = await triage.close(
        report.reference, Outcome.LIKELY_HOSTILE, MEMBER, "Thank you. Please do not reply."
    )

    assert closed.status is Status.CLOSED
    assert closed.outcome is Outcome.LIKELY_HOSTILE
    assert closed.closing_message == "Thank you. Please do not reply."
    assert closed.closed_at == now
    assert closed.acknowledged_at == now  # closing a new report means it was seen
    assert await stored(uow_factory, report.reference) == closed
    [message] = await thread(uow_factory, report.reference)
    assert (message.kind, message.body, message.author) == (
        MessageKind.CLOSING,
        "Thank you. Please do not reply.",
        "cli:alice",
    )
    assert [m.id for m in await waiting_for(uow_factory, report)] == [message.id]


@pytest.mark.parametrize("outcome", list(Outcome))
async def test_closing_without_a_message_sends_the_outcomes_template(uow_factory, triage, outcome):
    report = await store(uow_factory)

    closed = await triage.close(report.reference, outcome, MEMBER)

    assert closed.closing_message == CLOSING[outcome]
    [message] = await thread(uow_factory, report.reference)
    assert (message.kind, message.body) == (MessageKind.CLOSING, CLOSING[outcome])


def test_the_closing_template_is_the_configured_one(triage):
    assert triage.closing_template(Outcome.BENIGN) == CLOSING[Outcome.BENIGN]
    assert triage.closing_template("duplicate") == CLOSING[Outcome.DUPLICATE]


async def test_closing_meets_both_deadlines_and_tells_the_inbox(uow_factory, triage, clock):
    report = await store(uow_factory, routed_to=["file", "webhook"])
    await add_deadlines(uow_factory, report, clock.now)
    await triage.acknowledge(report.reference, MEMBER)
    acknowledged_at = clock.now
    now = later(clock)

    await triage.close(report.reference, Outcome.CONFIRMED_HOSTILE, MEMBER)

    assert (await deadline(uow_factory, report.reference, DeadlineKind.ACKNOWLEDGE)).met_at == acknowledged_at
    assert (await deadline(uow_factory, report.reference, DeadlineKind.FEEDBACK)).met_at == now
    closing = [e for e in await outbox(uow_factory) if inbox_event(e).occurred_at == now]
    assert sorted(e.destination for e in closing) == ["file", "webhook"]
    change = inbox_event(closing[0]).status_change
    assert change is not None
    assert (change.action, change.outcome) == ("closed", Outcome.CONFIRMED_HOSTILE)
    assert (change.from_status, change.to_status) == (Status.ACKNOWLEDGED, Status.CLOSED)


async def test_closing_twice_is_refused(uow_factory, triage):
    report = await store(uow_factory)
    first = await triage.close(report.reference, Outcome.BENIGN, MEMBER, "It was genuine.")

    with pytest.raises(TriageError, match=r"is closed, so it can't be changed\. Reopen it first"):
        await triage.close(report.reference, Outcome.CONFIRMED_HOSTILE, MEMBER, "Changed my mind.")
    assert await stored(uow_factory, report.reference) == first
    assert len(await thread(uow_factory, report.reference)) == 1


@pytest.mark.parametrize("message", ["", "   ", "\x00\x07", "\x1b[31m\x1b[0m"])
async def test_an_empty_closing_message_is_refused(uow_factory, triage, message):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match="The message is empty"):
        await triage.close(report.reference, Outcome.BENIGN, MEMBER, message)
    assert (await stored(uow_factory, report.reference)).status is Status.NEW
    assert await thread(uow_factory, report.reference) == []


async def test_the_closing_message_loses_control_characters_but_keeps_lines(uow_factory, triage):
    report = await store(uow_factory)
    closed = await triage.close(
        report.reference, Outcome.BENIGN, MEMBER, "\x1b[31mThank you.\x07\r\nNothing\u202e more.\x00 "
    )
    assert closed.closing_message == "Thank you.\nNothing more."
    assert (await thread(uow_factory, report.reference))[0].body == "Thank you.\nNothing more."


async def test_the_closing_message_is_capped(uow_factory, triage):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match=f"{MAX_MESSAGE + 1:,} characters; the limit is {MAX_MESSAGE:,}"):
        await triage.close(report.reference, Outcome.BENIGN, MEMBER, "x" * (MAX_MESSAGE + 1))

    closed = await triage.close(report.reference, Outcome.BENIGN, MEMBER, "x" * MAX_MESSAGE)
    assert closed.closing_message is not None
    assert len(closed.closing_message) == MAX_MESSAGE


# --- reopen ----------------------------------------------------------------------


async def test_reopening_puts_a_closed_report_back_in_progress(uow_factory, triage, clock):
    report = await store(uow_factory, routed_to=["file"])
    await add_deadlines(uow_factory, report, clock.now)
    later(clock)
    await triage.close(report.reference, Outcome.BENIGN, MEMBER)
    closed_at = clock.now
    now = later(clock, minutes=60 * 24 * 3)

    reopened = await triage.reopen(report.reference, NAMED_MEMBER)

    assert reopened.status is Status.IN_PROGRESS
    assert (reopened.outcome, reopened.closed_at) == (None, None)
    assert reopened.updated_at == now
    assert await stored(uow_factory, report.reference) == reopened
    feedback = await deadline(uow_factory, report.reference, DeadlineKind.FEEDBACK)
    assert (feedback.due_at, feedback.warn_at) == (now + FEEDBACK_DUE, now + FEEDBACK_DUE - WARN_BEFORE)
    assert (feedback.met_at, feedback.warned_at, feedback.missed_at) == (None, None, None)
    # Only the feedback deadline starts again; the report was acknowledged long ago.
    assert (await deadline(uow_factory, report.reference, DeadlineKind.ACKNOWLEDGE)).met_at == closed_at
    last = (await outbox(uow_factory))[-1]
    change = inbox_event(last).status_change
    assert change is not None
    assert (change.action, change.by) == ("reopened", "slack:U0123ABCD")
    assert (change.from_status, change.to_status) == (Status.CLOSED, Status.IN_PROGRESS)
    assert (await audit_trail(uow_factory, report.reference))[-1].detail == {
        "from_status": "closed",
        "to_status": "in_progress",
    }


async def test_a_reopened_report_can_be_worked_on_and_closed_again(uow_factory, triage, clock):
    report = await store(uow_factory)
    await triage.close(report.reference, Outcome.BENIGN, MEMBER)
    later(clock)
    await triage.reopen(report.reference, MEMBER)
    later(clock)

    await triage.ask(report.reference, "Did they write again?", MEMBER)
    await triage.assign(report.reference, "carol", MEMBER)
    closed = await triage.close(report.reference, Outcome.LIKELY_HOSTILE, MEMBER)

    assert (closed.status, closed.outcome, closed.assigned_to) == (
        Status.CLOSED,
        Outcome.LIKELY_HOSTILE,
        "carol",
    )
    kinds = [m.kind for m in await thread(uow_factory, report.reference)]
    assert kinds == [MessageKind.CLOSING, MessageKind.QUESTION, MessageKind.CLOSING]


@pytest.mark.parametrize("status", [Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS])
async def test_only_a_closed_report_can_be_reopened(uow_factory, triage, status):
    report = await store(uow_factory, status=status)

    with pytest.raises(TriageError, match=f"{report.reference} is not closed"):
        await triage.reopen(report.reference, MEMBER)

    assert await stored(uow_factory, report.reference) == report
    assert await outbox(uow_factory) == []


# --- every action ----------------------------------------------------------------


ACTIONS = {
    "get": lambda t, ref: t.get(ref, MEMBER),
    "timeline": lambda t, ref: t.timeline(ref, MEMBER),
    "acknowledge": lambda t, ref: t.acknowledge(ref, MEMBER),
    "assign": lambda t, ref: t.assign(ref, "bob", MEMBER),
    "ask": lambda t, ref: t.ask(ref, "Did they call again?", MEMBER),
    "note": lambda t, ref: t.note(ref, "Seen before.", MEMBER),
    "link": lambda t, ref: t.link(ref, "TIP-7K3Q9D", "related", MEMBER),
    "close": lambda t, ref: t.close(ref, Outcome.BENIGN, MEMBER, "Thanks."),
    "reopen": lambda t, ref: t.reopen(ref, MEMBER),
}


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_an_unknown_reference_is_named(uow_factory, triage, action):
    await store(uow_factory, reference="TIP-7K3Q9D")
    with pytest.raises(TriageError, match=r"^No report TIP-222222$"):
        await ACTIONS[action](triage, "tip-222222")
    assert await outbox(uow_factory) == []


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("typed", ["", "TIP-", "TIP-0O1IL5", "TIP-7K3Q9DX", "\x1b[2Jhello"])
async def test_something_that_is_not_a_reference_is_refused_plainly(triage, action, typed):
    with pytest.raises(TriageError, match="not a report reference") as raised:
        await ACTIONS[action](triage, typed)
    assert "\x1b" not in str(raised.value)


async def test_every_action_is_audited_without_anyones_words(uow_factory, triage, clock):
    secret = "Zebrafish-Quartz project roadmap"
    report = await store(
        uow_factory,
        what_happened=f"They asked about the {secret}.",
        asked_for_detail=secret,
        contact=Contact(name_used="Ivan Petrov-Secretname", organisation="Shellco Ltd"),
    )
    other = await store(uow_factory)
    await triage.acknowledge(report.reference, MEMBER)
    later(clock)
    await triage.assign(report.reference, "bob", NAMED_MEMBER)
    later(clock)
    await triage.ask(report.reference, "Did Ivan mention Shellco again?", MEMBER, sign_as="Alice")
    await triage.note(report.reference, f"Ivan is known; see the {secret}.", MEMBER)
    await triage.link(report.reference, other.reference, "related", MEMBER)
    later(clock)
    await triage.close(report.reference, Outcome.LIKELY_HOSTILE, MEMBER, f"About the {secret}: thanks.")
    later(clock)
    await triage.reopen(report.reference, MEMBER)

    events = await audit_trail(uow_factory, report.reference)

    assert [e.action for e in events] == [
        "report.acknowledged",
        "report.assigned",
        "report.question",
        "report.note",
        "report.linked",
        "report.closed",
        "report.reopened",
    ]
    assert [(e.actor, e.platform) for e in events[:3]] == [
        ("cli:alice", "cli"),
        ("slack:U0123ABCD", "slack"),
        ("cli:alice", "cli"),
    ]
    assert all(e.report_reference == report.reference for e in events)
    assert events[0].detail == {"from_status": "new", "to_status": "acknowledged"}
    assert events[5].detail == {"from_status": "in_progress", "to_status": "closed"}
    everything = json.dumps([e.detail for e in events])
    for text in (secret, "Zebrafish", "Ivan", "Shellco", "Did "):
        assert text not in everything


async def test_a_naive_clock_is_a_programming_error(uow_factory):
    report = await store(uow_factory)
    triage = make_triage(uow_factory, Clock(datetime(2026, 1, 1)))  # no tzinfo
    with pytest.raises(ValueError, match="timezone-aware"):
        await triage.acknowledge(report.reference, MEMBER)
    assert (await stored(uow_factory, report.reference)).status is Status.NEW


async def test_times_are_kept_in_utc(uow_factory):
    report = await store(uow_factory)
    paris = datetime(2026, 3, 14, 11, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    triage = make_triage(uow_factory, Clock(paris))

    acknowledged = await triage.acknowledge(report.reference, MEMBER)

    assert acknowledged.acknowledged_at == paris
    assert acknowledged.acknowledged_at is not None and acknowledged.acknowledged_at.tzinfo is UTC


async def test_on_queued_is_called_after_every_change(uow_factory, triage, queued):
    report = await store(uow_factory)
    other = await store(uow_factory)

    await triage.acknowledge(report.reference, MEMBER)
    await triage.ask(report.reference, "When did it start?", MEMBER)
    await triage.note(report.reference, "Seen before.", MEMBER)
    await triage.link(report.reference, other.reference, "duplicate", MEMBER)
    await triage.close(report.reference, Outcome.DUPLICATE, MEMBER)

    assert queued.calls == 5
    await triage.get(report.reference, MEMBER)
    await triage.timeline(report.reference, MEMBER)
    await triage.list_reports(MEMBER)
    assert queued.calls == 5


# --- reading ---------------------------------------------------------------------


async def test_list_reports_newest_first_with_filter_and_limit(uow_factory, triage, clock):
    refs = [
        (await store(uow_factory, created_at=CREATED_AT + timedelta(minutes=i))).reference for i in range(3)
    ]
    await triage.acknowledge(refs[0], MEMBER)

    assert [r.reference for r in await triage.list_reports(MEMBER)] == refs[::-1]
    assert [r.reference for r in await triage.list_reports(MEMBER, Status.NEW)] == [refs[2], refs[1]]
    assert [r.reference for r in await triage.list_reports(MEMBER, limit=1)] == [refs[2]]
    assert await triage.list_reports(MEMBER, Status.CLOSED) == []


# --- two people at once -------------------------------------------------------------


async def test_two_analysts_acting_at_once_never_lose_a_change(uow_factory, triage: TriageService):
    """Assign and close racing on one report: whichever goes second sees the first's change."""
    for _ in range(5):
        report = await store(uow_factory, status=Status.NEW, assigned_to=None)
        results = await asyncio.gather(
            triage.assign(report.reference, "bob", MEMBER),
            triage.close(report.reference, Outcome.BENIGN, MEMBER, "Thanks, all fine."),
            return_exceptions=True,
        )
        final = await stored(uow_factory, report.reference)
        assert final.status is Status.CLOSED
        if not isinstance(results[0], BaseException):
            assert final.assigned_to == "bob", "the assignment was confirmed, so it must not vanish"
        else:
            assert isinstance(results[0], TriageError)
