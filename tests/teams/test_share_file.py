"""Share as STIX on a report's card in the Teams inbox, over the real endpoint: the security
analyst gets a FileConsentCard in their private chat; allowing it (fileConsent/invoke) has the
bot PUT the reporter-free bundle to the uploadUrl Teams gave (a local server here) and show the
file info card, and the export is audited; declining uploads nothing; an outsider is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import stix2
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.teams.file_consent import CONSENT, DECLINED, FILE_INFO, NOT_UPLOADED, OPEN_CHAT
from bot.sharing.audit import SHARED
from storage.models import AuditEventRow
from tests.teams import activities as teams
from tests.teams.test_inbox import choose_inbox, press_on_card, quick_report, shown
from tests.teams.tipline import Tipline, running_tipline
from tests.triage.support import audit_detail, refusals

SAM_CHAT = teams.personal_conversation_id(teams.SAM.teams_id)
EVE_CHAT = teams.personal_conversation_id(teams.EVE.teams_id)


@pytest.fixture
async def tipline(tmp_path, empty_database, connector, token_issuer, teams_sdk) -> AsyncIterator[Tipline]:
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as running:
        yield running


@pytest.fixture
async def reported(tipline: Tipline) -> str:
    await tipline.say("hello", user=teams.SAM)  # the analyst has a private chat with Tipline
    await choose_inbox(tipline)
    return await quick_report(tipline)


def consent_cards(tipline: Tipline, chat: str) -> list[dict]:
    return [
        a
        for r in tipline.connector.posted(chat)
        for a in (r.activity or {}).get("attachments") or []
        if a.get("contentType") == CONSENT
    ]


def upload_info(tipline: Tipline, name: str, host: str | None = None) -> dict:
    return {
        "contentUrl": f"https://contoso-my.sharepoint.com/personal/sam/Documents/Applications/Tipline/{name}",
        "name": name,
        "uploadUrl": f"{host or tipline.connector.url}/uploads/{name}",
        "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
        "fileType": "json",
    }


async def answer(tipline: Tipline, action: str, context: dict, info: dict | None) -> int:
    invoke = teams.file_consent_invoke(
        action, context, info, user=teams.SAM, service_url=tipline.connector.url
    )
    status = await tipline.post(invoke)
    await tipline.settle()
    return status


async def exports(tipline: Tipline) -> list[AuditEventRow]:
    async with AsyncSession(tipline.runtime.database) as session:
        return list(await session.scalars(select(AuditEventRow).where(AuditEventRow.action == SHARED)))


async def test_allowed_the_bundle_is_uploaded_shown_and_audited(tipline: Tipline, reported: str):
    await press_on_card(tipline, reported, "Share as STIX", teams.SAM)
    await tipline.settle()
    assert "waiting in your private chat with Tipline" in shown(tipline.connector.texts())
    [consent] = consent_cards(tipline, SAM_CHAT)
    assert consent["name"] == f"{reported}.stix.json"
    card = consent["content"]
    assert card["acceptContext"] == {"tipline_share": "stix", "reference": reported}
    assert "TLP:AMBER" in card["description"]

    assert (
        await answer(tipline, "accept", card["acceptContext"], upload_info(tipline, consent["name"])) == 200
    )
    [put] = tipline.connector.uploads()
    assert put.path == f"/uploads/{reported}.stix.json"
    size = card["sizeInBytes"]
    assert len(put.raw) == size and put.headers["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    bundle = put.raw.decode()
    assert stix2.parse(bundle).type == "bundle"
    assert teams.ALICE.aad_object_id not in bundle and teams.ALICE.name not in bundle  # never the reporter
    infos = [
        a
        for r in tipline.connector.posted(SAM_CHAT)
        for a in (r.activity or {}).get("attachments") or []
        if a.get("contentType") == FILE_INFO
    ]
    assert infos == [
        {
            "contentType": FILE_INFO,
            "contentUrl": upload_info(tipline, consent["name"])["contentUrl"],
            "name": consent["name"],
            "content": {"uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D", "fileType": "json"},
        }
    ]
    [row] = await exports(tipline)
    assert (row.actor, row.report_reference) == (f"teams:{teams.SAM.aad_object_id}", reported)
    assert audit_detail(row) == {
        "format": "stix",
        "shared_to": "teams chat",
        "tlp": "TLP:AMBER",
        "references": [reported],
    }


async def test_declined_nothing_is_uploaded(tipline: Tipline, reported: str):
    await press_on_card(tipline, reported, "Share as STIX", teams.SAM)
    await tipline.settle()
    [consent] = consent_cards(tipline, SAM_CHAT)
    assert await answer(tipline, "decline", consent["content"]["declineContext"], None) == 200
    assert tipline.connector.uploads() == []
    assert DECLINED in shown(tipline.connector.texts(conversation_id=SAM_CHAT))
    assert await exports(tipline) == []


async def test_an_upload_address_off_onedrive_is_not_used(tipline: Tipline, reported: str):
    await press_on_card(tipline, reported, "Share as STIX", teams.SAM)
    await tipline.settle()
    [consent] = consent_cards(tipline, SAM_CHAT)
    info = upload_info(tipline, consent["name"], host="https://attacker.example")
    assert await answer(tipline, "accept", consent["content"]["acceptContext"], info) == 200
    assert tipline.connector.uploads() == []
    assert NOT_UPLOADED in shown(tipline.connector.texts(conversation_id=SAM_CHAT))
    assert await exports(tipline) == []


async def test_an_outsider_is_refused_and_gets_no_file(tipline: Tipline, reported: str):
    await tipline.say("hello", user=teams.EVE)
    await press_on_card(tipline, reported, "Share as STIX", teams.EVE)
    await tipline.settle()
    assert consent_cards(tipline, EVE_CHAT) == [] and consent_cards(tipline, SAM_CHAT) == []
    engine = tipline.runtime.database
    [refusal] = [r for r in await refusals(engine) if r.detail.get("attempted") == "share.stix"]
    assert (refusal.actor, refusal.report_reference) == (f"teams:{teams.EVE.aad_object_id}", reported)


async def test_an_analyst_without_a_private_chat_is_told_to_open_one(
    tmp_path, empty_database, connector, token_issuer, teams_sdk
):
    async with running_tipline(tmp_path, empty_database, connector, token_issuer, sdk=teams_sdk) as tipline:
        await choose_inbox(tipline)
        reference = await quick_report(tipline)
        await press_on_card(tipline, reference, "Share as STIX", teams.SAM)
        await tipline.settle()
        assert OPEN_CHAT in shown(tipline.connector.texts())
        assert consent_cards(tipline, SAM_CHAT) == []
        assert await exports(tipline) == []
