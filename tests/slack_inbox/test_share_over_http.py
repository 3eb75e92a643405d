"""Share as STIX on a report's card, over the real HTTP endpoint with correctly signed
interactions: a member gets the reporter-free bundle uploaded into the card's thread (recording
Web API) and the export is audited; an outsider is refused privately, nothing is uploaded, and
the attempt is audited."""

from __future__ import annotations

import json

import stix2
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sharing.audit import SHARED
from storage.models import AuditEventRow
from tests.slack.harness import ALICE
from tests.slack_inbox.support import CHANNEL, MEMBER, OUTSIDER
from tests.slack_inbox.test_over_http import Inbox, _report, eventually, inbox
from tests.triage.support import audit_detail, refusals

__all__ = ["inbox"]


async def _audited(engine, action: str) -> list[AuditEventRow]:
    async with AsyncSession(engine) as session:
        return list(await session.scalars(select(AuditEventRow).where(AuditEventRow.action == action)))


async def test_a_member_gets_the_bundle_in_the_cards_thread_and_it_is_audited(inbox: Inbox, engine):
    reference = await _report(inbox.slack)
    await inbox.worker.run_once()
    card = inbox.card(reference)

    delivered = await inbox.click(card, "Share as STIX", MEMBER)
    assert delivered.status == 200
    # The first bundle loads stix2 and its validator (seconds on a busy machine).
    [done] = await inbox.api.wait_for("files.completeUploadExternal", within=30)
    assert (done["channel_id"], done["thread_ts"]) == (CHANNEL, card["ts"])
    assert done["initial_comment"] == (
        f"STIX 2.1 bundle of {reference}, shared by <@{MEMBER}> (TLP:AMBER). The reporter is not in it."
    )
    files = json.loads(done["files"]) if isinstance(done["files"], str) else done["files"]
    bundle = inbox.api.uploaded[files[0]["id"]]
    text = bundle.decode()
    assert stix2.parse(text).type == "bundle"
    assert f"Tipline report {reference}" in text  # the persona's grouping
    assert ALICE not in text and "insight reports" not in text  # never the reporter, nor their words

    async def audited() -> bool:
        return bool(await _audited(engine, SHARED))

    await eventually(audited)
    [row] = await _audited(engine, SHARED)
    assert (row.actor, row.report_reference) == (f"slack:{MEMBER}", reference)
    assert audit_detail(row) == {
        "format": "stix",
        "shared_to": "slack thread",
        "tlp": "TLP:AMBER",
        "references": [reference],
    }


async def test_an_outsider_is_refused_privately_and_nothing_is_uploaded(inbox: Inbox, engine):
    reference = await _report(inbox.slack)
    await inbox.worker.run_once()
    card = inbox.card(reference)

    assert (await inbox.click(card, "Share as STIX", OUTSIDER)).status == 200
    [told] = await inbox.api.wait_for("chat.postEphemeral")
    assert told["user"] == OUTSIDER and "security team" in told["text"]
    assert inbox.api.calls_to("files.getUploadURLExternal") == []
    [refusal] = await refusals(engine)
    assert (refusal.actor, refusal.report_reference, refusal.detail["attempted"]) == (
        f"slack:{OUTSIDER}",
        reference,
        "share.stix",
    )
    assert await _audited(engine, SHARED) == []
