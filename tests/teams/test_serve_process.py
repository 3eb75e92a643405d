"""`python app.py serve` as a real process with Teams configured: it refuses to start without
an app id unless anonymous mode is asked for (and then on loopback only, with a warning), and
a report made in Teams over its real endpoint reaches the inbox."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

from tests.e2e.console import APP, app_env
from tests.inbox.conftest import free_port
from tests.slack.test_serve_process import start
from tests.teams import activities as teams
from tests.teams.activities import post_activity

CHAT = teams.personal_conversation_id(teams.ALICE.teams_id)


def serve(tmp_path, env) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(APP), "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


def test_serve_refuses_teams_without_an_app_id_in_one_line(tmp_path, empty_database):
    env = app_env(tmp_path, empty_database)
    env.update(MICROSOFT_APP_TENANT_ID=teams.TENANT)
    done = serve(tmp_path, env)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("tipline: MICROSOFT_APP_ID: missing")
    assert "TEAMS_ALLOW_ANONYMOUS=true" in line


def test_serve_with_nothing_configured_says_what_to_set(tmp_path, empty_database):
    done = serve(tmp_path, app_env(tmp_path, empty_database))
    assert done.returncode == 2
    assert "no chat platform is configured" in done.stderr


async def test_anonymous_serve_takes_a_report_from_teams(tmp_path, empty_database, connector, teams_sdk):
    env = app_env(tmp_path, empty_database)
    env.update(TEAMS_ALLOW_ANONYMOUS="true", HOST="127.0.0.1", PORT=str(free_port()), TEAMS_SDK=teams_sdk)
    process, base = await start(tmp_path, env)
    try:
        url = connector.url
        for text in ("report", "A headhunter offered paid insight reports", "Anna, linkedin.com/in/anna-x"):
            status, _ = await post_activity(base, teams.personal_message(text, service_url=url), None)
            assert status == 200
            await connector.wait_for(lambda t=text: any(r.reply_to for r in connector.posted(CHAT)))
        await connector.wait_for(
            lambda: any("send it now" in line.lower() for line in connector.texts(conversation_id=CHAT))
        )
        assert all(r.authorization in (None, "") for r in connector.requests), "no token in anonymous mode"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert "TEAMS_ALLOW_ANONYMOUS=true: requests to /api/messages are NOT checked" in err.decode()
    assert "headhunter" not in err.decode(), "no report content in the logs"
