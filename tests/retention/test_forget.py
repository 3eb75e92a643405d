"""`reports forget-reporter`: the reporter's identity out of a report, a stable pseudonym in,
audited; and what the security team can still do with the report afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ports import MessageKind, ReportMessage
from bot.report import ContactPreference, Outcome, Reporter
from bot.retention.forget import ForgetError, ReporterForgetting
from bot.triage import TriageError
from tests.audit.support import verdict
from tests.factories import CREATED_AT, Clock
from tests.triage.support import MEMBER, make_triage, reporter_pushes, store, stored, thread

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
