"""Triage as commands: `apply` checks the input, acts, and words every outcome; it never raises."""

from __future__ import annotations

import pytest

from bot.actors import Actor
from bot.report import Outcome, Status
from bot.triage import (
    FAILED,
    REFUSAL,
    Acknowledge,
    Ask,
    Assign,
    Close,
    Note,
    Reopen,
    TriageAction,
    TriageCommand,
    TriageService,
)
from tests.triage.support import MEMBER, NAMED_MEMBER, OUTSIDER, audit_trail, store, stored, thread


async def test_a_command_from_a_member_is_carried_out(uow_factory, triage: TriageService) -> None:
    report = await store(uow_factory)
    result = await triage.apply(Acknowledge(report.reference), MEMBER)
    assert result.done and result.text == "" and result.report is not None
    assert result.report.status is Status.ACKNOWLEDGED
    assert (await stored(uow_factory, report.reference)).status is Status.ACKNOWLEDGED


async def test_assign_with_no_name_assigns_the_analyst_who_asked(uow_factory, triage: TriageService) -> None:
    report = await store(uow_factory)
    result = await triage.apply(Assign(report.reference), NAMED_MEMBER)
    assert result.done and (await stored(uow_factory, report.reference)).assigned_to == "Bob Analyst"


async def test_a_signed_question_carries_the_analysts_name(uow_factory, triage: TriageService) -> None:
    report = await store(uow_factory)
    result = await triage.apply(Ask(report.reference, "  Did they call?  ", signed=True), NAMED_MEMBER)
    assert result.done and result.message is not None
    [question] = await thread(uow_factory, report.reference)
    assert (question.body, question.signed_by) == ("Did they call?", "Bob Analyst")


async def test_an_outsider_is_refused_in_the_one_wording_and_the_attempt_is_audited(
    uow_factory, triage: TriageService
) -> None:
    report = await store(uow_factory)
    result = await triage.apply(Close(report.reference, Outcome.BENIGN), OUTSIDER)
    assert (result.done, result.refused, result.text) == (False, True, REFUSAL)
    assert (await stored(uow_factory, report.reference)).status is Status.NEW
    [refusal] = await audit_trail(uow_factory, report.reference)
    assert (refusal.action, refusal.detail["attempted"]) == ("triage.refused", "report.closed")


async def test_a_refused_change_says_why(uow_factory, triage: TriageService) -> None:
    report = await store(uow_factory, status=Status.CLOSED, outcome=Outcome.BENIGN)
    result = await triage.apply(Acknowledge(report.reference), MEMBER)
    assert not result.done and not result.refused
    assert "is closed, so it can't be changed" in result.text
    assert (await triage.apply(Reopen(report.reference), MEMBER)).done


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (Ask("TIP-7K3Q9D", "   "), "Write the question first."),
        (
            Note("TIP-7K3Q9D", "n" * 4001),
            "That's 4,001 characters; the limit is 4,000. Could you shorten it?",
        ),
        (Close("TIP-7K3Q9D", None), "Choose an outcome."),
        (Close("TIP-7K3Q9D", Outcome.BENIGN, "m" * 2001), "the limit is 2,000"),
    ],
)
async def test_what_was_typed_is_checked_before_anything_else(
    uow_factory, triage: TriageService, command: TriageCommand, problem: str
) -> None:
    result = await triage.apply(command, OUTSIDER)  # not even a refusal: nothing was asked yet
    assert not result.done and not result.refused and problem in result.text
    assert await audit_trail(uow_factory, "TIP-7K3Q9D") == []


async def test_a_failure_is_said_calmly_and_changes_nothing(uow_factory, triage: TriageService) -> None:
    report = await store(uow_factory)

    def broken_clock():  # the clock the service stamps changes with
        raise RuntimeError("the clock broke")

    triage.clock = broken_clock
    result = await triage.apply(Acknowledge(report.reference), MEMBER)
    assert (result.done, result.text) == (False, FAILED)
    assert (await stored(uow_factory, report.reference)).status is Status.NEW


async def test_may_refuses_an_outsider_before_a_form_opens(uow_factory, triage: TriageService) -> None:
    report = await store(uow_factory)
    assert (await triage.may(MEMBER, TriageAction.CLOSE, report.reference)).done
    refused = await triage.may(Actor("cli", "mallory"), TriageAction.ASK, report.reference)
    assert (refused.done, refused.text) == (False, REFUSAL)
    [refusal] = await audit_trail(uow_factory, report.reference)
    assert refusal.detail["attempted"] == "report.question"
