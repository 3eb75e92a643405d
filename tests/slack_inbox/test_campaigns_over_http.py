"""Campaigns in the Slack security channel, over the real HTTP endpoint with signed requests and
the recording Web API: staff report the same persona through the Slack app; the campaign's card
appears in the channel, grows in place, the team hears when it forms and when it reaches
CAMPAIGN_ALERT_AT reports (once each), each report's card names its campaign, a member shares the
campaign's STIX bundle into the card's thread, an outsider is refused privately, and no reporter
learns anything about another."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import stix2
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.slack.app import build_slack_chat
from adapters.slack.campaign_listeners import register_campaign_listeners
from adapters.slack.inbox.channel_inbox import SlackChannelInbox, inbox_client
from adapters.slack.reporter_channel import SlackReporterChannel
from adapters.slack.triage_listeners import register_triage_listeners
from bot.campaigns.model import CampaignStatus
from bot.campaigns.news import CampaignNews
from bot.campaigns.service import CampaignService
from bot.delivery import DeliveryWorker
from bot.flow_files import load_flow
from bot.report import Outcome
from bot.reporter_desk import ReporterDesk
from bot.reporter_push import REPORTER_DESTINATION, ReporterInbox
from bot.security import Templates
from bot.service import ReportingService
from bot.sharing.audit import SHARED
from bot.sharing.settings import SharingSettings
from bot.triage import TriageService
from flows.engine import Engine
from storage.models import AuditEventRow
from storage.unit_of_work import SqlUnitOfWork
from tests.slack import web_api
from tests.slack.harness import Harness, utc_now
from tests.slack.web_api import RecordingSlackApi
from tests.slack_inbox.support import CHANNEL, MEMBER, OUTSIDER, Team, texts
from tests.slack_inbox.test_over_http import eventually
from tests.triage.support import audit_detail, refusals

UowFactory = Callable[[], SqlUnitOfWork]
REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")
STAFF = ["U0STAFFAAA", "U0STAFFBBB", "U0STAFFCCC", "U0STAFFDDD"]
PERSONA = "Amanda Qiu, BR-YR Executive Search, amanda.qiu@br-yr-search.example"


class Channel:
    def __init__(self, slack: Harness, worker: DeliveryWorker, campaigns: CampaignService) -> None:
        self.slack = slack
        self.api = slack.api
        self.worker = worker
        self.campaigns = campaigns

    def cards(self) -> list[dict[str, Any]]:
        """Every top-level message in the security channel, as it is now."""
        return [
            self.api.message(m["ts"])
            for m in self.api.posted
            if m["channel"] == CHANNEL and "thread_ts" not in m
        ]

    def campaign_card(self) -> dict[str, Any]:
        [card] = [c for c in self.cards() if c["text"].startswith("Campaign ")]
        return card

    def report_card(self, reference: str) -> dict[str, Any]:
        [card] = [c for c in self.cards() if reference in c["text"]]
        return card

    def thread(self, card: dict[str, Any]) -> list[dict[str, Any]]:
        return [m for m in self.api.posted if m.get("thread_ts") == card["ts"]]

    async def report(self, user: str) -> str:
        slack = self.slack
        await slack.say("report", user)
        await slack.say("A recruiter offered paid <!channel> consultancy and a trip", user)
        await slack.say(PERSONA, user)
        await slack.click("send_now", user=user)
        await slack.click("send", user=user)
        await slack.click("done", user=user)
        mine = [m for m in self.api.posted if m["channel"] == f"D{user}"]
        found: list[str] = REFERENCE.findall("\n".join(json.dumps(m["blocks"]) for m in mine))
        return found[-1]

    async def click(self, card: dict[str, Any], label: str, user: str) -> web_api.Delivered:
        for block in card["blocks"]:
            for element in block.get("elements") or []:
                if element.get("type") == "button" and element["text"]["text"] == label:
                    action = web_api.button(element["action_id"], element["value"], block["block_id"], label)
                    payload = web_api.block_actions(
                        user, [action], channel=CHANNEL, message_ts=card["ts"], message=card
                    )
                    return await self.slack.interact(payload)
        raise AssertionError(f"the card has no {label!r} button")


@pytest.fixture
async def channel(slack_api: RecordingSlackApi, uow_factory: UowFactory) -> AsyncIterator[Channel]:
    templates = Templates()
    news = CampaignNews(("slack",), alert_at=3)
    service = ReportingService(
        Engine(load_flow()),
        uow_factory,
        utc_now,
        route=lambda report: ["slack"],
        desk=ReporterDesk(templates.question_intro),
        campaign_news=news,
    )
    triage = TriageService(
        uow_factory,
        utc_now,
        Team(("slack", MEMBER)),
        templates.acknowledged,
        {outcome: templates.closing_for(outcome) for outcome in Outcome},
    )
    campaigns = CampaignService(uow_factory, utc_now, triage.check_member, news=news)
    slack = Harness(slack_api, service, uow_factory, SLACK_SECURITY_CHANNEL=CHANNEL)
    settings = slack.settings

    def listeners(app: Any) -> None:
        register_triage_listeners(app, triage, templates, settings)
        register_campaign_listeners(app, campaigns, triage, SharingSettings())

    slack.chat = build_slack_chat(settings, service, register_extra=listeners)
    slack.app = slack.chat.app
    destinations = {
        "slack": SlackChannelInbox(
            "slack", inbox_client(settings.bot_token, settings.api_url), CHANNEL, uow_factory
        ),
        REPORTER_DESTINATION: ReporterInbox(
            service.push_news, {"slack": SlackReporterChannel(slack.app.client)}
        ),
    }
    worker = DeliveryWorker(uow_factory, destinations, utc_now, owner="campaign-test")
    await slack.start()
    try:
        yield Channel(slack, worker, campaigns)
    finally:
        await slack.stop()


async def _audited(engine: Any, action: str) -> list[AuditEventRow]:
    async with AsyncSession(engine) as session:
        return list(await session.scalars(select(AuditEventRow).where(AuditEventRow.action == action)))


async def test_the_campaign_card_forms_grows_in_place_and_notices_come_once(channel: Channel) -> None:
    api = channel.api
    first = await channel.report(STAFF[0])
    await channel.worker.run_once()
    assert [c["text"] for c in channel.cards()] == [f"[{first}] New report (Low severity)"]

    second = await channel.report(STAFF[1])
    await channel.worker.run_once()
    card = channel.campaign_card()
    shown = texts(card)
    assert "amanda.qiu@br-yr-search.example" in shown and "2 staff approached" in shown
    assert first in shown and second in shown
    assert STAFF[0] not in json.dumps(card) and STAFF[1] not in json.dumps(card)  # staff counted, not named
    [formed] = channel.thread(card)
    assert "New campaign 1" in texts(formed)
    [sent] = [c for c in api.calls_to("chat.postMessage") if c.get("thread_ts") == card["ts"]]
    assert str(sent["reply_broadcast"]).lower() in ("true", "1")  # shown in the channel too
    # Both report cards name the campaign: the second as it was posted, the first updated in place.
    for reference in (first, second):
        assert ":jigsaw: *Campaign" in texts(channel.report_card(reference))
    assert any("Now part of campaign" in texts(m) for m in channel.thread(channel.report_card(first)))

    third = await channel.report(STAFF[2])
    await channel.worker.run_once()
    assert channel.campaign_card()["ts"] == card["ts"]  # one card, updated in place
    assert "3 staff approached" in texts(channel.campaign_card()) and third in texts(channel.campaign_card())
    notices = [texts(m) for m in channel.thread(card)]
    assert len(notices) == 2 and "has reached 3 reports" in notices[1]

    updates = len(api.calls_to("chat.update"))
    await channel.report(STAFF[3])
    await channel.worker.run_once()
    assert "4 staff approached" in texts(channel.campaign_card())
    assert len(channel.thread(card)) == 2  # neither notice again
    assert len(api.calls_to("chat.update")) > updates
    assert len([c for c in channel.cards() if c["text"].startswith("Campaign ")]) == 1


async def test_confirm_from_the_card_is_a_decision_and_the_card_follows(channel: Channel) -> None:
    await channel.report(STAFF[0])
    await channel.report(STAFF[1])
    await channel.worker.run_once()
    card = channel.campaign_card()

    assert (await channel.click(card, "Confirm campaign", OUTSIDER)).status == 200
    [told] = await channel.api.wait_for("chat.postEphemeral")
    assert told["user"] == OUTSIDER and "security team" in told["text"]

    assert (await channel.click(card, "Confirm campaign", MEMBER)).status == 200

    async def confirmed() -> bool:
        async with channel.campaigns.unit_of_work() as uow:
            campaign = await uow.campaigns.get(1)
        return campaign is not None and campaign.status is CampaignStatus.CONFIRMED

    await eventually(confirmed)
    await channel.worker.run_once()
    now = channel.campaign_card()
    assert "Confirmed by the security team" in texts(now)
    labels = [e["text"]["text"] for b in now["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Dismiss", "Share as STIX"]


async def test_a_member_shares_the_campaigns_bundle_into_its_thread_and_it_is_audited_on_each_report(
    channel: Channel, engine: Any
) -> None:
    references = [await channel.report(STAFF[0]), await channel.report(STAFF[1])]
    await channel.worker.run_once()
    card = channel.campaign_card()

    assert (await channel.click(card, "Share as STIX", MEMBER)).status == 200
    [done] = await channel.api.wait_for("files.completeUploadExternal", within=30)
    assert (done["channel_id"], done["thread_ts"]) == (CHANNEL, card["ts"])
    assert "STIX 2.1 bundle of campaign 1 (2 reports)" in done["initial_comment"]
    files = json.loads(done["files"]) if isinstance(done["files"], str) else done["files"]
    text = channel.api.uploaded[files[0]["id"]].decode()
    assert (
        stix2.parse(text).type == "bundle"
        and "Tipline campaign 1" in text
        and "amanda.qiu@br-yr-search.example" in text
    )
    for never in (*STAFF, "consultancy and a trip", "channel"):
        assert never not in text  # no reporter, nor what they wrote

    async def audited() -> bool:
        return len(await _audited(engine, SHARED)) == 2

    await eventually(audited)
    rows = await _audited(engine, SHARED)
    assert sorted(str(r.report_reference) for r in rows) == sorted(references)
    assert {r.actor for r in rows} == {f"slack:{MEMBER}"}
    assert audit_detail(rows[0])["shared_to"] == "slack thread"


async def test_an_outsider_is_refused_privately_nothing_is_uploaded_and_the_attempt_is_audited(
    channel: Channel, engine: Any
) -> None:
    await channel.report(STAFF[0])
    await channel.report(STAFF[1])
    await channel.worker.run_once()

    assert (await channel.click(channel.campaign_card(), "Share as STIX", OUTSIDER)).status == 200
    [told] = await channel.api.wait_for("chat.postEphemeral")
    assert told["user"] == OUTSIDER and "security team" in told["text"]
    assert channel.api.calls_to("files.getUploadURLExternal") == []
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.detail["attempted"]) == (f"slack:{OUTSIDER}", "share.stix")
    assert await _audited(engine, SHARED) == []


async def test_reporters_learn_nothing_about_each_other(channel: Channel) -> None:
    first = await channel.report(STAFF[0])
    second = await channel.report(STAFF[1])
    await channel.report(STAFF[2])
    await channel.worker.run_once()
    assert channel.campaign_card()  # the campaign is there, for the security team
    for user in STAFF[:3]:
        told = "\n".join(json.dumps(m) for m in channel.api.posted if m["channel"] == f"D{user}")
        assert "campaign" not in told.lower()
        others = [u for u in STAFF if u != user]
        assert not any(other in told for other in others)
    told_second = "\n".join(json.dumps(m) for m in channel.api.posted if m["channel"] == f"D{STAFF[1]}")
    assert first not in told_second and second in told_second
