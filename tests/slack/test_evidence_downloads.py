"""Where the bot token may be sent when evidence files are downloaded."""

from __future__ import annotations

import pytest

from adapters.slack.evidence_downloads import EvidenceDownloads
from adapters.slack.settings import load_slack_settings
from tests.keys import TEST_SEALER


def downloads(api_url: str) -> EvidenceDownloads:
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2-secret", "SLACK_SIGNING_SECRET": "s" * 32, "SLACK_API_URL": api_url}
    return EvidenceDownloads(load_slack_settings(env), TEST_SEALER)


@pytest.mark.parametrize(
    "url",
    [
        "https://files.slack.com/files-pri/T1-F1/download/profile.png",
        "https://files.slack-gov.com/files-pri/T1-F1/x.pdf",
    ],
)
def test_slack_file_hosts_over_https_may_be_fetched(url):
    assert downloads("https://slack.com/api/").may_fetch(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://files.slack.com/files-pri/T1-F1/x.png",  # the token would travel in clear
        "https://files.slack.com:8443/files-pri/T1-F1/x.png",  # another service on a Slack host
        "https://evilslack.com/x.png",
        "https://slack.com.evil.example/x.png",
        "http://slack.com:9999/api/files",  # the API host, but not as configured
        "file:///etc/passwd",
    ],
)
def test_the_token_goes_nowhere_else(url):
    assert not downloads("https://slack.com/api/").may_fetch(url)


def test_a_local_api_stand_in_is_trusted_only_exactly_as_configured():
    local = downloads("http://127.0.0.1:8123/api/")
    assert local.may_fetch("http://127.0.0.1:8123/files-pri/T1-F1/x.png")
    assert not local.may_fetch("http://127.0.0.1:9999/files-pri/T1-F1/x.png")
    assert not local.may_fetch("https://127.0.0.1:8123/files-pri/T1-F1/x.png")
