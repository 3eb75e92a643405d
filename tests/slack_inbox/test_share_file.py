"""A report's STIX bundle uploaded into the card's thread, through slack_sdk's external upload
against the recording Web API; the bundle is the reporter-free one, for members only."""

from __future__ import annotations

import json

import pytest
import stix2

from adapters.slack.inbox.files import upload_to_thread
from bot.actors import Actor
from bot.sharing.files import STIX_MEDIA_TYPE, stix_file
from bot.sharing.settings import SharingSettings
from bot.triage import NotAllowed
from tests.sharing.reports import IDENTITY_CANARIES, NARRATIVE_CANARIES, canaried_report
from tests.slack_inbox.support import CHANNEL, MEMBER, OUTSIDER
from tests.triage.support import refusals


@pytest.fixture
async def report(uow_factory):
    made = canaried_report()
    async with uow_factory() as uow:
        await uow.reports.add(made)
        await uow.commit()
    return made


async def test_a_member_gets_the_bundle_as_a_file_in_the_cards_thread(triage, client, slack_api, report):
    shared = await stix_file(triage, Actor("slack", MEMBER), report.reference, SharingSettings())
    await upload_to_thread(client, CHANNEL, "1700000000.000100", shared, "Here is the STIX bundle.")

    [asked] = slack_api.calls_to("files.getUploadURLExternal")
    assert asked["filename"] == f"{report.reference}.stix.json"
    assert int(asked["length"]) == len(shared.content)
    [done] = slack_api.calls_to("files.completeUploadExternal")
    assert (done["channel_id"], done["thread_ts"]) == (CHANNEL, "1700000000.000100")
    assert done["initial_comment"] == "Here is the STIX bundle."
    assert (
        done["files"][0]["title"]
        == f"STIX 2.1 bundle for {report.reference} (TLP:AMBER; the reporter is not in it)"
    )
    uploaded = slack_api.uploaded[done["files"][0]["id"]]
    assert uploaded == shared.content
    assert stix2.parse(uploaded.decode()).type == "bundle"
    text = uploaded.decode()
    for canary in {**IDENTITY_CANARIES, **NARRATIVE_CANARIES}.values():
        assert canary not in text
    assert shared.media_type == STIX_MEDIA_TYPE
    assert json.loads(text)["objects"][0]["definition"] == {"tlp": "amber"}


async def test_an_outsider_gets_no_bundle_and_the_attempt_is_recorded(triage, report, slack_api, engine):
    with pytest.raises(NotAllowed):
        await stix_file(triage, Actor("slack", OUTSIDER), report.reference, SharingSettings())
    assert slack_api.calls_to("files.getUploadURLExternal") == []
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.report_reference, refusal.detail["attempted"]) == (
        f"slack:{OUTSIDER}",
        report.reference,
        "share.stix",
    )
