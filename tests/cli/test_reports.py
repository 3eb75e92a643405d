"""`app.py reports ...` against a real database: what the analyst sees, and what changes."""

from __future__ import annotations

import dataclasses
import io
import os
import pwd
from datetime import timedelta

import pytest

from adapters.cli import build_parser, run_command
from adapters.cli.dispatch import cli_actor
from adapters.cli.export import report_columns
from adapters.cli.report_view import SECTIONS
from adapters.cli.reports import list_reports, show_report
from bot.actors import Actor
from bot.ports import DeadlineKind, MessageKind, ReportMessage
from bot.report import ApproachKind, Contact, Evidence, EvidenceFile, LinkKind, Outcome, Status
from bot.triage import TriageError
from tests.factories import CREATED_AT
from tests.triage.support import (
    ACKNOWLEDGED,
    CLOSING,
    MEMBER,
    OUTSIDER,
    Team,
    add_deadlines,
    audit_trail,
    deadline,
    outbox,
    refusals,
    store,
    stored,
    thread,
)

LOGIN = pwd.getpwuid(os.geteuid()).pw_name

# What a hostile contact might put in a name to drive the analyst's terminal: set the
# window title, clear the screen, colour text, an 8-bit CSI, and a bidi override.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mJane\x1b[0m\x9b1;1H Smith\u202e\x07"
REFUSED = (
    "cli:mallory is not a member of the security team, so can't do this. The attempt has been recorded.\n"
    "If you are on the security team: add mallory to SECURITY_TEAM (e.g. SECURITY_TEAM=cli:mallory), "
    "or to team.cli in the SECURITY_CONFIG file.\n"
)


def terminal_safe(text: str) -> bool:
    return not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text)


# --- list ------------------------------------------------------------------------


async def test_list_says_when_there_is_nothing(triage):
    out = io.StringIO()
    assert await list_reports(triage, MEMBER, None, 50, out) == 0
    assert out.getvalue() == "No reports yet.\n"

    out = io.StringIO()
    await list_reports(triage, MEMBER, Status.CLOSED, 50, out)
    assert out.getvalue() == "No closed reports.\n"


async def test_list_is_an_aligned_table_newest_first(uow_factory, run):
    older = await store(uow_factory, created_at=CREATED_AT, approach_kinds=[ApproachKind.TRIP_OR_EVENT])
    newer = await store(uow_factory, created_at=CREATED_AT + timedelta(hours=2, seconds=42))
    await run("reports", "assign", newer.reference, "bob")

    code, out, _ = await run("reports", "list")

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


async def test_list_filters_and_limits(uow_factory, triage, run):
    references = [
        (await store(uow_factory, created_at=CREATED_AT + timedelta(minutes=i))).reference for i in range(3)
    ]
    await triage.acknowledge(references[0], MEMBER)

    _, out, _ = await run("reports", "list", "--status", "new")
    assert references[0] not in out and references[1] in out and references[2] in out

    _, out, _ = await run("reports", "list", "--limit", "2")
    assert [line.split()[0] for line in out.splitlines()[2:4]] == references[:0:-1]
    assert "Showing the newest 2; use --limit to see more." in out

    _, out, _ = await run("reports", "list", "--limit", "3")
    assert "Showing the newest" not in out


async def test_list_cannot_be_driven_by_the_assignee_name(uow_factory, run):
    report = await store(uow_factory, assigned_to=HOSTILE, status=Status.IN_PROGRESS)
    _, out, _ = await run("reports", "list")
    assert report.reference in out
    assert "Jane Smith" in out
    assert terminal_safe(out)


# --- show ------------------------------------------------------------------------


async def test_show_labels_every_group_in_plain_english(uow_factory, triage):
    report = await store(uow_factory)
    out = io.StringIO()

    assert await show_report(triage, MEMBER, report.reference.lower(), out) == 0

    text = out.getvalue()
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
    await show_report(triage, MEMBER, report.reference, out)
    lines = out.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if "a@example.com" in line)
    assert lines[first + 1].strip() == "b@example.com"
    assert lines[first + 1].index("b@") == lines[first].index("a@")
    assert any(line.strip() == "b.png (id 2)" for line in lines)


async def test_show_lists_links_one_per_line_and_where_the_report_went(uow_factory, triage, run):
    report = await store(uow_factory, routed_to=["file", "email"])
    duplicate, related = await store(uow_factory), await store(uow_factory)
    await triage.link(report.reference, duplicate.reference, LinkKind.DUPLICATE, MEMBER)
    await triage.link(report.reference, related.reference, LinkKind.RELATED, MEMBER)

    code, out, _ = await run("reports", "show", report.reference)

    assert code == 0
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("Linked reports:"))
    assert lines[first].endswith(f"{duplicate.reference} (duplicate)")
    assert lines[first + 1].strip() == f"{related.reference} (related)"
    assert lines[first + 1].index("TIP-") == lines[first].index("TIP-")
    assert any(line.split() == ["Sent", "to:", "file,", "email"] for line in lines)


async def test_show_strips_terminal_escapes_from_reporter_text(uow_factory, triage):
    report = await store(
        uow_factory,
        what_happened="First line\n\x1b[8mhidden?\x1b[0m\r\nThird\x1b]52;c;ZXZpbA==\x07 line",
        contact=Contact(name_used=HOSTILE, organisation="\x1bP+q544e\x1b\\Acme"),
    )
    out = io.StringIO()
    await show_report(triage, MEMBER, report.reference, out)
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


async def test_show_an_unknown_report(run):
    assert await run("reports", "show", "TIP-222222") == (1, "", "No report TIP-222222\n")


async def test_show_report_lets_the_triage_error_through(triage):
    out = io.StringIO()
    with pytest.raises(TriageError, match="No report TIP-222222"):
        await show_report(triage, MEMBER, "TIP-222222", out)
    assert out.getvalue() == ""


# --- ack, assign, close, reopen -------------------------------------------------------


async def test_ack_assign_close_and_reopen(uow_factory, run, clock):
    report = await store(uow_factory)
    ref = report.reference

    assert await run("reports", "ack", ref.lower()) == (
        0,
        f"{ref} acknowledged by alice; the reporter will be told.\n",
        "",
    )
    assert await run("reports", "ack", ref, actor=Actor("cli", "carol")) == (
        0,
        f"{ref} was already acknowledged; nothing changed.\n",
        "",
    )
    clock.advance(timedelta(minutes=3))
    assert await run("reports", "assign", ref, "carol") == (0, f"{ref} assigned to carol by alice.\n", "")
    close = ["reports", "close", ref, "--outcome", "likely_hostile", "--message", "Thank you."]
    assert await run(*close, actor=Actor("cli", "carol")) == (
        0,
        f"{ref} closed as likely hostile by carol; the reporter will be told.\n",
        "",
    )
    closed = await stored(uow_factory, ref)
    assert (closed.status, closed.outcome, closed.closing_message) == (
        Status.CLOSED,
        Outcome.LIKELY_HOSTILE,
        "Thank you.",
    )

    is_closed = f"{ref} is closed, so it can't be changed. Reopen it first if it needs more work.\n"
    assert await run(*close) == (1, "", is_closed)
    assert await run("reports", "ack", ref) == (1, "", is_closed)
    assert await run("reports", "assign", ref, "bob") == (1, "", is_closed)
    assert await run("reports", "ask", ref, "Anything else?") == (1, "", is_closed)

    clock.advance(timedelta(minutes=1))
    assert await run("reports", "reopen", ref) == (0, f"{ref} reopened; it is in progress again.\n", "")
    assert (await stored(uow_factory, ref)).status is Status.IN_PROGRESS
    assert await run("reports", "reopen", ref) == (1, "", f"{ref} is not closed.\n")


async def test_close_without_a_message_sends_the_template(uow_factory, run):
    report = await store(uow_factory)
    await add_deadlines(uow_factory, report, CREATED_AT)

    code, out, err = await run("reports", "close", report.reference, "--outcome", "benign")

    assert (code, err) == (0, "")
    assert out == f"{report.reference} closed as benign by alice; the reporter will be told.\n"
    assert (await stored(uow_factory, report.reference)).closing_message == CLOSING[Outcome.BENIGN]
    [message] = await thread(uow_factory, report.reference)
    assert (message.kind, message.body) == (MessageKind.CLOSING, CLOSING[Outcome.BENIGN])
    for kind in (DeadlineKind.ACKNOWLEDGE, DeadlineKind.FEEDBACK):  # the report's own
        assert (await deadline(uow_factory, report.reference, kind)).met_at is not None


async def test_close_preview_prints_the_template_and_changes_nothing(uow_factory, run):
    report = await store(uow_factory)

    code, out, err = await run(
        "reports", "close", report.reference, "--outcome", "not_enough_information", "--preview"
    )

    assert (code, err) == (0, "")
    assert out == (
        f"Closing {report.reference} as not enough information would tell the reporter:\n\n"
        f"{CLOSING[Outcome.NOT_ENOUGH_INFORMATION]}\n\n"
        "Nothing has been sent. Run again without --preview to close, or give --message.\n"
    )
    assert await stored(uow_factory, report.reference) == report
    assert await thread(uow_factory, report.reference) == []
    assert await outbox(uow_factory) == []
    assert await audit_trail(uow_factory, report.reference) == []


async def test_close_preview_of_your_own_message_shows_it_safely(uow_factory, run):
    report = await store(uow_factory)
    argv = ["reports", "close", report.reference, "--outcome", "benign", "--preview"]

    code, out, _ = await run(*argv, "--message", "Thank you.\nIt was \x1b[31mgenuine\x1b[0m.")

    assert code == 0
    assert "\nThank you.\nIt was genuine.\n" in out
    assert CLOSING[Outcome.BENIGN] not in out
    assert terminal_safe(out)
    assert (await stored(uow_factory, report.reference)).status is Status.NEW


async def test_close_preview_is_for_the_team_only(uow_factory, engine, run):
    report = await store(uow_factory)
    argv = ["reports", "close", report.reference, "--outcome", "benign", "--preview"]

    assert await run(*argv, actor=OUTSIDER) == (1, "", REFUSED)
    assert [r.detail["attempted"] for r in await refusals(engine)] == ["read"]


async def test_close_with_an_empty_message_is_refused(uow_factory, run):
    report = await store(uow_factory)
    code, out, err = await run("reports", "close", report.reference, "--outcome", "benign", "--message", "  ")
    assert (code, out, err) == (1, "", "The message is empty.\n")
    assert (await stored(uow_factory, report.reference)).status is Status.NEW


async def test_close_with_a_message_too_long_is_refused(uow_factory, run):
    report = await store(uow_factory)
    code, _, err = await run(
        "reports", "close", report.reference, "--outcome", "benign", "--message", "x" * 2001
    )
    assert code == 1
    assert err == "The message is 2,001 characters; the limit is 2,000. Please shorten it.\n"


# --- ask, note, link -------------------------------------------------------------------


async def test_ask_unsigned_and_signed(uow_factory, run):
    report = await store(uow_factory)
    ref = report.reference

    code, out, err = await run("reports", "ask", ref, "When did they first write?")
    assert (code, err) == (0, "")
    [first] = await thread(uow_factory, ref)
    assert out == (
        f"Question {first.id} for the reporter of {ref}, from the security team (unsigned). They will see "
        "it the next time they open Tipline; their answer appears in `reports timeline`.\n"
    )

    code, out, _ = await run(
        "reports", "ask", ref.lower(), "Can you send the profile link?", "--sign", "Alice"
    )
    assert code == 0
    second = (await thread(uow_factory, ref))[-1]
    assert out.startswith(f"Question {second.id} for the reporter of {ref}, signed as Alice. ")
    assert [(m.kind, m.body, m.signed_by) for m in await thread(uow_factory, ref)] == [
        (MessageKind.QUESTION, "When did they first write?", None),
        (MessageKind.QUESTION, "Can you send the profile link?", "Alice"),
    ]


async def test_ask_prints_a_hostile_signature_safely(uow_factory, run):
    report = await store(uow_factory)
    _, out, _ = await run(
        "reports", "ask", report.reference, "Still there?", "--sign", "\x1b]0;x\x07Al\x1b[2Jice"
    )
    assert "signed as Alice" in out
    assert terminal_safe(out)


async def test_note(uow_factory, run):
    report = await store(uow_factory)

    assert await run("reports", "note", report.reference, "Matches the March alert.") == (
        0,
        f"Note added to {report.reference}. The reporter does not see notes.\n",
        "",
    )
    [note] = await thread(uow_factory, report.reference)
    assert (note.kind, note.body, note.author) == (MessageKind.NOTE, "Matches the March alert.", "cli:alice")


async def test_link(uow_factory, run):
    first, second = await store(uow_factory), await store(uow_factory)

    assert await run("reports", "link", first.reference, second.reference.lower()) == (
        0,
        f"{first.reference} and {second.reference} are linked as related.\n",
        "",
    )
    assert await run("reports", "link", second.reference, first.reference, "--kind", "duplicate") == (
        0,
        f"{second.reference} and {first.reference} are linked as duplicate.\n",
        "",
    )
    assert [(link.reference, link.kind) for link in (await stored(uow_factory, first.reference)).links] == [
        (second.reference, LinkKind.DUPLICATE)
    ]


async def test_link_refuses_itself_and_unknown_reports(uow_factory, run):
    report = await store(uow_factory)
    assert await run("reports", "link", report.reference, report.reference) == (
        1,
        "",
        "A report can't be linked to itself.\n",
    )
    assert await run("reports", "link", report.reference, "TIP-222222") == (1, "", "No report TIP-222222\n")
    assert (await stored(uow_factory, report.reference)).links == []


# --- timeline --------------------------------------------------------------------------


async def test_timeline_prints_the_audit_trail_and_the_thread_in_order(uow_factory, run, clock):
    report = await store(uow_factory)
    ref = report.reference
    start = clock.now
    await run("reports", "ack", ref)
    clock.advance(timedelta(minutes=1))
    await run("reports", "ask", ref, "Which\x1b[8m email?", "--sign", "Alice")
    clock.advance(timedelta(minutes=1))
    await run("reports", "note", ref, "Known profile.", actor=Actor("cli", "carol"))
    clock.advance(timedelta(minutes=1))
    await run("reports", "close", ref, "--outcome", "benign", "--message", "All fine, thank you.")
    clock.advance(timedelta(minutes=1))
    await run("reports", "ack", ref)  # refused: closed

    code, out, err = await run("reports", "timeline", ref.lower())

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["WHEN", "WHO", "WHAT", "TEXT"]
    assert set(lines[1]) == {"-", " "}
    rows = lines[2:]
    expected = [
        ("09:30:00", "cli:alice", "report.acknowledged", ""),
        ("09:30:00", "cli:alice", "acknowledgement", ACKNOWLEDGED),
        ("09:31:00", "cli:alice", "report.question", ""),
        ("09:31:00", "cli:alice (signed Alice)", "question", "Which email?"),
        ("09:32:00", "cli:carol", "report.note", ""),
        ("09:32:00", "cli:carol", "note", "Known profile."),
        ("09:33:00", "cli:alice", "report.closed", ""),
        ("09:33:00", "cli:alice", "closing", "All fine, thank you."),
        ("09:34:00", "cli:alice", "triage.refused", ""),
    ]
    assert len(rows) == len(expected)
    what_at, text_at = lines[0].index("WHAT"), lines[0].index("TEXT")
    for row, (time, who, what, text) in zip(rows, expected, strict=True):
        assert row.startswith(f"{start.date()} {time} UTC  {who}")
        assert row[what_at:].startswith(what)
        assert row[text_at:] == text


async def test_timeline_shows_a_message_of_several_lines_on_one_line_with_its_words_apart(uow_factory, run):
    report = await store(uow_factory)
    await run(
        "reports", "close", report.reference, "--outcome", "benign", "--message", "All fine.\nThank you."
    )

    _, out, _ = await run("reports", "timeline", report.reference)

    closing = next(line for line in out.splitlines() if " closing " in line)
    assert closing.endswith("All fine. Thank you.")


async def test_timeline_cannot_be_driven_by_what_the_reporter_wrote(uow_factory, run, clock):
    report = await store(uow_factory)
    async with uow_factory() as uow:
        await uow.messages.add(
            ReportMessage(report.reference, MessageKind.REPORTER_UPDATE, HOSTILE, "console:alice", clock.now)
        )
        await uow.commit()

    code, out, _ = await run("reports", "timeline", report.reference)

    assert code == 0
    assert "reporter update" in out and "Jane Smith" in out
    assert terminal_safe(out)


async def test_timeline_of_a_report_nobody_has_touched(uow_factory, run):
    report = await store(uow_factory)
    assert await run("reports", "timeline", report.reference) == (0, "Nothing recorded yet.\n", "")


# --- references -------------------------------------------------------------------------


COMMANDS_ON_A_REPORT = [
    ["reports", "show", "{ref}"],
    ["reports", "ack", "{ref}"],
    ["reports", "assign", "{ref}", "bob"],
    ["reports", "close", "{ref}", "--outcome", "benign"],
    ["reports", "close", "{ref}", "--outcome", "benign", "--message", "x"],
    ["reports", "close", "{ref}", "--outcome", "benign", "--preview"],
    ["reports", "reopen", "{ref}"],
    ["reports", "ask", "{ref}", "Why?"],
    ["reports", "note", "{ref}", "Hm."],
    ["reports", "link", "{ref}", "TIP-7K3Q9D"],
    ["reports", "timeline", "{ref}"],
]


@pytest.mark.parametrize("argv", COMMANDS_ON_A_REPORT, ids=lambda a: " ".join(a[1:2] + a[3:]))
async def test_commands_refuse_unknown_and_malformed_references(uow_factory, run, argv):
    await store(uow_factory, reference="TIP-7K3Q9D")

    assert await run(*[a.format(ref="TIP-222222") for a in argv]) == (1, "", "No report TIP-222222\n")

    code, out, err = await run(*[a.format(ref="\x1b[2Jnonsense") for a in argv])
    assert (code, out) == (1, "")
    assert "not a report reference" in err and terminal_safe(err)
    assert await outbox(uow_factory) == []


# --- who is at the command line ------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["reports", "list"],
        ["reports", "export", "--format", "json"],
        *COMMANDS_ON_A_REPORT,
    ],
    ids=lambda a: " ".join(a[1:2] + a[3:]),
)
async def test_an_outsider_is_refused_every_command(uow_factory, engine, run, argv):
    report = await store(uow_factory, reference="TIP-7K3Q9D")
    await store(uow_factory, reference="TIP-8K3Q9D")

    assert await run(*[a.format(ref="TIP-8K3Q9D") for a in argv], actor=OUTSIDER) == (1, "", REFUSED)

    assert await stored(uow_factory, report.reference) == report
    assert await thread(uow_factory, "TIP-8K3Q9D") == []
    assert await outbox(uow_factory) == []
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.platform, refusal.detail["reason"]) == ("cli:mallory", "cli", "not_team")


def test_the_cli_actor_is_the_operating_system_account():
    assert cli_actor() == Actor("cli", LOGIN)


def test_setting_logname_or_user_does_not_make_you_someone_else(monkeypatch):
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "secops")
    assert cli_actor() == Actor("cli", LOGIN)


def test_an_account_without_a_name_is_known_by_its_uid(monkeypatch):
    def no_entry(uid: int) -> None:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert cli_actor() == Actor("cli", f"uid-{os.geteuid()}")


async def test_without_an_actor_the_command_runs_as_the_login(uow_factory, engine, triage, clock):
    report = await store(uow_factory)
    login = LOGIN
    args = build_parser().parse_args(["reports", "ack", report.reference])

    outsider = dataclasses.replace(triage, team=Team())
    err = io.StringIO()
    assert await run_command(args, outsider, uow_factory, clock, io.StringIO(), err) == 1
    assert err.getvalue().startswith(f"cli:{login} is not a member of the security team")

    member = dataclasses.replace(triage, team=Team(("cli", login)))
    out = io.StringIO()
    assert await run_command(args, member, uow_factory, clock, out, io.StringIO()) == 0
    assert out.getvalue() == f"{report.reference} acknowledged by {login}; the reporter will be told.\n"
    assert (await audit_trail(uow_factory, report.reference))[-1].actor == f"cli:{login}"


async def test_run_command_refuses_what_it_does_not_know(triage, uow_factory, clock):
    args = build_parser().parse_args(["chat"])
    with pytest.raises(ValueError, match="not a reports or outbox command"):
        await run_command(args, triage, uow_factory, clock, io.StringIO(), io.StringIO(), actor=MEMBER)
