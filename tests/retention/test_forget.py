"""`reports forget-reporter`: the reporter's identity out of a report, a stable pseudonym in,
audited; and what the security team can still do with the report afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.inbox_events import EventKind, InboxEvent, ThreadMessage
from bot.outbox import REPORTER_DESTINATION, queue_event, queue_for_reporter
from bot.ports import MessageKind, OutboxStatus, ReportMessage
from bot.report import ContactPreference, Outcome, Reporter
from bot.retention.forget import ForgetError, ReporterForgetting
from bot.triage import TriageError
from tests.audit.support import verdict
from tests.factories import CREATED_AT, Clock
from tests.triage.support import MEMBER, inbox_event, make_triage, reporter_pushes, store, stored, thread

ALICE = Reporter(platform="slack", user_id="U0ALICE", display_name="Alice Jones", workspace="T1")


async def _alices_report(uow_factory, **overrides):
    report = await store(
        uow_factory,
        reporter=ALICE,
        what_happened="I'm Alice Jones, a policy adviser; a recruiter wanted our roadmap.",
        reporter_role="policy adviser",
        contact_preference=ContactPreference(may_contact=True, detail="07700 900123"),
        **overrides,
    )
    async with uow_factory() as uow:
        await uow.messages.add(
            ReportMessage(
                report.reference, MessageKind.ANSWER, "Call me on 07700 900123", "slack:U0ALICE", CREATED_AT
            )
        )
        await uow.commit()
    return report


async def test_the_reporter_is_replaced_by_a_pseudonym_everywhere_in_the_report(uow_factory) -> None:
    clock = Clock(CREATED_AT + timedelta(hours=1))
    report = await _alices_report(uow_factory)
    triage = make_triage(uow_factory, clock)
    await triage.ask(report.reference, "Did they send a file?", MEMBER)  # a push to her, not yet sent
    assert len(await reporter_pushes(uow_factory)) == 1

    [done] = await ReporterForgetting(uow_factory, clock).forget([report.reference.lower()], MEMBER)

    after = await stored(uow_factory, report.reference)
    assert after.reporter.user_id == done.pseudonym and done.pseudonym.startswith("pseudonym-")
    assert after.reporter.display_name is None and after.reporter.workspace is None
    assert after.reporter.platform == "slack"  # still counted by platform
    assert after.reporter_role is None and after.contact_preference == ContactPreference(may_contact=False)
    assert "Alice Jones" not in after.what_happened and "policy adviser" not in after.what_happened
    assert "a recruiter wanted our roadmap" in after.what_happened  # the approach stays
    assert after.contact == report.contact
    answer = next(m for m in await thread(uow_factory, report.reference) if m.kind is MessageKind.ANSWER)
    assert answer.author == f"slack:{done.pseudonym}" and "07700" not in answer.body
    assert await reporter_pushes(uow_factory) == [], "what was not yet sent to her is dropped"
    async with uow_factory() as uow:
        trail = await uow.audit.for_report(report.reference)
        assert await uow.reports.list_for_reporter("slack", "U0ALICE") == []
    entry = trail[-1]
    assert entry.action == "report.reporter_pseudonymised" and entry.actor == MEMBER.id
    assert "U0ALICE" not in str(entry.detail) and "Alice" not in str(entry.detail)
    assert (await verdict(uow_factory)).ok


async def test_the_pseudonym_is_stable_per_reporter_and_different_for_another(uow_factory) -> None:
    forgetting = ReporterForgetting(uow_factory, Clock())
    first, second = await _alices_report(uow_factory), await _alices_report(uow_factory)
    bobs = await store(uow_factory, reporter=Reporter(platform="slack", user_id="U0BOB"))
    [a] = await forgetting.forget([first.reference], MEMBER)
    [b, c] = await forgetting.forget([second.reference, bobs.reference], MEMBER)
    assert a.pseudonym == b.pseudonym != c.pseudonym
    [again] = await forgetting.forget([first.reference], MEMBER)
    assert again.already and again.pseudonym == a.pseudonym


async def test_follow_ups_to_a_forgotten_reporter(uow_factory) -> None:
    clock = Clock(CREATED_AT + timedelta(hours=1))
    report = await _alices_report(uow_factory)
    await ReporterForgetting(uow_factory, clock).forget([report.reference], MEMBER)
    triage = make_triage(uow_factory, clock)
    with pytest.raises(TriageError, match="asked to be forgotten"):
        await triage.ask(report.reference, "One more thing?", MEMBER)
    await triage.note(report.reference, "Reporter asked to be forgotten on 14 March", MEMBER)
    await triage.close(report.reference, Outcome.BENIGN, MEMBER, "Thank you.")
    assert await reporter_pushes(uow_factory) == [], "the closing message is kept, not sent"
    kinds = [m.kind for m in await thread(uow_factory, report.reference)]
    assert MessageKind.CLOSING in kinds and MessageKind.QUESTION not in kinds


async def test_a_wrong_reference_changes_nothing(uow_factory) -> None:
    report = await _alices_report(uow_factory)
    with pytest.raises(ForgetError, match="No report TIP-ZZZZZZ; nothing was changed"):
        await ReporterForgetting(uow_factory, Clock()).forget([report.reference, "TIP-ZZZZZZ"], MEMBER)
    assert (await stored(uow_factory, report.reference)).reporter == ALICE


async def test_copies_of_the_report_in_the_outbox_lose_her_identity_and_keep_the_approach(uow_factory):
    report = await _alices_report(uow_factory)
    said = ThreadMessage(
        id=1, kind=MessageKind.ANSWER, body="Alice Jones here, call 07700 900123", from_label="Reporter"
    )
    async with uow_factory() as uow:
        # The submission went to the security inbox; her answer is still to go; a push reached her.
        await queue_event(uow, InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT), "r1", CREATED_AT)
        await queue_event(
            uow, InboxEvent.about(EventKind.MESSAGE, report, CREATED_AT, message=said), "msg1", CREATED_AT
        )
        await queue_for_reporter(uow, report, 1, CREATED_AT)
        await uow.commit()
    async with uow_factory() as uow:
        sent = [e for e in await uow.outbox.list() if e.idempotency_key.endswith((".r1.file", ".reporter"))]
        for entry in sent:
            await uow.outbox.mark_delivered(entry.id, CREATED_AT)
        await uow.commit()

    [done] = await ReporterForgetting(uow_factory, Clock(CREATED_AT + timedelta(hours=1))).forget(
        [report.reference], MEMBER
    )

    assert done.deliveries_scrubbed == 3
    async with uow_factory() as uow:
        entries = await uow.outbox.list()
        [entry] = [
            e for e in await uow.audit.for_report(report.reference) if e.action.endswith("pseudonymised")
        ]
    assert entry.detail["deliveries_scrubbed"] == 3
    held = str([e.payload for e in entries])
    for identity in ("U0ALICE", "Alice Jones", "07700 900123", "policy adviser", "T1"):
        assert identity not in held
    submitted, answer = (inbox_event(e) for e in entries if e.destination == "file")
    for event in (submitted, answer):  # still events the inbox can render, about the same approach
        assert event.report.reporter == Reporter(platform="slack", user_id=done.pseudonym)
        assert event.report.reporter_role is None and not event.report.contact_preference.may_contact
        assert "a recruiter wanted our roadmap" in event.report.what_happened
        assert event.report.contact == report.contact and event.reference == report.reference
    assert answer.message is not None and answer.message.body == "[the reporter] here, call [the reporter]"
    statuses = {e.idempotency_key.split(".", 1)[1]: e.status for e in entries}
    delivered, pending = OutboxStatus.DELIVERED, OutboxStatus.PENDING
    assert statuses == {"r1.file": delivered, "msg1.file": pending, "msg1.reporter": delivered}
    [push] = [e for e in entries if e.destination == REPORTER_DESTINATION]
    assert push.payload["reporter"]["user_id"] == done.pseudonym
