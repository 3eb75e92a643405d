"""The console, end to end: the real app.py in a subprocess, over SQLite or PostgreSQL."""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path

import pytest

from bot.report import Report
from tests.e2e.console import ConsoleSession, app_env, inbox_lines, run_app
from tests.flows.helpers import FULL
from tests.keys import TEST_SEALER

SENTINEL = "Zebra-Quokka-4471"  # appears in answers; must never appear in logs


@pytest.fixture
def env(tmp_path: Path, empty_database: str) -> dict[str, str]:
    return app_env(tmp_path, empty_database)


def test_a_full_report_over_a_pipe_reaches_the_inbox_and_the_export(tmp_path: Path, env):
    answers = [f"{FULL[0]} ({SENTINEL})", *FULL[1:], "send"]
    done = run_app(tmp_path, env, "chat", "--user", "alice", stdin="\n".join(answers) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "WHAT TO DO RIGHT NOW" in out
    assert "Please don't accept payment" in out.replace(
        "PLEASE DON'T ACCEPT PAYMENT", "Please don't accept payment"
    )
    assert "Sent. Your reference is TIP-" in out
    reference = out.split("Your reference is ")[1][:10]

    lines = inbox_lines(tmp_path)
    assert [line["report"]["reference"] for line in lines] == [reference]
    assert lines[0]["event"] == "report.submitted"

    exported = run_app(tmp_path, env, "reports", "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    [report] = [Report.model_validate(r) for r in json.loads(exported.stdout)]
    assert report.reference == reference
    assert report.contact.profile_urls == ["https://www.linkedin.com/in/anna-smith-123"]
    assert report.contact.phones == ["+442079460000"]
    assert report.timeline.first_contact_as_told == "last week"
    assert report.offered == ["money", "travel"]
    assert report.severity == "medium"
    assert report.reporter.platform == "console" and report.reporter.user_id == "alice"

    assert SENTINEL not in done.stderr, "report content must never reach the logs"


def test_bad_input_is_reasked_and_nothing_is_lost(tmp_path: Path, env):
    script = [
        "",  # empty line
        "Recruiter \x1b[2J said hello",  # control characters
        "y" * 10_000,  # too long
        FULL[0],
        FULL[1],
        "1",
        "42",  # no such option
        "1",
        "LinkedIn",
        "my profile page",  # not a URL
        "linkedin.com/in/anna-smith-123",
        *FULL[6:],
        "send",
    ]
    done = run_app(tmp_path, env, "chat", "--user", "bob", stdin="\n".join(script) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "I didn't get an answer there" in out
    assert "hidden control characters" in out and "\x1b[2J" not in out
    assert "That's 10,000 characters" in out
    assert "There's no option 42 here" in out
    assert "couldn't read 'my profile page' as a web address" in out
    [line] = inbox_lines(tmp_path)
    report = Report.model_validate(line["report"])
    assert report.what_happened == FULL[0]
    assert report.approach_kinds == ["recruiter"]
    assert report.contact.profile_urls == ["https://www.linkedin.com/in/anna-smith-123"]
    assert report.contact.organisation == "Global Insight Partners"


def test_sigkill_mid_conversation_then_restart_resumes_at_the_same_question(tmp_path: Path, env):
    first = ConsoleSession(tmp_path, env)
    assert "In a sentence or two, what happened?" in first.read_until_prompt()
    for answer in FULL[:4]:
        first.send(answer)
    said = first.send("Email")  # the channel; the next question is the contact's name
    assert "What name did they use?" in said
    first.kill()

    second = ConsoleSession(tmp_path, env)
    resumed = second.read_until_prompt()
    assert "What name did they use?" in resumed, resumed
    for answer in FULL[6:]:
        second.send(answer)
    assert "Your reference is TIP-" in second.finish("send")
    exported = run_app(tmp_path, env, "reports", "export", "--format", "json")
    [report] = json.loads(exported.stdout)
    assert report["what_happened"] == FULL[0]
    assert report["approach_kinds"] == ["recruiter", "consultancy"]
    assert report["channel"] == "email"
    assert report["contact"]["name_used"] == "Anna Smith"


def test_end_of_input_ends_cleanly_and_keeps_the_draft(tmp_path: Path, env):
    done = run_app(tmp_path, env, "chat", "--user", "carol", stdin=f"{FULL[0]}\n")
    assert done.returncode == 0, done.stderr
    assert "saved" in done.stdout and "Traceback" not in done.stderr
    again = run_app(tmp_path, env, "chat", "--user", "carol", stdin="")
    assert "Who contacted you?" in again.stdout
    assert inbox_lines(tmp_path) == []


def test_cancel_then_come_back_to_resume(tmp_path: Path, env):
    run_app(tmp_path, env, "chat", "--user", "dan", stdin=f"{FULL[0]}\ncancel\nyes\n")
    back = run_app(tmp_path, env, "chat", "--user", "dan", stdin="1\n")
    assert "unfinished report" in back.stdout
    assert "Who contacted you?" in back.stdout


def quick_report(tmp_path: Path, env, user: str) -> str:
    done = run_app(
        tmp_path, env, "chat", "--user", user, stdin="\n".join([*FULL[:2], "2", "send", "2"]) + "\n"
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split("Your reference is ")[1][:10]


def test_a_question_from_the_cli_reaches_the_reporter_and_the_answer_shows_in_the_timeline(
    tmp_path: Path, env
):
    reference = quick_report(tmp_path, env, "erin")
    asked = run_app(tmp_path, env, "reports", "ask", reference, "Did they send any attachments?")
    assert asked.returncode == 0, asked.stderr
    chat = run_app(tmp_path, env, "chat", "--user", "erin", stdin="Yes, a PDF called brief.pdf\n")
    assert "Did they send any attachments?" in chat.stdout
    assert "your answer is with the security team" in chat.stdout
    timeline = run_app(tmp_path, env, "reports", "timeline", reference)
    assert "Did they send any attachments?" in timeline.stdout
    assert "Yes, a PDF called brief.pdf" in timeline.stdout
    answer_line = next(
        line
        for line in inbox_lines(tmp_path)
        if line["event"] == "report.message" and line["message"]["kind"] == "answer"
    )
    assert answer_line["message"]["body"] == "Yes, a PDF called brief.pdf"


def test_the_reporter_hears_back_when_the_report_is_closed(tmp_path: Path, env):
    reference = quick_report(tmp_path, env, "fred")
    preview = run_app(tmp_path, env, "reports", "close", reference, "--outcome", "benign", "--preview")
    assert preview.returncode == 0 and "Nothing has been sent" in preview.stdout
    closed = run_app(
        tmp_path,
        env,
        "reports",
        "close",
        reference,
        "--outcome",
        "benign",
        "--message",
        "Thank you. We checked: this recruiter is genuine.",
    )
    assert closed.returncode == 0, closed.stderr
    later = run_app(tmp_path, env, "chat", "--user", "fred", stdin="")
    assert f"about your report {reference}" in later.stdout
    assert "this recruiter is genuine" in later.stdout
    once_more = run_app(tmp_path, env, "chat", "--user", "fred", stdin="")
    assert "this recruiter is genuine" not in once_more.stdout, "told once, not every time"


def test_someone_outside_the_security_team_is_refused_and_it_is_recorded(tmp_path: Path, env):
    reference = quick_report(tmp_path, env, "gina")
    # The team is someone else; claiming their name through LOGNAME/USER changes nothing.
    login = pwd.getpwuid(os.geteuid()).pw_name
    outsider = {**env, "SECURITY_TEAM": "cli:secops", "LOGNAME": "secops", "USER": "secops"}
    for args in (
        ["reports", "list"],
        ["reports", "show", reference],
        ["reports", "close", reference, "--outcome", "benign"],
    ):
        refused = run_app(tmp_path, outsider, *args)
        assert refused.returncode == 1, args
        assert f"cli:{login} is not a member of the security team" in refused.stderr
        assert "Anna" not in refused.stdout
    timeline = run_app(tmp_path, env, "reports", "timeline", reference)
    refusals = [
        line for line in timeline.stdout.splitlines() if f"cli:{login}" in line and "triage.refused" in line
    ]
    assert len(refusals) == 2, "show and close were about this report; list was not"
    shown = run_app(tmp_path, env, "reports", "show", reference)
    assert "Closed" not in shown.stdout.split("Status:")[1].splitlines()[0]


def test_a_bad_setting_stops_start_up_with_one_clear_line(tmp_path: Path, env):
    done = run_app(tmp_path, {**env, "DELIVERY_MAX_ATTEMPTS": "lots"}, "chat")
    assert done.returncode == 2
    assert done.stderr.strip() == "tipline: DELIVERY_MAX_ATTEMPTS: 'lots' is not a whole number"
    bad_db = run_app(tmp_path, {**env, "DATABASE_URL": "mysql://x@localhost/db"}, "chat")
    assert bad_db.returncode == 2 and bad_db.stderr.count("\n") == 1
    assert bad_db.stderr.startswith("tipline: DATABASE_URL:")


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path, env):
    done = run_app(
        tmp_path, {**env, "DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/none"}, "reports", "list"
    )
    assert done.returncode == 2
    assert done.stderr.startswith("tipline: DATABASE_URL: cannot use the database")
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_settings_come_from_a_dotenv_file_and_the_environment_wins(tmp_path: Path, env):
    del env["INBOX_FILE"]
    (tmp_path / ".env").write_text("INBOX_FILE=from-dotenv.jsonl\nDRAFT_KEEP_DAYS=3\n")
    script = "\n".join([*FULL[:2], "2", "send", "2"]) + "\n"
    done = run_app(tmp_path, env, "chat", "--user", "fay", stdin=script)
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "from-dotenv.jsonl").read_text().splitlines()) == 1
    overridden = run_app(
        tmp_path,
        {**env, "INBOX_FILE": str(tmp_path / "from-env.jsonl")},
        "chat",
        "--user",
        "gus",
        stdin=script,
    )
    assert overridden.returncode == 0, overridden.stderr
    assert (tmp_path / "from-env.jsonl").exists()
    assert len((tmp_path / "from-dotenv.jsonl").read_text().splitlines()) == 1
    cancelled = run_app(tmp_path, env, "chat", "--user", "hal", stdin=f"{FULL[0]}\ncancel\n")
    assert "kept for 3 days" in " ".join(cancelled.stdout.split())


def test_even_debug_logs_hold_no_report_content(tmp_path: Path, env):
    answers = [f"{FULL[0]} {SENTINEL}", f"{SENTINEL} at linkedin.com/in/{SENTINEL.lower()}", "2", "send", "2"]
    done = run_app(
        tmp_path, {**env, "LOG_LEVEL": "DEBUG"}, "chat", "--user", "ian", stdin="\n".join(answers) + "\n"
    )
    assert done.returncode == 0, done.stderr
    assert "DEBUG" in done.stderr or "INFO" in done.stderr, "logging is on"
    assert SENTINEL not in done.stderr and SENTINEL.lower() not in done.stderr
    listed = run_app(tmp_path, {**env, "LOG_LEVEL": "DEBUG"}, "reports", "export", "--format", "csv")
    assert SENTINEL in listed.stdout and SENTINEL not in listed.stderr


async def test_a_closed_output_pipe_is_not_mistaken_for_a_database_problem(tmp_path: Path, env):
    import asyncio

    from storage.db import create_engine, unit_of_work_factory, upgrade_database
    from tests.e2e.console import read_a_little_then_hang_up
    from tests.factories import make_report

    engine = create_engine(env["DATABASE_URL"])
    await upgrade_database(engine)
    async with unit_of_work_factory(engine, TEST_SEALER)() as uow:
        for _ in range(100):  # far more JSON than a pipe buffer holds
            await uow.reports.add(make_report())
        await uow.commit()
    await engine.dispose()
    code, err = await asyncio.to_thread(
        read_a_little_then_hang_up, tmp_path, env, "reports", "export", "--format", "json"
    )
    assert code == 0, err
    assert "DATABASE_URL" not in err and "Traceback" not in err


def test_the_chat_is_not_interrupted_by_routine_log_lines(tmp_path: Path, env):
    quiet = {k: v for k, v in env.items() if k != "LOG_LEVEL"}
    done = run_app(
        tmp_path, quiet, "chat", "--user", "kim", stdin="\n".join([*FULL[:2], "2", "send", "2"]) + "\n"
    )
    assert done.returncode == 0 and done.stderr == ""


def test_the_database_and_inbox_are_readable_by_this_account_only(tmp_path: Path, env):
    quick_report(tmp_path, env, "ivy")
    private = [tmp_path / "inbox.jsonl"]
    on_sqlite = env["DATABASE_URL"].startswith("sqlite")
    if on_sqlite:
        private += list(tmp_path.glob("tipline.db*"))
    assert len(private) >= (2 if on_sqlite else 1)
    for path in private:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
