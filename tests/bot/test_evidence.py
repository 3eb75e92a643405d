"""Files shared with the bot become evidence on the right report."""

from __future__ import annotations

from bot.messages import TextAnswer, TextQuestion
from bot.ports import MessageKind, OutboxStatus
from bot.report import EvidenceFile, Outcome
from tests.bot.test_followup import ANALYST, make_triage, submitted_quick_report, texts
from tests.bot.test_service import ALICE, KEY, Clock, make_service, say_all
from tests.flows.helpers import QUICK

SCREENSHOT = EvidenceFile(
    id="F0SHOT", name="profile.png", mime_type="image/png", url="https://files.example/F0SHOT"
)
PDF = EvidenceFile(id="F0PDF", name="brief.pdf", mime_type="application/pdf")


async def test_a_file_shared_mid_report_goes_with_the_report_and_the_question_is_asked_again(uow_factory):
    service = make_service(uow_factory, Clock())
    await service.open(KEY, ALICE)
    await say_all(service, QUICK[:1])
    reply = await service.attach_files(KEY, ALICE, [SCREENSHOT], event=("slack", "Ev1"))
    assert "“profile.png” will go with your report" in texts(reply)
    assert isinstance(reply.messages[-1], TextQuestion) and reply.messages[-1].key == "who"
    again = await service.attach_files(KEY, ALICE, [SCREENSHOT], event=("slack", "Ev1"))
    assert again.duplicate, "a redelivered file event is handled once"
    sent = await say_all(service, [QUICK[1], "Send it now", "send"])
    async with uow_factory() as uow:
        report = await uow.reports.get(sent.reference)
    assert [f.id for f in report.evidence.files] == ["F0SHOT"]


async def test_a_file_shared_after_sending_is_added_to_the_open_report_and_the_inbox_hears(uow_factory):
    service = make_service(uow_factory, Clock())
    reference = await submitted_quick_report(service)
    reply = await service.attach_files(KEY, ALICE, [PDF])
    assert f"added to {reference} as evidence" in texts(reply)
    async with uow_factory() as uow:
        report = await uow.reports.get(reference)
        thread = await uow.messages.for_report(reference)
        events = [e for e in await uow.outbox.list(OutboxStatus.PENDING) if e.event == "report.message"]
    assert [f.name for f in report.evidence.files] == ["brief.pdf"]
    assert [m.kind for m in thread] == [MessageKind.REPORTER_UPDATE]
    assert events and events[-1].payload["report"]["evidence"]["files"][0]["id"] == "F0PDF"


async def test_a_file_with_no_open_report_is_kept_for_the_next_one(uow_factory):
    clock = Clock()
    service, triage = make_service(uow_factory, clock), make_triage(uow_factory, clock)
    reference = await submitted_quick_report(service)
    await triage.close(reference, Outcome.BENIGN, ANALYST, "All fine.")
    kept = await service.attach_files(KEY, ALICE, [PDF])
    assert "Type 'report' to start a report" in texts(kept)
    await service.handle(KEY, ALICE, TextAnswer("report"))
    sent = await say_all(service, [*QUICK, "Send it now", "send"])
    async with uow_factory() as uow:
        new = await uow.reports.get(sent.reference)
        old = await uow.reports.get(reference)
    assert [f.id for f in new.evidence.files] == ["F0PDF"] and old.evidence.files == []
