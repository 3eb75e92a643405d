"""`app.py reports list|show|ack|assign|close|timeline` against a real database."""

from __future__ import annotations

import getpass
import io
from datetime import timedelta
from typing import Any

import pytest

from adapters.cli import build_parser, run_command
from adapters.cli.export import report_columns
from adapters.cli.report_view import SECTIONS
from adapters.cli.reports import list_reports, show_report
from bot.ports import UnitOfWorkFactory
from bot.report import ApproachKind, Contact, Evidence, EvidenceFile, Report, Status
from bot.triage import TriageService
from tests.factories import CREATED_AT, Clock, make_report

# What a hostile contact might put in a name to drive the analyst's terminal: set the
# window title, clear the screen, colour text, an 8-bit CSI, and a bidi override.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mJane\x1b[0m\x9b1;1H Smith\u202e\x07"


@pytest.fixture
def clock() -> Clock:
    return Clock(CREATED_AT + timedelta(days=1))


@pytest.fixture
def triage(uow_factory, clock) -> TriageService:
    return TriageService(uow_factory, clock)


async def store(uow_factory: UnitOfWorkFactory, **overrides: Any) -> Report:
    report = make_report(**overrides)
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    return report


async def run(argv: list[str], uow_factory, clock) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_command(build_parser().parse_args(argv), uow_factory, clock, out, err)
    return code, out.getvalue(), err.getvalue()


# --- list ------------------------------------------------------------------------


async def test_list_says_when_there_is_nothing(uow_factory):
    out = io.StringIO()
    assert await list_reports(uow_factory, None, 50, out) == 0
    assert out.getvalue() == "No reports yet.\n"

    out = io.StringIO()
    await list_reports(uow_factory, Status.CLOSED, 50, out)
    assert out.getvalue() == "No closed reports.\n"


async def test_list_is_an_aligned_table_newest_first(uow_factory, clock):
    older = await store(uow_factory, created_at=CREATED_AT, approach_kinds=[ApproachKind.TRIP_OR_EVENT])
    newer = await store(uow_factory, created_at=CREATED_AT + timedelta(hours=2, seconds=42))
    await run(["reports", "assign", newer.reference, "bob"], uow_factory, clock)

    code, out, _ = await run(["reports", "list"], uow_factory, clock)

    assert code == 0
    header, rule, first, second = out.splitlines()
    assert header.split() == ["REFERENCE", "RECEIVED", "SEVERITY", "STATUS", "KINDS", "ASSIGNED"]
    assert first.startswith(newer.reference) and second.startswith(older.reference)
    assert "2026-03-14 11:30 UTC" in first  # to the minute
    assert "in progress" in first and first.rstrip().endswith("bob")
    assert "trip or event" in second and second.rstrip().endswith("-")
    # Aligned: every column starts at the same place on each line.
    status_at = header.index("STATUS")
    assert first[status_at:].startswith("in progress") and second[status_at:].startswith("new")
    assert set(rule) == {"-", " "}


async def test_list_filters_and_limits(uow_factory, clock, triage):
    references = [
        (await store(uow_factory, created_at=CREATED_AT + timedelta(minutes=i))).reference for i in range(3)
    ]
    await triage.acknowledge(references[0], "cli:alice", "cli")

    _, out, _ = await run(["reports", "list", "--status", "new"], uow_factory, clock)
    assert references[0] not in out and references[1] in out and references[2] in out

    _, out, _ = await run(["reports", "list", "--limit", "2"], uow_factory, clock)
    assert [line.split()[0] for line in out.splitlines()[2:4]] == references[:0:-1]
    assert "Showing the newest 2; use --limit to see more." in out

    _, out, _ = await run(["reports", "list", "--limit", "3"], uow_factory, clock)
    assert "Showing the newest" not in out


async def test_list_cannot_be_driven_by_the_assignee_name(uow_factory, clock):
    report = await store(uow_factory, assigned_to=HOSTILE, status=Status.IN_PROGRESS)
    _, out, _ = await run(["reports", "list"], uow_factory, clock)
    assert report.reference in out
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in out)


# --- show ------------------------------------------------------------------------


async def test_show_labels_every_group_in_plain_english(uow_factory, triage):
    report = await store(uow_factory)
    out, err = io.StringIO(), io.StringIO()

    assert await show_report(triage, report.reference.lower(), out, err) == 0

    text = out.getvalue()
    assert err.getvalue() == ""
    assert text.splitlines()[0] == f"{report.reference}  (high severity, new)"
    for section, _ in SECTIONS:
        assert f"\n{section}\n" in text
    for expected in [
        "What happened:",
        "A recruiter offered paid consultancy on our work.",
        "recruiter, payment offer",
        "Name used:",
        "Jane Smith",
        "https://www.linkedin.com/in/jane-smith",
        "jane@example.com",
        "+44 20 7946 0000",
        "Acme Talent",
        "2026-03-01",
        "a few times",
        "work details, paid report",
        "£2,000",
        "chat.png (image/png, id f1)",
        "payment offered",
        "May we contact them:",
        "yes",
        "this chat",
        "Received:",
        "2026-03-14 09:30 UTC",
    ]:
        assert expected in text, expected


def test_show_covers_every_field_of_the_model():
    shown = {path for _, rows in SECTIONS for _, path in rows}
    unshown = [c for c in report_columns() if not any(c == p or c.startswith(p + ".") for p in shown)]
    assert unshown == []


async def test_show_puts_each_indicator_on_its_own_line(uow_factory, triage):
    report = await store(
        uow_factory,
        contact=Contact(emails=["a@example.com", "b@example.com"], name_used="X"),
        evidence=Evidence(files=[EvidenceFile(id="1", name="a.png"), EvidenceFile(id="2", name="b.png")]),
    )
    out = io.StringIO()
    await show_report(triage, report.reference, out, io.StringIO())
    lines = out.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if "a@example.com" in line)
    assert lines[first + 1].strip() == "b@example.com"
    assert lines[first + 1].index("b@") == lines[first].index("a@")
    assert any(line.strip() == "b.png (id 2)" for line in lines)


async def test_show_strips_terminal_escapes_from_reporter_text(uow_factory, triage):
    report = await store(
        uow_factory,
        what_happened="First line\n\x1b[8mhidden?\x1b[0m\r\nThird\x1b]52;c;ZXZpbA==\x07 line",
        contact=Contact(name_used=HOSTILE, organisation="\x1bP+q544e\x1b\\Acme"),
    )
    out = io.StringIO()
    await show_report(triage, report.reference, out, io.StringIO())
    text = out.getvalue()

    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text and "\r" not in text
    assert "\u202e" not in text
    assert "Jane Smith" in text
    assert "Acme" in text and "544e" not in text
    # Line breaks the reporter typed survive, indented under the label.
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.endswith("First line"))
    assert lines[first + 1].strip() == "hidden?"
    assert lines[first + 2].strip() == "Third line"


async def test_show_an_unknown_report(uow_factory, triage):
    out, err = io.StringIO(), io.StringIO()
    assert await show_report(triage, "TIP-222222", out, err) == 1
    assert out.getvalue() == ""
    assert err.getvalue() == "No report TIP-222222\n"


# --- ack, assign, close, timeline -----------------------------------------------------


async def test_ack_assign_close_and_timeline(uow_factory, clock):
    report = await store(uow_factory)
    ref = report.reference

    assert await run(["reports", "ack", ref.lower(), "--as", "alice"], uow_factory, clock) == (
        0,
        f"{ref} acknowledged by alice.\n",
        "",
    )
    assert await run(["reports", "ack", ref, "--as", "bob"], uow_factory, clock) == (
        0,
        f"{ref} was already acknowledged; nothing changed.\n",
        "",
    )
    clock.advance(timedelta(minutes=3))
    assert await run(["reports", "assign", ref, "carol", "--as", "alice"], uow_factory, clock) == (
        0,
        f"{ref} assigned to carol by alice.\n",
        "",
    )
    close = [
        "reports",
        "close",
        ref,
        "--outcome",
        "likely_hostile",
        "--message",
        "Thank you.",
        "--as",
        "carol",
    ]
    assert await run(close, uow_factory, clock) == (0, f"{ref} closed as likely hostile by carol.\n", "")

    code, out, err = await run(close, uow_factory, clock)
    assert (code, out, err) == (1, "", f"{ref} is already closed (likely hostile).\n")
    code, _, err = await run(["reports", "ack", ref], uow_factory, clock)
    assert (code, err) == (1, f"{ref} is closed, so it can't be changed.\n")

    code, out, _ = await run(["reports", "timeline", ref], uow_factory, clock)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["WHEN", "WHO", "WHAT", "DETAILS"]
    assert [line.split()[3:5] for line in lines[2:]] == [
        ["cli:alice", "report.acknowledged"],
        ["cli:bob", "report.already_acknowledged"],
        ["cli:alice", "report.assigned"],
        ["cli:carol", "report.closed"],
        ["cli:carol", "triage.refused"],
        [f"cli:{getpass.getuser()}", "triage.refused"],
    ]
    assert "2026-03-15 09:33:00 UTC" in lines[4]
    assert "outcome=likely_hostile" in lines[5]


async def test_triage_commands_refuse_unknown_and_malformed_references(uow_factory, clock):
    for argv in (
        ["reports", "ack", "TIP-222222"],
        ["reports", "assign", "TIP-222222", "bob"],
        ["reports", "close", "TIP-222222", "--outcome", "benign", "--message", "x"],
        ["reports", "timeline", "TIP-222222"],
        ["reports", "show", "TIP-222222"],
    ):
        assert await run(argv, uow_factory, clock) == (1, "", "No report TIP-222222\n")

    code, _, err = await run(["reports", "ack", "\x1b[2Jnonsense"], uow_factory, clock)
    assert code == 1 and "not a report reference" in err and "\x1b" not in err


async def test_close_with_an_empty_message_is_refused(uow_factory, clock):
    report = await store(uow_factory)
    argv = ["reports", "close", report.reference, "--outcome", "benign", "--message", "  "]
    code, out, err = await run(argv, uow_factory, clock)
    assert (code, out) == (1, "")
    assert "Write a message for the reporter" in err


async def test_timeline_of_a_report_nobody_has_touched(uow_factory, clock):
    report = await store(uow_factory)
    assert await run(["reports", "timeline", report.reference], uow_factory, clock) == (
        0,
        f"Nothing recorded for {report.reference} yet.\n",
        "",
    )
