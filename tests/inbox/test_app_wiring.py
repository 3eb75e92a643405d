"""The real app.py, configured by a security.yaml, delivering to a real SMTP server and a real
webhook receiver on 127.0.0.1: routing, signatures, threading and the reporter loop, end to end."""

from __future__ import annotations

import asyncio
import json
import os
import pwd
from datetime import UTC, datetime
from pathlib import Path

from adapters.inbox.webhook import verify_signature
from tests.e2e.console import app_env, run_app
from tests.flows.helpers import FULL

SECRET = "a-test-signing-secret-of-some-length"


def security_yaml(smtp_port: int, webhook_url: str) -> str:
    return f"""
team:
  cli: [{pwd.getpwuid(os.geteuid()).pw_name}]
destinations:
  inbox-file: {{type: file, path: ./inbox.jsonl}}
  security-mail:
    type: email
    host: 127.0.0.1
    port: {smtp_port}
    security: none
    from: tipline@example.org
    to: [security-team@example.org]
    timeout_seconds: 5
  case-system:
    type: webhook
    url: {webhook_url}
    secret_env: TIPLINE_WEBHOOK_SECRET
    timeout_seconds: 5
routes:
  default: [inbox-file, security-mail]
  rules:
    - when: {{severity: [high, critical]}}
      to: [case-system]
"""


def env_for(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = app_env(tmp_path, database_url)
    for name in ("INBOX_FILE", "SECURITY_TEAM"):
        env.pop(name)
    env.update(SECURITY_CONFIG=str(tmp_path / "security.yaml"), TIPLINE_WEBHOOK_SECRET=SECRET)
    return env


async def app(tmp_path: Path, env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = await asyncio.to_thread(run_app, tmp_path, env, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_reports_are_routed_signed_and_threaded_to_real_servers(
    tmp_path, empty_database, smtp_server, receiver
):
    smtp = smtp_server()
    (tmp_path / "security.yaml").write_text(security_yaml(smtp.port, receiver.url))
    env = env_for(tmp_path, empty_database)

    low = await app(
        tmp_path, env, "chat", "--user", "ann", stdin="\n".join([*FULL[:2], "2", "send", "2"]) + "\n"
    )
    low_ref = low.split("Your reference is ")[1][:10]
    shared = [*FULL[:19], "yes", "The names of my team", *FULL[20:], "send"]
    high = await app(tmp_path, env, "chat", "--user", "ben", stdin="\n".join(shared) + "\n")
    high_ref = high.split("Your reference is ")[1][:10]

    subjects = [r.message["Subject"] for r in smtp.recorder.received]
    assert sorted(subjects) == sorted(
        [f"[{low_ref}] New report (Low severity)", f"[{high_ref}] New report (Critical severity)"]
    )
    assert [json.loads(r.body)["reference"] for r in receiver.requests] == [high_ref], (
        "only high and critical reports reach the case system"
    )
    request = receiver.requests[0]
    assert verify_signature(
        SECRET.encode(),
        request.headers["X-Tipline-Timestamp"],
        request.headers["X-Tipline-Signature"],
        request.body,
        now=datetime.now(UTC),
    )
    lines = [json.loads(line) for line in (tmp_path / "inbox.jsonl").read_text().splitlines()]
    assert {line["reference"] for line in lines} == {low_ref, high_ref}

    await app(tmp_path, env, "reports", "ask", high_ref, "Which team members were named?")
    await app(tmp_path, env, "chat", "--user", "ben", stdin="Only my manager and me\n")
    follow_ups = [
        r.message for r in smtp.recorder.received if r.message["Subject"].startswith(f"[{high_ref}]")
    ][1:]
    assert [m["Subject"] for m in follow_ups] == [
        f"[{high_ref}] Question sent",
        f"[{high_ref}] Reply from the reporter",
    ]
    first = next(
        r.message
        for r in smtp.recorder.received
        if r.message["Subject"] == f"[{high_ref}] New report (Critical severity)"
    )
    assert all(m["In-Reply-To"] == first["Message-ID"] for m in follow_ups), (
        "follow-ups thread under the report"
    )
    answer = json.loads(receiver.requests[-1].body)
    assert answer["event"] == "report.message" and answer["message"]["body"] == "Only my manager and me"


async def test_a_broken_security_config_stops_start_up_with_one_line(tmp_path, empty_database):
    (tmp_path / "security.yaml").write_text(
        "team: {cli: [sam]}\ndestinations: {inbox-file: {type: file, path: ./inbox.jsonl}}\n"
        "routes: {default: [inbox-file, case-system]}\n"
    )
    done = await asyncio.to_thread(run_app, tmp_path, env_for(tmp_path, empty_database), "chat", stdin="")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "case-system" in done.stderr, done.stderr
