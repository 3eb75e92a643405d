"""Told once, on the console: the real app.py over a pipe notes the story, asks to confirm it, and
skips what it already knows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.console import app_env, run_app

STORY = (
    "someone called Shirly Shen from Internship Union messaged me on linkedin offering 2000 quid in "
    "USDT for a short report on the new trade bill, she wants to meet in Brussels, flights paid"
)
# Everything still asked once the story is confirmed, in order (see tests/flows/test_noting.py).
REST = [
    "1",
    "linkedin.com/in/shirly-shen",
    "skip",
    "skip",
    "skip",
    "last week",
    "1",
    "yes",
    "no",
    "no",
    "no",
    "no",
    "5",
    "skip",
    "no",
    "send",
]


@pytest.fixture
def env(tmp_path: Path, empty_database: str) -> dict[str, str]:
    return app_env(tmp_path, empty_database, UNDERSTAND_ANSWERS="on")


def _export(tmp_path: Path, env) -> dict[str, Any]:
    exported = run_app(tmp_path, env, "reports", "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    [report] = json.loads(exported.stdout)
    assert isinstance(report, dict)
    return report


def test_the_story_is_confirmed_once_and_its_questions_are_not_asked(tmp_path: Path, env):
    done = run_app(tmp_path, env, "chat", "--user", "alice", stdin="\n".join([STORY, "yes", *REST]) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    noted = out.index("From what you've told me, I've noted:")
    assert out.index("PLEASE DON'T TRAVEL YET") < noted and out.index("PLEASE DON'T ACCEPT PAYMENT") < noted
    assert "• Where it happened: LinkedIn" in out and "1) Yes, that's right" in out
    for skipped in (
        "Who contacted you?",
        "What kind of approach was it?",
        "Where did it happen?",
        "What name did they use?",
        "Did they offer you anything?",
    ):
        assert skipped not in out, skipped
    assert "(noted from what you wrote)" in out  # in the summary
    assert "Sent. Your reference is TIP-" in out
    report = _export(tmp_path, env)
    assert report["what_happened"] == STORY
    assert report["channel"] == "linkedin" and report["offered"] == ["crypto", "travel"]
    assert report["contact"]["name_used"] == "Shirly Shen"
    assert report["contact"]["organisation"] == "Internship Union"


def test_a_wrong_noting_is_corrected_in_one_step_and_never_reaches_the_report(tmp_path: Path, env):
    # "5" picks "Not right: Organisation they claimed" (1 is yes; the rows follow the flow's order).
    script = [STORY, "5", "1", "linkedin.com/in/shirly-shen", "Union of Interns", *REST[2:]]
    done = run_app(tmp_path, env, "chat", "--user", "bob", stdin="\n".join(script) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "  5) Not right: Organisation they claimed" in out
    assert "What organisation or company did they say they were from?" in out
    assert "What name did they use?" not in out
    report = _export(tmp_path, env)
    assert report["contact"]["organisation"] == "Union of Interns"
    assert report["contact"]["name_used"] == "Shirly Shen"


def test_a_typed_correction_at_the_confirm_step(tmp_path: Path, env):
    script = [STORY, "no, it was on WhatsApp", "yes", *REST[:1], *REST[2:]]
    done = run_app(tmp_path, env, "chat", "--user", "carol", stdin="\n".join(script) + "\n")
    assert done.returncode == 0, done.stderr
    assert "I've changed that." in done.stdout
    assert "Sent. Your reference is TIP-" in done.stdout
    report = _export(tmp_path, env)
    assert report["channel"] == "phone_or_messaging"


def test_the_reporters_own_number_and_address_are_not_noted_as_the_contacts(tmp_path: Path, env):
    # Confirmed in haste, they would become the contact's indicators, and so leave in an export.
    story = (
        "A recruiter called Anna Smith emailed me from anna@globalinsight.example asking about our "
        "team. Please call me back on 07700 900123 or email me at tom.baker@dept.gov.uk"
    )
    done = run_app(tmp_path, env, "chat", "--user", "dave", stdin=story + "\n")
    assert done.returncode == 0, done.stderr
    noted = done.stdout[done.stdout.index("From what you've told me, I've noted:") :]
    assert "anna@globalinsight.example" in noted and "Anna Smith" in noted
    assert "tom.baker@dept.gov.uk" not in noted
    assert "7700" not in noted and "900123" not in noted


def test_the_readme_s_piped_example_sends_and_says_so(tmp_path: Path, env):
    # The README's own script: what happened, yes, who, yes, send now, send; then the pipe ends
    # at the "add more detail?" offer, which must not read as if something were left unsent.
    script = ["A recruiter offered paid work", "1", "Anna Smith, linkedin.com/in/anna", "1", "2", "send"]
    done = run_app(tmp_path, env, "chat", "--user", "erin", stdin="\n".join(script) + "\n")
    assert done.returncode == 0, done.stderr
    assert re.search(r"Your report TIP-[2-9A-Z]{6} has been sent", done.stdout)
    assert "not with the security team yet" not in done.stdout
    report = _export(tmp_path, env)
    assert report["contact"]["name_used"] == "Anna Smith"
