"""The reporter's side of the thread with the security team.

Questions and news from the security team reach the reporter here; their answers and
any information they add later go back to the report's thread and on to the inbox.
Reporters only ever see and add to their own reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.inbox_events import EventKind, InboxEvent, ThreadMessage
from bot.messages import Choice, Message, SummaryCard, SummaryField, Text, TextQuestion, Tone
from bot.outbox import queue_event
from bot.ports import AuditEvent, MessageKind, ReportMessage, UnitOfWork
from bot.report import Report, Reporter, Status, normalise_reference
from flows.validators import clean_text

ANSWER = "answer:"
ADD = "add:"
MY_REPORTS = "my-reports"
MAX_LENGTH = 4000

_MY_REPORTS_WORDS = frozenset({"my reports", "my report", "/myreports", "/my-reports", "reports"})
_ADD_WORDS = re.compile(r"^/?add(?:\s+(?:to\s+)?(?P<ref>[a-z0-9-]{6,12}))?$", re.IGNORECASE)
_LATER_WORDS = frozenset({"later", "not now", "skip"})
_STATUS_WORDS = {
    Status.NEW: "Received",
    Status.ACKNOWLEDGED: "Seen by the security team",
    Status.IN_PROGRESS: "Being looked into",
    Status.CLOSED: "Closed",
}


@dataclass
class Awaiting:
    """The reporter's next typed message answers a question, or adds to a report."""

    kind: Literal["answer", "add"]
    reference: str
    message_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "reference": self.reference, "message_id": self.message_id}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Awaiting | None:
        return None if not data else cls(data["kind"], data["reference"], data.get("message_id"))


@dataclass
class DeskReply:
    messages: list[Message]
    awaiting: Awaiting | None
    queued: int = 0
    deferred: bool = False  # "later": don't ask again in this same turn
    delivered: tuple[int, ...] = ()  # the thread messages shown here (marked delivered unless a preview)


def is_my_reports(text: str) -> bool:
    return " ".join(text.lower().split()) in _MY_REPORTS_WORDS


def add_request(text: str) -> str | None:
    """'add', 'add TIP-7K3Q9D', 'add to 7k3q9d' -> "" or the reference; None if not a request."""
    match = _ADD_WORDS.match(text.strip())
    if match is None:
        return None
    return normalise_reference(match.group("ref")) if match.group("ref") else ""


class ReporterDesk:
    def __init__(self, question_intro: str) -> None:
        self.question_intro = question_intro

    async def news(
        self,
        uow: UnitOfWork,
        reporter: Reporter,
        now: datetime,
        question_open: bool = False,
        preview: bool = False,
    ) -> DeskReply:
        """What the security team has sent that this reporter hasn't seen; one question at a time
        (none while `question_open`: the reporter is still answering an earlier one). Shown messages
        are marked delivered, unless `preview`: a push reads first, sends, and only then marks
        them (`mark_delivered`) so that no transaction waits on the platform."""
        messages: list[Message] = []
        delivered: list[int] = []
        awaiting: Awaiting | None = None
        holding = question_open

        async def claim(message_id: int) -> bool:
            if preview or await uow.messages.mark_delivered_to_reporter(message_id, now):
                delivered.append(message_id)
                return True
            return False

        for waiting in await uow.messages.waiting_for_reporter(reporter.platform, reporter.user_id):
            assert waiting.id is not None
            if waiting.kind is MessageKind.QUESTION:
                if awaiting is not None or holding:
                    continue  # the next question comes once this one is answered
                if not await claim(waiting.id):
                    continue
                messages.append(self.question(waiting))
                awaiting = Awaiting("answer", waiting.report_reference, waiting.id)
            elif await claim(waiting.id):
                title = "A message from the security team about your report"
                messages.append(Text(f"{title} {waiting.report_reference}:\n\n{waiting.body}", Tone.INFO))
        if awaiting is None and not holding:
            # A question put off with "later" is asked again, until it is answered.
            open_question = await self._unanswered(uow, reporter)
            if open_question is not None:
                messages.append(self.question(open_question, again=True))
                awaiting = Awaiting("answer", open_question.report_reference, open_question.id)
        return DeskReply(messages, awaiting, delivered=tuple(delivered))

    async def mark_delivered(self, uow: UnitOfWork, message_ids: Sequence[int], now: datetime) -> None:
        """After a push went out: the previewed messages are now the reporter's (a message some
        other turn showed meanwhile stays as that turn marked it)."""
        for message_id in message_ids:
            await uow.messages.mark_delivered_to_reporter(message_id, now)

    async def _unanswered(self, uow: UnitOfWork, reporter: Reporter) -> ReportMessage | None:
        for report in await uow.reports.list_for_reporter(reporter.platform, reporter.user_id):
            if report.status is Status.CLOSED:
                continue
            for question in await uow.messages.unanswered_questions(report.reference):
                if question.delivered_to_reporter_at is not None:
                    return question
        return None

    def question(self, question: ReportMessage, again: bool = False) -> TextQuestion:
        sign = f"\n— {question.signed_by}" if question.signed_by else ""
        intro = "The security team is still hoping for your answer" if again else self.question_intro
        return TextQuestion(
            token=f"{ANSWER}{question.id}",
            key="answer",
            text=f"{intro} (about {question.report_reference})\n\n{question.body}{sign}",
            hint="Type your answer. If you'd rather answer later, type 'later'.",
            max_length=MAX_LENGTH,
        )

    async def my_reports(self, uow: UnitOfWork, reporter: Reporter) -> list[Message]:
        reports = await uow.reports.list_for_reporter(reporter.platform, reporter.user_id)
        if not reports:
            return [Text("You haven't sent any reports yet.")]
        fields = []
        for report in reports:
            latest = await self._latest_to_reporter(uow, report.reference)
            sent = report.created_at.strftime("%d %b %Y").lstrip("0")
            value = f"{_STATUS_WORDS[report.status]} — sent {sent}."
            if latest:
                value += f" Latest from the security team: {latest}"
            fields.append(SummaryField(report.reference, value))
        actions = tuple(
            Choice(f"{ADD}{r.reference}", f"Add information to {r.reference}")
            for r in reports
            if r.status is not Status.CLOSED
        )
        return [
            SummaryCard(
                token=MY_REPORTS,
                title="Your reports",
                intro="Here are the reports you've sent, newest first.",
                fields=tuple(fields),
                actions=actions,
                footer="To add something to an open report — a new message from the same person, "
                "another screenshot — type 'add' and its reference, for example: add "
                f"{reports[0].reference}",
            )
        ]

    async def start_adding(self, uow: UnitOfWork, reporter: Reporter, reference: str) -> DeskReply:
        open_reports = [
            r
            for r in await uow.reports.list_for_reporter(reporter.platform, reporter.user_id)
            if r.status is not Status.CLOSED
        ]
        if not reference:
            if len(open_reports) != 1:
                return DeskReply(await self.my_reports(uow, reporter), None)
            reference = open_reports[0].reference
        report = next((r for r in open_reports if r.reference == reference), None)
        if report is None:
            text = (
                f"I can't find an open report {reference} of yours. If the same person got in touch "
                "again after a report was closed, please start a new report and mention the old reference."
            )
            return DeskReply([Text(text, Tone.WARNING)], None)
        prompt = TextQuestion(
            token=f"{ADD}{reference}",
            key="add",
            text=f"What would you like to add to {reference}?",
            hint="For example: they messaged again, a new email address, where another screenshot is kept. "
            "Type 'later' to stop.",
            max_length=MAX_LENGTH,
        )
        return DeskReply([prompt], Awaiting("add", reference))

    async def receive(
        self, uow: UnitOfWork, reporter: Reporter, awaiting: Awaiting, raw: str, now: datetime
    ) -> DeskReply:
        """The reporter's answer to a question, or what they are adding to a report."""
        if raw.strip().lower() in _LATER_WORDS:
            text = "No problem. I'll ask again the next time you message me, or type 'my reports'."
            return DeskReply([Text(text)], None, deferred=True)
        text, had_controls = clean_text(raw)
        problem = None
        if had_controls:
            problem = (
                "That had hidden control characters in it (often from copy and paste). "
                "Please send it as plain text."
            )
        elif not text:
            problem = "I didn't get anything there. Type your message, or 'later' to stop."
        elif len(text) > MAX_LENGTH:
            problem = f"That's {len(text):,} characters; the limit is {MAX_LENGTH:,}. Could you shorten it?"
        report = await uow.reports.get(awaiting.reference)
        if report is None or not _belongs_to(report, reporter):
            return DeskReply([Text("I can't find that report.", Tone.WARNING)], None)
        if awaiting.kind == "add" and report.status is Status.CLOSED:
            text = (
                f"{report.reference} has been closed. If the same person got in touch again, please start "
                "a new report and mention the old reference."
            )
            return DeskReply([Text(text, Tone.WARNING)], None)
        if problem is not None:
            return DeskReply([Text(problem, Tone.WARNING)], awaiting)
        kind = MessageKind.ANSWER if awaiting.kind == "answer" else MessageKind.REPORTER_UPDATE
        message = ReportMessage(
            report_reference=report.reference,
            kind=kind,
            body=text,
            author=f"{reporter.platform}:{reporter.user_id}",
            created_at=now,
            in_reply_to=awaiting.message_id,
        )
        message.id = await uow.messages.add(message)
        await uow.audit.add(
            AuditEvent(
                at=now,
                actor=message.author,
                platform=reporter.platform,
                action=f"report.{kind.value}",
                report_reference=report.reference,
                detail={"message_id": message.id},
            )
        )
        event = InboxEvent.about(
            EventKind.MESSAGE,
            report,
            now,
            message=ThreadMessage(
                id=message.id, kind=kind, body=text, from_label="Reporter", in_reply_to=message.in_reply_to
            ),
        )
        queued = await queue_event(uow, event, f"msg{message.id}", now)
        thanks = (
            "Thank you — your answer is with the security team."
            if kind is MessageKind.ANSWER
            else f"Thank you — that's been added to {report.reference}, and the security team can see it."
        )
        return DeskReply([Text(thanks, Tone.SUCCESS)], None, queued)

    async def owns_question(self, uow: UnitOfWork, reporter: Reporter, message_id: int) -> Awaiting | None:
        question = await uow.messages.get(message_id)
        if question is None or question.kind is not MessageKind.QUESTION:
            return None
        report = await uow.reports.get(question.report_reference)
        if report is None or not _belongs_to(report, reporter):
            return None
        return Awaiting("answer", report.reference, message_id)

    async def already_answered(self, uow: UnitOfWork, awaiting: Awaiting) -> DeskReply | None:
        """A kind word when this question already has its answer (its card sent a second time,
        from another device, say), so one question never gets two answers; None when it is open."""
        assert awaiting.message_id is not None
        open_ids = {q.id for q in await uow.messages.unanswered_questions(awaiting.reference)}
        if awaiting.message_id in open_ids:
            return None
        return DeskReply(
            [
                Text(
                    "You've already answered that question — thank you, the security team has it. "
                    f'If there\'s more to say, type "add {awaiting.reference}".'
                )
            ],
            None,
        )

    async def _latest_to_reporter(self, uow: UnitOfWork, reference: str) -> str | None:
        to_reporter = [
            m
            for m in await uow.messages.for_report(reference)
            if m.kind in (MessageKind.ACKNOWLEDGEMENT, MessageKind.CLOSING, MessageKind.QUESTION)
            and m.delivered_to_reporter_at is not None
        ]
        if not to_reporter:
            return None
        body = to_reporter[-1].body
        return body if len(body) <= 200 else body[:199] + "…"


def _belongs_to(report: Report, reporter: Reporter) -> bool:
    return (report.reporter.platform, report.reporter.user_id) == (reporter.platform, reporter.user_id)
