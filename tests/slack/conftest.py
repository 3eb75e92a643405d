from collections.abc import AsyncIterator

import pytest

from tests.db_fixtures import conversations, engine, uow_factory
from tests.slack.harness import Harness, harness
from tests.slack.web_api import RecordingSlackApi

__all__ = ["conversations", "engine", "uow_factory"]


@pytest.fixture
async def slack_api() -> AsyncIterator[RecordingSlackApi]:
    """A recording Slack Web API on 127.0.0.1 (point SLACK_API_URL / base_url at `slack_api.url`)."""
    api = RecordingSlackApi()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
async def slack(slack_api, uow_factory, conversations) -> AsyncIterator[Harness]:
    """The reporter's Slack app served on 127.0.0.1, on real storage (ordinary turns through the
    conversation store, as app.py wires it), calling the recording API."""
    async for running in harness(slack_api, uow_factory, conversations):
        yield running
