"""TriageService on a real database: transitions, refusals, and the audit trail."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.ports import UnitOfWorkFactory
from bot.report import Contact, Outcome, Report, Status
from bot.triage import MAX_CLOSING_MESSAGE, TriageError, TriageService, clean_text
from tests.factories import Clock, make_report

ACTOR = "cli:alice"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def triage(uow_factory, clock) -> TriageService:
    return TriageService(uow_factory, clock)


async def store(uow_factory: UnitOfWorkFactory, **overrides: Any) -> Report:
    report = make_report(**overrides)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    return report


async def stored(uow_factory: UnitOfWorkFactory, reference: str) -> Report:
    async with uow_factory() as uow:
        report = await uow.reports.get(reference)
    assert report is not None
    return report


def later(clock: Clock) -> datetime:
    clock.advance(timedelta(minutes=5))
    return clock.now


# --- acknowledge -----------------------------------------------------------------


async def test_acknowledge_moves_a_new_report_on(uow_factory, triage, clock):
    report = await store(uow_factory)
    now = later(clock)

    acknowledged = await triage.acknowledge(report.reference, ACTOR, "cli")

    assert acknowledged.status is Status.ACKNOWLEDGED
    assert acknowledged.acknowledged_at == now
    assert acknowledged.updated_at == now
    assert acknowledged.revision == report.revision  # revision counts the reporter's edits only
    assert await stored(uow_factory, report.reference) == acknowledged


@pytest.mark.parametrize("typed", ["{body}", "tip-{body}", "tip {body_lower}", " TIP - {body} "])
async def test_references_may_be_typed_loosely(uow_factory, triage, typed):
    report = await store(uow_factory)
    body = report.reference.removeprefix("TIP-")

    result = await triage.acknowledge(typed.format(body=body, body_lower=body.lower()), ACTOR, "cli")

    assert result.reference == report.reference
    assert result.status is Status.ACKNOWLEDGED


async def test_acknowledging_again_changes_nothing(uow_factory, triage, clock):
    report = await store(uow_factory)
    first = await triage.acknowledge(report.reference, ACTOR, "cli")
    later(clock)

    second = await triage.acknowledge(report.reference, "cli:bob", "cli")

    assert second == first
    assert await stored(uow_factory, report.reference) == first
    actions = [event.action for event in await triage.timeline(report.reference)]
    assert actions == ["report.acknowledged", "report.already_acknowledged"]


async def test_acknowledging_a_report_in_progress_keeps_it_in_progress(uow_factory, triage):
    report = await store(uow_factory)
    assigned = await triage.assign(report.reference, "bob", ACTOR, "cli")

    result = await triage.acknowledge(report.reference, ACTOR, "cli")

    assert result == assigned
    assert result.status is Status.IN_PROGRESS


async def test_a_closed_report_cannot_be_acknowledged(uow_factory, triage):
    report = await store(uow_factory)
    await triage.close(report.reference, Outcome.BENIGN, "Thanks, it was genuine.", ACTOR, "cli")

    with pytest.raises(TriageError, match=f"{report.reference} is closed, so it can't be changed"):
        await triage.acknowledge(report.reference, ACTOR, "cli")

    events = await triage.timeline(report.reference)
    assert events[-1].action == "triage.refused"
    assert events[-1].detail == {"attempted": "acknowledge", "status": "closed"}


# --- assign ----------------------------------------------------------------------


async def test_assigning_a_new_report_acknowledges_it(uow_factory, triage, clock):
    report = await store(uow_factory)
    now = later(clock)

    assigned = await triage.assign(report.reference, "  bob  ", ACTOR, "cli")

    assert assigned.status is Status.IN_PROGRESS
    assert assigned.assigned_to == "bob"
    assert assigned.acknowledged_at == now
    assert await stored(uow_factory, report.reference) == assigned


async def test_assigning_keeps_the_first_acknowledgement_time(uow_factory, triage, clock):
    report = await store(uow_factory)
    acknowledged = await triage.acknowledge(report.reference, ACTOR, "cli")
    later(clock)

    assigned = await triage.assign(report.reference, "bob", ACTOR, "cli")
    reassigned = await triage.assign(report.reference, "carol", ACTOR, "cli")

    assert assigned.status is Status.IN_PROGRESS
    assert reassigned.acknowledged_at == acknowledged.acknowledged_at
    assert reassigned.assigned_to == "carol"
    last = (await triage.timeline(report.reference))[-1]
    assert last.detail["previous_assignee"] == "bob"
    assert last.detail["assigned_to"] == "carol"


async def test_a_closed_report_cannot_be_assigned(uow_factory, triage):
    report = await store(uow_factory)
    await triage.close(report.reference, Outcome.DUPLICATE, "Already reported, thank you.", ACTOR, "cli")

    with pytest.raises(TriageError, match="is closed, so it can't be changed"):
        await triage.assign(report.reference, "bob", ACTOR, "cli")
    assert (await stored(uow_factory, report.reference)).assigned_to is None


@pytest.mark.parametrize("name", ["", "   ", "\x1b[2J", "x" * 101])
async def test_the_analyst_must_be_named_sensibly(uow_factory, triage, name):
    report = await store(uow_factory)
    with pytest.raises(TriageError):
        await triage.assign(report.reference, name, ACTOR, "cli")


# --- close -----------------------------------------------------------------------


async def test_closing_records_outcome_and_message(uow_factory, triage, clock):
    report = await store(uow_factory)
    now = later(clock)

    closed = await triage.close(
        report.reference, Outcome.LIKELY_HOSTILE, "Thank you. Please do not reply.", ACTOR, "cli"
    )

    assert closed.status is Status.CLOSED
    assert closed.outcome is Outcome.LIKELY_HOSTILE
    assert closed.closing_message == "Thank you. Please do not reply."
    assert closed.closed_at == now
    assert closed.acknowledged_at == now  # closing a new report means it was seen
    assert await stored(uow_factory, report.reference) == closed


async def test_closing_twice_is_refused(uow_factory, triage):
    report = await store(uow_factory)
    first = await triage.close(report.reference, Outcome.BENIGN, "It was genuine.", ACTOR, "cli")

    with pytest.raises(TriageError, match="already closed \\(benign\\)"):
        await triage.close(report.reference, Outcome.CONFIRMED_HOSTILE, "Changed my mind.", ACTOR, "cli")
    assert await stored(uow_factory, report.reference) == first


@pytest.mark.parametrize("message", ["", "   ", "\x00\x07", "\x1b[31m\x1b[0m"])
async def test_closing_needs_a_message(uow_factory, triage, message):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match="message for the reporter"):
        await triage.close(report.reference, Outcome.BENIGN, message, ACTOR, "cli")
    assert (await stored(uow_factory, report.reference)).status is Status.NEW


async def test_the_closing_message_loses_control_characters_but_keeps_lines(uow_factory, triage):
    report = await store(uow_factory)
    closed = await triage.close(
        report.reference, Outcome.BENIGN, "\x1b[31mThank you.\x07\r\nNothing\u202e more.\x00 ", ACTOR, "cli"
    )
    assert closed.closing_message == "Thank you.\nNothing more."


async def test_the_closing_message_is_capped(uow_factory, triage):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match=f"{MAX_CLOSING_MESSAGE + 1} characters; the limit is 2000"):
        await triage.close(report.reference, Outcome.BENIGN, "x" * (MAX_CLOSING_MESSAGE + 1), ACTOR, "cli")

    closed = await triage.close(report.reference, Outcome.BENIGN, "x" * MAX_CLOSING_MESSAGE, ACTOR, "cli")
    assert closed.closing_message is not None
    assert len(closed.closing_message) == MAX_CLOSING_MESSAGE


# --- every action ----------------------------------------------------------------


@pytest.mark.parametrize("action", ["get", "acknowledge", "assign", "close", "timeline"])
async def test_an_unknown_reference_is_named(uow_factory, triage, action):
    await store(uow_factory, reference="TIP-7K3Q9D")
    calls = {
        "get": lambda: triage.get("tip-222222"),
        "acknowledge": lambda: triage.acknowledge("tip-222222", ACTOR, "cli"),
        "assign": lambda: triage.assign("tip-222222", "bob", ACTOR, "cli"),
        "close": lambda: triage.close("tip-222222", Outcome.BENIGN, "Thanks.", ACTOR, "cli"),
        "timeline": lambda: triage.timeline("tip-222222"),
    }
    with pytest.raises(TriageError, match=r"^No report TIP-222222$"):
        await calls[action]()


@pytest.mark.parametrize("typed", ["", "TIP-", "TIP-0O1IL5", "TIP-7K3Q9DX", "\x1b[2Jhello"])
async def test_something_that_is_not_a_reference_is_refused_plainly(triage, typed):
    with pytest.raises(TriageError, match="not a report reference") as raised:
        await triage.acknowledge(typed, ACTOR, "cli")
    assert "\x1b" not in str(raised.value)


async def test_every_action_is_audited_without_the_reporters_words(uow_factory, triage, clock):
    secret = "Zebrafish-Quartz project roadmap"
    report = await store(
        uow_factory,
        what_happened=f"They asked about the {secret}.",
        asked_for_detail=secret,
        contact=Contact(name_used="Ivan Petrov-Secretname", organisation="Shellco Ltd"),
    )
    await triage.acknowledge(report.reference, ACTOR, "cli")
    later(clock)
    await triage.assign(report.reference, "bob", "slack:U123", "slack")
    later(clock)
    await triage.close(report.reference, Outcome.LIKELY_HOSTILE, f"About the {secret}: thanks.", ACTOR, "cli")

    events = await triage.timeline(report.reference)

    assert [e.action for e in events] == ["report.acknowledged", "report.assigned", "report.closed"]
    assert [(e.actor, e.platform) for e in events] == [
        (ACTOR, "cli"),
        ("slack:U123", "slack"),
        (ACTOR, "cli"),
    ]
    assert all(e.report_reference == report.reference for e in events)
    assert events[0].detail == {"from_status": "new", "to_status": "acknowledged"}
    assert events[2].detail["outcome"] == "likely_hostile"
    everything = json.dumps([e.detail for e in events])
    for text in (secret, "Ivan", "Shellco"):
        assert text not in everything


async def test_a_naive_clock_is_a_programming_error(uow_factory):
    report = await store(uow_factory)
    triage = TriageService(uow_factory, lambda: datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        await triage.acknowledge(report.reference, ACTOR, "cli")


def test_clean_text_removes_escape_sequences_whole():
    raw = "\x1b]0;owned\x07a\x1b[1;31mb\x1b[0m\x9b2Jc\x1b]8;;https://x\x1b\\d\x1b]8;;\x1b\\"
    assert clean_text(raw, keep_newlines=False) == "abcd"


def test_clean_text_keeps_text_after_an_unterminated_escape():
    assert clean_text("\x1b]hidden?", keep_newlines=False) == "hidden?"


# --- two people at once -------------------------------------------------------------


async def test_two_analysts_acting_at_once_never_lose_a_change(uow_factory, triage):
    """Assign and close racing on one report: whichever goes second sees the first's change."""
    import asyncio

    for _ in range(5):
        report = await store(uow_factory, status=Status.NEW, assigned_to=None)
        results = await asyncio.gather(
            triage.assign(report.reference, "bob", ACTOR, "cli"),
            triage.close(report.reference, Outcome.BENIGN, "Thanks, all fine.", ACTOR, "cli"),
            return_exceptions=True,
        )
        final = await stored(uow_factory, report.reference)
        assert final.status is Status.CLOSED
        if not isinstance(results[0], Exception):
            assert final.assigned_to == "bob", "the assignment was confirmed, so it must not vanish"
        else:
            assert isinstance(results[0], TriageError)
