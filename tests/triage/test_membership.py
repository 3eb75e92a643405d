"""Only the security team may read or handle reports; every refused attempt stays on the record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.actors import Actor
from bot.ports import DeadlineKind
from bot.report import LinkKind, Outcome
from bot.triage import NotAllowed, TriageError, TriageService
from tests.triage.support import (
    MEMBER,
    NAMED_MEMBER,
    OUTSIDER,
    Refusal,
    add_deadlines,
    audit_trail,
    deadline,
    outbox,
    refusals,
    store,
    stored,
    thread,
)

Attempt = Callable[[TriageService, Actor, str, str], Awaitable[Any]]

# The attempted action as audited, and how to attempt it (reference, other reference).
ATTEMPTS: dict[str, tuple[Attempt, bool]] = {
    "list": (lambda t, who, ref, other: t.list_reports(who), False),
    "export": (lambda t, who, ref, other: t.check_member(who, "export"), False),
    "outbox.list": (lambda t, who, ref, other: t.check_member(who, "outbox.list"), False),
    "read": (lambda t, who, ref, other: t.get(ref, who), True),
    "timeline": (lambda t, who, ref, other: t.timeline(ref, who), True),
    "report.acknowledged": (lambda t, who, ref, other: t.acknowledge(ref, who), True),
    "report.assigned": (lambda t, who, ref, other: t.assign(ref, "mallory", who), True),
    "report.question": (lambda t, who, ref, other: t.ask(ref, "What is your password?", who), True),
    "report.note": (lambda t, who, ref, other: t.note(ref, "Nothing to see.", who), True),
    "report.linked": (lambda t, who, ref, other: t.link(ref, other, LinkKind.DUPLICATE, who), True),
    "report.closed": (lambda t, who, ref, other: t.close(ref, Outcome.BENIGN, who), True),
    "report.reopened": (lambda t, who, ref, other: t.reopen(ref, who), True),
}


@pytest.mark.parametrize("attempted", list(ATTEMPTS))
async def test_an_outsider_is_refused_everything_and_the_attempt_is_recorded(
    uow_factory, engine, triage, clock, queued, attempted
):
    report = await store(uow_factory)
    other = await store(uow_factory)
    await add_deadlines(uow_factory, report, clock.now)
    attempt, about_a_report = ATTEMPTS[attempted]

    with pytest.raises(NotAllowed) as refused:
        await attempt(triage, OUTSIDER, report.reference.lower(), other.reference)

    assert isinstance(refused.value, TriageError)  # callers catching TriageError handle it
    assert str(refused.value) == (
        "cli:mallory is not a member of the security team, so can't do this. The attempt has been recorded."
    )
    # Nothing changed...
    assert await stored(uow_factory, report.reference) == report
    assert await stored(uow_factory, other.reference) == other
    assert await thread(uow_factory, report.reference) == []
    assert await outbox(uow_factory) == []
    assert (await deadline(uow_factory, report.reference, DeadlineKind.ACKNOWLEDGE)).met_at is None
    assert (await deadline(uow_factory, report.reference, DeadlineKind.FEEDBACK)).met_at is None
    assert queued.calls == 0
    # ...but the attempt is on the record, committed although the action failed.
    assert await refusals(engine) == [
        Refusal(
            actor="cli:mallory",
            platform="cli",
            report_reference=report.reference if about_a_report else None,
            detail={"attempted": attempted, "reason": "not_team"},
        )
    ]
    if about_a_report:
        assert [e.action for e in await audit_trail(uow_factory, report.reference)] == ["triage.refused"]
    assert await audit_trail(uow_factory, other.reference) == []


async def test_an_outsider_is_refused_a_closed_report_before_it_is_looked_at(uow_factory, engine, triage):
    report = await store(uow_factory)
    closed = await triage.close(report.reference, Outcome.BENIGN, MEMBER)

    with pytest.raises(NotAllowed):
        await triage.reopen(report.reference, OUTSIDER)

    assert await stored(uow_factory, report.reference) == closed
    [refusal] = await refusals(engine)
    assert refusal.detail == {"attempted": "report.reopened", "reason": "not_team"}


async def test_an_outsider_cannot_learn_whether_a_report_exists(uow_factory, engine, triage):
    with pytest.raises(NotAllowed):
        await triage.get("TIP-222222", OUTSIDER)
    [refusal] = await refusals(engine)
    assert refusal.report_reference == "TIP-222222"


@pytest.mark.parametrize(
    "who",
    [
        Actor("slack", "alice"),  # alice is on the team at the command line, not in Slack
        Actor("cli", "U0123ABCD"),  # a Slack member's id typed at a command line
        Actor("teams", "alice"),
        Actor("cli", "Alice"),  # ids compare exactly
        Actor("cli", ""),
    ],
    ids=lambda a: f"{a.platform}:{a.user_id}",
)
async def test_membership_is_per_platform_and_exact(uow_factory, engine, triage, who):
    report = await store(uow_factory)

    with pytest.raises(NotAllowed):
        await triage.acknowledge(report.reference, who)

    assert await stored(uow_factory, report.reference) == report
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.platform) == (who.id, who.platform)


async def test_members_on_each_platform_may_act(uow_factory, engine, triage):
    report = await store(uow_factory)

    await triage.acknowledge(report.reference, NAMED_MEMBER)
    await triage.assign(report.reference, "carol", Actor("cli", "carol"))
    await triage.check_member(MEMBER, "export")

    assert await refusals(engine) == []


async def test_repeated_attempts_are_each_recorded(uow_factory, engine, triage, clock):
    report = await store(uow_factory)
    for _ in range(3):
        with pytest.raises(NotAllowed):
            await triage.close(report.reference, Outcome.BENIGN, OUTSIDER, "Nothing happened.")

    assert len(await refusals(engine)) == 3
    assert (await stored(uow_factory, report.reference)).status is report.status
