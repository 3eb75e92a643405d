"""The composition root's campaign wiring, in-process with the recording Slack Web API: reports
submitted through the app's own reporting service form a campaign whose card and notice reach the
Slack security channel, and a `campaigns rename` run as the command line runs it (the Slack
settings configured) updates that card in place."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

import app
from adapters.cli.parser import build_parser
from adapters.slack.settings import load_slack_settings
from bot.campaigns.linking import link_report
from bot.report import Contact
from bot.security import load_security_config
from bot.settings import load_settings
from tests.factories import make_report
from tests.slack.conftest import slack_api
from tests.slack.web_api import RecordingSlackApi

__all__ = ["slack_api"]

CHANNEL = "C0SECURITY"


def _env(tmp_path: Path, database_url: str, api_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "INBOX_FILE": str(tmp_path / "inbox.jsonl"),
        "TIPLINE_DATA_KEY": os.environ["TIPLINE_DATA_KEY"],
        "SECURITY_TEAM": f"cli:{pwd.getpwuid(os.geteuid()).pw_name}",
        "SLACK_BOT_TOKEN": "xoxb-0000-test-token",
        "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
        "SLACK_API_URL": api_url,
        "SLACK_SECURITY_CHANNEL": CHANNEL,
    }


async def test_a_campaign_forms_in_the_channel_and_a_rename_from_the_cli_updates_its_card(
    tmp_path: Path, empty_database: str, slack_api: RecordingSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(tmp_path, empty_database, slack_api.url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(env, tmp_path)
    security = load_security_config(env, settings, tmp_path)
    slack = load_slack_settings(env, tmp_path)
    contact = Contact(name_used="Amanda Qiu", profile_urls=["https://www.linkedin.com/in/amanda-qiu-3b"])
    async with app.runtime(settings, security, slack) as rt:
        news = rt.campaigns.news
        assert news.destinations == (app.SLACK_CHANNEL_DESTINATION,) and news.alert_at == 3
        for _ in range(2):  # as the reporting service saves them: linked, and the news queued
            report = make_report(contact=contact, routed_to=[app.SLACK_CHANNEL_DESTINATION])
            async with rt.unit_of_work() as uow:
                await uow.reports.add(report)
                await news.linked(
                    uow, report, await link_report(uow, report, report.created_at), report.created_at
                )
                await uow.commit()
        await rt.worker.drain(timeout=30)
    [card] = [m for m in slack_api.posted if m["channel"] == CHANNEL and m["text"].startswith("Campaign 1")]
    assert "New campaign 1" in str([m for m in slack_api.posted if m.get("thread_ts") == card["ts"]])

    # The command line has the channel too (it serves nothing): the decision reaches the card.
    assert app._chat_settings("campaigns")[0] is not None
    args = build_parser().parse_args(["campaigns", "rename", "1", "Operation Lantern"])
    assert await app.run(args, settings, security, *app._chat_settings("campaigns")) == 0
    [updated] = [c for c in slack_api.calls_to("chat.update") if c["ts"] == card["ts"]]
    assert "Operation Lantern" in str(updated["blocks"])


async def test_a_triage_command_from_the_cli_reaches_the_channel_rather_than_dying_there(
    tmp_path: Path, empty_database: str, slack_api: RecordingSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(tmp_path, empty_database, slack_api.url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(env, tmp_path)
    security = load_security_config(env, settings, tmp_path)
    report = make_report(routed_to=[app.SLACK_CHANNEL_DESTINATION])
    slack = load_slack_settings(env, tmp_path)
    async with app.runtime(settings, security, slack) as rt, rt.unit_of_work() as uow:
        await uow.reports.add(report)
        await uow.commit()

    # `reports ack` queues the card's change for the Slack channel, which its own worker delivers.
    args = build_parser().parse_args(["reports", "ack", report.reference])
    assert await app.run(args, settings, security, *app._chat_settings("reports")) == 0
    async with app.runtime(settings, security) as rt, rt.unit_of_work(readonly=True) as uow:
        entries = await uow.outbox.list()
    assert entries and all(e.status.value != "dead" for e in entries), [e.last_error for e in entries]
    assert [m for m in slack_api.posted if m["channel"] == CHANNEL], "the card reached the channel"
