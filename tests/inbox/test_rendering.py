"""Rendering an inbox event for people: safe subjects, every field labelled, escaped HTML."""

from __future__ import annotations

import html as std_html
import re
from datetime import timedelta

import pytest

from adapters.inbox import email_body
from bot import inbox, text_safety
from bot.inbox_events import EventKind, Reminder, StatusChange, ThreadMessage
from bot.ports import DeadlineKind, MessageKind
from bot.report import (
    Contact,
    ContactMethod,
    ContactPreference,
    Evidence,
    EvidenceFile,
    LinkKind,
    Outcome,
    ReporterActions,
    ReportLink,
    Status,
    Timeline,
    YesNoUnsure,
)
from tests.factories import CREATED_AT, make_report
from tests.inbox.events import IDENTITY, IDENTITY_PARTS, event

HOSTILE = '<script>alert("x")</script> <a href="https://evil.example/login?u=1">open me</a> & more'


def _hostile_report():
    """Every piece of free text holds markup and a link, as a hostile contact's words might."""
    return make_report(
        reporter=IDENTITY,
        what_happened=HOSTILE,
        contact=Contact(
            described_as=HOSTILE,
            name_used=HOSTILE,
            profile_urls=["https://evil.example/in/<script>"],
            organisation=HOSTILE,
            emails=["ceo@evil.example"],
            phones=[HOSTILE],
            websites=["http://evil.example/<b>"],
        ),
        timeline=Timeline(first_contact_as_told=HOSTILE),
        asked_for_detail=HOSTILE,
        offered_detail=HOSTILE,
        actions=ReporterActions(shared_detail=HOSTILE, accepted_detail=HOSTILE),
        evidence=Evidence(
            kept_where=HOSTILE,
            files=[EvidenceFile(id="f1", name=HOSTILE, url="https://files.example/f1")],
        ),
        reporter_role=HOSTILE,
        contact_preference=ContactPreference(may_contact=True, method=ContactMethod.EMAIL, detail=HOSTILE),
        severity_reasons=[HOSTILE],
        closing_message=HOSTILE,
        assigned_to=HOSTILE,
    )


def _message(kind: MessageKind, body: str = HOSTILE, from_label: str = "Reporter") -> dict:
    return {"message": ThreadMessage(id=7, kind=kind, body=body, from_label=from_label, in_reply_to=3)}


def _status(action: str, **extra) -> dict:
    fields = {"action": action, "by": "cli:bob", "from_status": Status.NEW, "to_status": Status.ACKNOWLEDGED}
    return {"status_change": StatusChange(**(fields | extra))}


def _reminder(stage: str, due_in: timedelta, deadline: DeadlineKind = DeadlineKind.ACKNOWLEDGE) -> dict:
    return {"reminder": Reminder(deadline=deadline, stage=stage, due_at=CREATED_AT + due_in)}


@pytest.mark.parametrize(
    ("kind", "parts", "expected"),
    [
        (EventKind.SUBMITTED, {}, "New report (High severity)"),
        (EventKind.UPDATED, {}, "Update (revision 1)"),
        (EventKind.MESSAGE, _message(MessageKind.ANSWER), "Reply from the reporter"),
        (EventKind.MESSAGE, _message(MessageKind.REPORTER_UPDATE), "More from the reporter"),
        (EventKind.MESSAGE, _message(MessageKind.QUESTION, from_label="Security team"), "Question sent"),
        (EventKind.MESSAGE, _message(MessageKind.NOTE, from_label="Bob"), "Note"),
        (EventKind.STATUS, _status("acknowledged"), "Acknowledged"),
        (EventKind.STATUS, _status("assigned", assigned_to="cli:bob"), "Assigned"),
        (
            EventKind.STATUS,
            _status("closed", to_status=Status.CLOSED, outcome=Outcome.BENIGN),
            "Closed: benign",
        ),
        (
            EventKind.STATUS,
            _status("closed", to_status=Status.CLOSED, outcome=Outcome.LIKELY_HOSTILE),
            "Closed: likely hostile",
        ),
        (EventKind.STATUS, _status("reopened"), "Reopened"),
        (
            EventKind.STATUS,
            _status("linked", linked_reference="TIP-ABC234", link_kind="related"),
            "Linked to TIP-ABC234",
        ),
        (EventKind.STATUS, _status("linked", linked_reference=HOSTILE), "Linked to another report"),
        (
            EventKind.REMINDER,
            _reminder("near", timedelta(hours=3)),
            "Reminder: acknowledgement due in 3 hours",
        ),
        (
            EventKind.REMINDER,
            _reminder("near", timedelta(minutes=45)),
            "Reminder: acknowledgement due in 45 minutes",
        ),
        (
            EventKind.REMINDER,
            _reminder("near", timedelta(days=3), DeadlineKind.FEEDBACK),
            "Reminder: feedback to the reporter due in 3 days",
        ),
        (
            EventKind.REMINDER,
            _reminder("missed", timedelta(hours=-1)),
            "Missed: acknowledgement was due 14 Mar 2026 08:30 UTC",
        ),
    ],
)
def test_the_subject_says_which_report_and_what_happened_in_our_words_only(kind, parts, expected) -> None:
    report = _hostile_report()
    subject = inbox.subject(event(kind, report, **parts))
    assert subject == f"[{report.reference}] {expected}"
    assert re.fullmatch(r"[A-Za-z0-9 \[\]():,\-]+", subject), "only our own words and the reference"


def test_nothing_identifies_the_reporter_anywhere_in_the_rendering() -> None:
    inbox_event = event(EventKind.MESSAGE, _hostile_report(), **_message(MessageKind.ANSWER))
    for text in (
        inbox.subject(inbox_event),
        email_body.plain_text(inbox_event),
        email_body.html(inbox_event),
    ):
        for part in IDENTITY_PARTS:
            assert part not in text
    assert "Reported through: slack" in email_body.plain_text(inbox_event)


def test_plain_text_labels_every_part_of_the_report() -> None:
    report = make_report(
        reporter=IDENTITY,
        links=[ReportLink(reference="TIP-ABC234", kind=LinkKind.RELATED)],
        routed_to=["file", "email"],
    )
    text = email_body.plain_text(event(EventKind.SUBMITTED, report))
    for expected in [
        f"[{report.reference}] New report (High severity)",
        f"Reference: {report.reference}",
        "Severity: High",
        "Why this severity:\n  - payment offered",
        "Status: New",
        "Linked reports:\n  - TIP-ABC234 (related)",
        "Sent to:\n  - file\n  - email",
        "What happened: A recruiter offered paid consultancy on our work.",
        "Kind of approach:\n  - Recruiter or headhunter\n  - Offer of payment",
        "Where it happened: LinkedIn",
        "Described as: recruiter",
        "Name used: Jane Smith",
        "Profile addresses:\n  - hxxps://www[.]linkedin[.]com/in/jane-smith",
        "Organisation: Acme Talent",
        "Email addresses:\n  - jane@example.com",
        "Phone numbers:\n  - +44 20 7946 0000",
        "Websites:\n  - hxxps://acme-talent[.]example",
        "First contact on: 1 Mar 2026",
        "First contact, as told: two weeks ago",
        "How often: A few times",
        "Still going on: Yes",
        "Asked for:\n  - Details of their work\n  - A paid report",
        "More about what was asked: a short paper on our roadmap",
        "Offered:\n  - Money",
        "More about what was offered: £2,000",
        "Replied: Yes",
        "Shared information: No",
        "What was shared: Not given",
        "Accepted something: No",
        "Met in person: No",
        "Kinds:\n  - Screenshots of the messages",
        "Kept where: phone",
        "Files:\n  - chat.png (image/png)",
        "Role or access, as they chose to say: engineer",
        "May the security team contact them: Yes",
        "How: Through the Tipline chat",
    ]:
        assert expected in text


def test_the_event_part_comes_first_in_plain_text() -> None:
    message = event(
        EventKind.MESSAGE, **_message(MessageKind.ANSWER, body="He called again.\nFrom a new number.")
    )
    text = email_body.plain_text(message)
    assert text.index("Message\n-------") < text.index("Report\n------")
    assert "Kind: Answer from the reporter\nFrom: Reporter\nIn reply to: message 3\n" in text
    assert "Text: He called again.\n    From a new number.\n" in text

    closed = email_body.plain_text(
        event(EventKind.STATUS, **_status("closed", to_status=Status.CLOSED, outcome=Outcome.BENIGN))
    )
    assert "Change: Closed\nBy: cli:bob\nStatus before: New\nStatus now: Closed\nOutcome: Benign\n" in closed

    reminder = email_body.plain_text(event(EventKind.REMINDER, **_reminder("near", timedelta(hours=3))))
    assert "Deadline: Acknowledgement\nStage: Due soon\nDue at: 14 Mar 2026 12:30 UTC\n" in reminder


def test_html_holds_the_same_fields_as_plain_text() -> None:
    inbox_event = event(EventKind.MESSAGE, **_message(MessageKind.ANSWER, body="Line one\nLine two"))
    text, page = email_body.plain_text(inbox_event), email_body.html(inbox_event)
    for section in inbox.sections(inbox_event):
        assert f'<h2 style="font-size: 16px;">{std_html.escape(section.title)}</h2>' in page
        for field in section.fields:
            assert f">{std_html.escape(field.label)}</th>" in page and f"{field.label}:" in text
            values = [field.value] if isinstance(field.value, str) else list(field.value)
            for value in values:
                assert "<br>".join(std_html.escape(line) for line in value.splitlines()) in page
                assert value.splitlines()[0] in text
    assert "Line one<br>Line two" in page


def test_every_piece_of_free_text_is_escaped_and_no_link_is_live() -> None:
    inbox_event = event(
        EventKind.MESSAGE, _hostile_report(), **_message(MessageKind.ANSWER, from_label=HOSTILE)
    )
    page = email_body.html(inbox_event)
    assert "<script" not in page.lower() and "<a " not in page.lower() and "<b>" not in page
    assert "https://" not in page and "http://" not in page and 'href="' not in page
    escaped = std_html.escape(text_safety.defang(HOSTILE), quote=True)
    assert escaped.startswith(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;a href=&quot;hxxps://evil[.]example/"
    )
    # every free-text field of the report, the analyst's closing message and the thread message
    assert page.count(escaped) >= 18
    assert (
        "hxxps://evil[.]example/in/%3Cscript%3E" in page or "hxxps://evil[.]example/in/&lt;script&gt;" in page
    )
    assert "hxxps://files[.]example/f1" in page and "hxxp://evil[.]example/" in page
    # the only tags are ours
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", page))
    assert tags <= {
        "html",
        "head",
        "meta",
        "title",
        "body",
        "h1",
        "h2",
        "table",
        "tr",
        "th",
        "td",
        "ul",
        "li",
        "br",
        "p",
        "small",
    }


def test_plain_text_defangs_links_and_drops_control_and_direction_characters() -> None:
    report = make_report(
        what_happened="see https://Evil.example/x and www.evil.example\x1b[31m red \u202eexe.gnp\r\nend"
    )
    text = email_body.plain_text(event(EventKind.SUBMITTED, report))
    assert (
        "What happened: see hxxps://Evil[.]example/x and www[.]evil[.]example[31m red exe.gnp\n    end\n"
        in text
    )
    assert "\x1b" not in text and "\u202e" not in text and "\r" not in text


def test_a_quick_report_shows_what_was_not_given() -> None:
    report = make_report(
        detail_level="quick",
        approach_kinds=[],
        channel=None,
        contact=Contact(),
        timeline=Timeline(),
        asked_for=[],
        asked_for_detail=None,
        offered=[],
        offered_detail=None,
        actions=ReporterActions(replied=YesNoUnsure.UNSURE),
        evidence=Evidence(),
        reporter_role=None,
        contact_preference=ContactPreference(),
        severity_reasons=[],
    )
    text = email_body.plain_text(event(EventKind.SUBMITTED, report))
    for expected in [
        "Detail given: Quick",
        "Kind of approach: None given",
        "Where it happened: Not given",
        "Name used: Not given",
        "Profile addresses: None given",
        "First contact on: Not given",
        "Replied: Not sure",
        "May the security team contact them: Not given",
    ]:
        assert expected in text
