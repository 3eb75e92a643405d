"""Linking reports that share an approach, a person or a campaign: both ways, never to itself."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.report import LinkKind, Outcome, ReportLink, Status
from bot.triage import TriageError
from tests.triage.support import MEMBER, audit_trail, inbox_event, outbox, store, stored, thread


async def test_both_reports_carry_the_link(uow_factory, triage, clock):
    first = await store(uow_factory, routed_to=["file", "email"])
    second = await store(uow_factory)
    clock.advance(timedelta(minutes=5))

    linked = await triage.link(first.reference, second.reference.lower(), LinkKind.DUPLICATE, MEMBER)

    assert linked.links == [ReportLink(reference=second.reference, kind=LinkKind.DUPLICATE)]
    assert linked.updated_at == clock.now
    assert linked.status is Status.NEW  # a link changes nothing else
    assert await stored(uow_factory, first.reference) == linked
    partner = await stored(uow_factory, second.reference)
    assert partner.links == [ReportLink(reference=first.reference, kind=LinkKind.DUPLICATE)]
    assert partner.updated_at == clock.now
    assert partner.model_copy(update={"links": [], "updated_at": second.updated_at}) == second


async def test_linking_tells_the_inbox_and_the_audit_trail(uow_factory, triage):
    first = await store(uow_factory, routed_to=["file", "email"])
    second = await store(uow_factory)

    await triage.link(first.reference, second.reference, "related", MEMBER)

    entries = [e for e in await outbox(uow_factory) if e.report_reference == first.reference]
    assert sorted(e.destination for e in entries) == ["email", "file"]
    for entry in entries:
        change = inbox_event(entry).status_change
        assert change is not None
        assert (change.action, change.linked_reference, change.link_kind) == (
            "linked",
            second.reference,
            "related",
        )
        assert inbox_event(entry).report.links == [
            ReportLink(reference=second.reference, kind=LinkKind.RELATED)
        ]
    [event] = await audit_trail(uow_factory, first.reference)
    assert event.action == "report.linked"
    assert await thread(uow_factory, first.reference) == []  # the reporter is not told


async def test_linking_again_changes_the_kind_without_a_second_link(uow_factory, triage):
    first = await store(uow_factory)
    second = await store(uow_factory)

    await triage.link(first.reference, second.reference, LinkKind.RELATED, MEMBER)
    relinked = await triage.link(second.reference, first.reference, LinkKind.DUPLICATE, MEMBER)

    assert relinked.links == [ReportLink(reference=first.reference, kind=LinkKind.DUPLICATE)]
    assert (await stored(uow_factory, first.reference)).links == [
        ReportLink(reference=second.reference, kind=LinkKind.DUPLICATE)
    ]


async def test_a_report_may_link_to_several(uow_factory, triage, clock):
    hub = await store(uow_factory)
    spokes = [await store(uow_factory) for _ in range(2)]

    for spoke in spokes:
        clock.advance(timedelta(seconds=1))
        await triage.link(hub.reference, spoke.reference, LinkKind.RELATED, MEMBER)

    assert [link.reference for link in (await stored(uow_factory, hub.reference)).links] == [
        s.reference for s in spokes
    ]
    for spoke in spokes:
        assert [link.reference for link in (await stored(uow_factory, spoke.reference)).links] == [
            hub.reference
        ]


async def test_a_closed_report_can_still_be_linked(uow_factory, triage):
    closed = await store(uow_factory)
    await triage.close(closed.reference, Outcome.LIKELY_HOSTILE, MEMBER)
    new = await store(uow_factory)

    await triage.link(new.reference, closed.reference, LinkKind.RELATED, MEMBER)

    after = await stored(uow_factory, closed.reference)
    assert (after.status, after.links) == (
        Status.CLOSED,
        [ReportLink(reference=new.reference, kind="related")],
    )


async def test_a_report_cannot_be_linked_to_itself(uow_factory, triage):
    report = await store(uow_factory)

    with pytest.raises(TriageError, match="can't be linked to itself"):
        await triage.link(report.reference, report.reference.lower(), LinkKind.DUPLICATE, MEMBER)

    assert await stored(uow_factory, report.reference) == report
    assert await outbox(uow_factory) == []
    assert await audit_trail(uow_factory, report.reference) == []


async def test_linking_to_an_unknown_report_is_refused(uow_factory, triage):
    report = await store(uow_factory)

    with pytest.raises(TriageError, match=r"^No report TIP-222222$"):
        await triage.link(report.reference, "tip-222222", LinkKind.RELATED, MEMBER)

    assert await stored(uow_factory, report.reference) == report
    assert await outbox(uow_factory) == []


async def test_linking_to_something_that_is_not_a_reference_is_refused(uow_factory, triage):
    report = await store(uow_factory)
    with pytest.raises(TriageError, match="not a report reference"):
        await triage.link(report.reference, "campaign 7", LinkKind.RELATED, MEMBER)
    assert await stored(uow_factory, report.reference) == report


async def test_an_unknown_kind_of_link_is_refused(uow_factory, triage):
    first = await store(uow_factory)
    second = await store(uow_factory)
    with pytest.raises(ValueError, match="same_person"):
        await triage.link(first.reference, second.reference, "same_person", MEMBER)
    assert await stored(uow_factory, first.reference) == first


async def test_two_links_made_in_the_same_moment_both_reach_the_inbox(uow_factory, triage):
    hub = await store(uow_factory)
    spokes = [await store(uow_factory) for _ in range(2)]

    for spoke in spokes:  # the clock does not move: a script linking a campaign at once
        await triage.link(hub.reference, spoke.reference, LinkKind.RELATED, MEMBER)

    hub_events = [e for e in await outbox(uow_factory) if e.report_reference == hub.reference]
    changes = [inbox_event(e).status_change for e in hub_events]
    linked = [c.linked_reference for c in changes if c is not None and c.linked_reference is not None]
    assert sorted(linked) == sorted(s.reference for s in spokes)
