"""Real storage, the recording Slack Web API (tests/slack/web_api.py), the Slack channel inbox,
the real delivery worker and the real triage service."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbox.channel_inbox import SlackChannelInbox
from bot.delivery import DeliveryWorker
from bot.security import Templates
from bot.triage import TriageService
from storage.unit_of_work import SqlUnitOfWork
from tests.db_fixtures import engine, uow_factory
from tests.factories import Clock
from tests.slack.conftest import slack_api
from tests.slack.web_api import RecordingSlackApi
from tests.slack_inbox.support import CHANNEL, MEMBER, TOKEN, Team

__all__ = ["engine", "slack_api", "uow_factory"]

UowFactory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(slack_api: RecordingSlackApi) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=slack_api.url)


@pytest.fixture
def inbox(client: AsyncWebClient, uow_factory: UowFactory, clock: Clock) -> SlackChannelInbox:
    return SlackChannelInbox("slack", client, CHANNEL, uow_factory, clock=clock)


@pytest.fixture
def worker(uow_factory: UowFactory, inbox: SlackChannelInbox, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker(
        uow_factory, {"slack": inbox}, clock, max_attempts=3, rng=random.Random(1), owner="worker-1"
    )


@pytest.fixture
def templates() -> Templates:
    return Templates()


@pytest.fixture
def triage(uow_factory: UowFactory, clock: Clock, templates: Templates) -> TriageService:
    return TriageService(
        unit_of_work=uow_factory,
        clock=clock,
        team=Team(("slack", MEMBER)),
        acknowledged_message=templates.acknowledged,
        closing_templates=templates.closing,
    )
