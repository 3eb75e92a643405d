""" "my data" over signed Slack HTTP: the reporter's own copy, posted through the recording
Slack Web API — theirs only, split to fit Slack, without the team's internal notes."""

from __future__ import annotations

import json

from tests.bot.test_followup import ANALYST, make_triage
from tests.factories import make_report
from tests.slack.harness import ALICE, reporter_of, utc_now, valid_blocks
from tests.slack.test_follow_up import sent_report

BOB = "U0BOB"


async def test_my_data_gives_alice_her_reports_and_messages_and_nothing_of_bobs(slack) -> None:
    mine = await sent_report(slack)
    triage = make_triage(slack.uow_factory, utc_now)
    await triage.ask(mine, "Did they <b>send</b> a contract?", ANALYST)
    await triage.note(mine, "INTERNAL-NOTE-7731: same sender as the June campaign", ANALYST)
    async with slack.uow_factory() as uow:
        bobs = make_report(reporter=reporter_of(BOB), what_happened="BOB-SECRET-4410 met them at a fair")
        await uow.reports.add(bobs)
        await uow.commit()
    slack.api.clear()

    await slack.say("My data")

    posted = slack.api.posted
    assert posted and all(p["channel"] == f"D{ALICE}" for p in posted)
    shown = slack.texts()
    assert "What Tipline holds about you" in shown and f"slack user {ALICE}" in shown
    assert f"Report {mine}" in shown
    assert "A recruiter offered paid insight reports" in shown  # her words
    assert "Anna Smith" in shown and "Global Insight Partners" in shown
    assert "Did they &lt;b&gt;send&lt;/b&gt; a contract?" in shown, "the team's words arrive escaped"
    assert "INTERNAL-NOTE-7731" not in shown, "internal notes are the team's"
    assert bobs.reference not in shown and "BOB-SECRET-4410" not in shown
    assert "Not in this copy: the security team's internal notes" in shown
    for message in posted:
        valid_blocks(message["blocks"])
    async with slack.uow_factory() as uow:
        copies = [e.event async for e in uow.audit.chain() if e.event.action == "reporter.data_copy"]
    assert [(e.actor, e.report_reference, e.detail["reports"]) for e in copies] == [
        (f"slack:{ALICE}", None, 1)
    ]


async def test_a_long_copy_comes_in_parts_each_within_slacks_limits(slack) -> None:
    long_story = " ".join(f"word{n}" for n in range(1500))  # about 10,000 characters
    async with slack.uow_factory() as uow:
        for n in range(2):
            await uow.reports.add(make_report(reporter=reporter_of(), what_happened=f"{n}: {long_story}"))
        await uow.commit()

    await slack.say("my data")

    posted = slack.api.posted
    assert len(posted) >= 7
    sections = [b["text"]["text"] for p in posted for b in p["blocks"] if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in sections)
    assert sections[0].startswith(f"(1 of {len(posted)})") and sections[-1].startswith(f"({len(posted)} of")
    joined = " ".join(sections)
    assert "word1499" in joined and "shortened" not in joined, "split, never cut"
    assert all(json.dumps(p["blocks"]).count("word0 ") <= 2 for p in posted)
