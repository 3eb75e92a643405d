"""Other ways in: /report, the App Home tab, the "Report this message" shortcut, files shared in the DM."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from tests.keys import TEST_SEALER
from tests.slack import web_api
from tests.slack.harness import ALICE, harness, valid_blocks

REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")


async def test_slash_report_answers_privately_and_starts_in_the_dm(slack):
    delivered = await slack.command(web_api.slash_command(ALICE, channel_id="C0GENERAL"))
    assert delivered.status == 200
    answer = delivered.json()
    assert answer["response_type"] == "ephemeral" and "messaged you" in answer["text"]
    assert slack.api.calls_to("conversations.open") == [{"users": ALICE}]
    assert {m["channel"] for m in slack.api.posted} == {f"D{ALICE}"}, "nothing is posted in #general"
    assert "In a sentence or two, what happened?" in slack.texts()
    conversation = await slack.conversation()
    assert conversation.state["flow"]["step_id"] == "what_happened"


async def test_the_home_tab_says_what_to_report_and_lists_my_reports(slack):
    await slack.event(web_api.app_home_opened(ALICE))
    [published] = slack.api.calls_to("views.publish")
    assert published["user_id"] == ALICE
    view = published["view"]
    assert view["type"] == "home"
    valid_blocks(view["blocks"])
    shown = json.dumps(view)
    assert "Report a suspicious approach" in shown and "haven't sent any reports" in shown

    # The home tab's button starts a report in the DM.
    home_button = web_api.block_actions(
        ALICE,
        [web_api.button("home:report", "report", "home|start", "Report a suspicious approach")],
        view={"id": "V1", "type": "home"},
    )
    assert (await slack.interact(home_button)).status == 200
    assert "In a sentence or two, what happened?" in slack.texts()
    await slack.say("A recruiter offered paid work")
    await slack.say("Anna")
    await slack.click("send_now")
    await slack.click("send")
    [reference] = REFERENCE.findall(slack.api.posted[-2]["text"])

    await slack.event(web_api.app_home_opened(ALICE))
    latest = slack.api.calls_to("views.publish")[-1]["view"]
    assert reference in json.dumps(latest)
    add = next(
        e
        for b in latest["blocks"]
        for e in ([b["accessory"]] if b.get("accessory") else [])
        if e["action_id"].startswith("home:add:")
    )
    assert add["value"] == f"add:{reference}"
    # "Add information" from the home tab asks in the DM what to add.
    click = web_api.block_actions(
        ALICE,
        [web_api.button(add["action_id"], add["value"], "my-reports|home0", "Add information")],
        view={"id": "V1", "type": "home"},
    )
    await slack.interact(click)
    assert f"What would you like to add to {reference}?" in slack.texts()
    await slack.say("They wrote again from a new address, anna@example.org")
    assert f"added to {reference}" in slack.texts()


async def test_the_messages_tab_opening_publishes_nothing(slack):
    await slack.event(web_api.app_home_opened(ALICE, tab="messages"))
    assert slack.api.calls_to("views.publish") == []


async def test_report_this_message_starts_a_report_with_the_message_attached(slack):
    # As Slack sends it: an @channel in its markup, typed angle brackets escaped.
    text = "Hi! I'm hiring <!channel> for a well-paid &lt;advisory&gt; role — can we talk on Telegram?"
    payload = web_api.message_action(
        ALICE, text=text, message_ts="1699999999.000200", channel_id="C0GENERAL", message_user="U0STRANGER"
    )
    delivered = await slack.interact(payload)
    assert delivered.status == 200
    assert slack.api.calls_to("chat.getPermalink") == [
        {"channel": "C0GENERAL", "message_ts": "1699999999.000200"}
    ]
    shown = slack.texts()
    assert "You flagged this message" in shown
    assert "I'm hiring @channel for a well-paid &lt;advisory&gt; role" in shown
    assert "<!channel>" not in shown and "<advisory>" not in shown
    assert "will go with your report as evidence" in shown
    questions = [
        m for m in slack.api.posted if "In a sentence or two, what happened?" in json.dumps(m["blocks"])
    ]
    assert len(questions) == 1, "the first question is shown once, after the message"
    assert slack.api.posted[-1] is questions[0]

    await slack.say("A stranger offered an advisory role and wanted to move to Telegram")
    await slack.say("U0STRANGER on Slack")
    await slack.click("send_now")
    await slack.click("send")
    [reference] = REFERENCE.findall(slack.api.posted[-2]["text"])
    async with slack.uow_factory() as uow:
        report = await uow.reports.get(reference)
    [evidence] = report.evidence.files
    assert evidence.id == "message:C0GENERAL:1699999999.000200"
    assert evidence.url == "https://tipline-test.slack.com/archives/C0GENERAL/p1699999999000200"
    assert evidence.sent_by == "slack:U0STRANGER"
    assert "can we talk on Telegram?" in evidence.text, "the words reach the team, not just a link"
    for message in slack.api.posted:
        valid_blocks(message["blocks"])


async def test_a_file_shared_in_the_dm_goes_with_the_report(slack):
    await slack.say("report")
    screenshot = web_api.slack_file("F0SHOT", "profile.png")
    await slack.event(web_api.message_im(ALICE, "", files=[screenshot]))
    assert "“profile.png” will go with your report as evidence" in slack.texts()
    conversation = await slack.conversation()
    [kept] = conversation.state["files"]
    assert kept["id"] == "slack-file:F0SHOT" and kept["url"] == screenshot["permalink"]
    assert kept["mime_type"] == "image/png"
    # The same event again (Slack's retry) is not attached twice.
    assert conversation.state["flow"]["step_id"] == "what_happened"


async def test_a_file_with_a_comment_is_attached_and_the_comment_answers(slack):
    await slack.say("report")
    envelope = web_api.message_im(ALICE, "He messaged me this", files=[web_api.slack_file("F0A", "chat.png")])
    await slack.event(envelope)
    await slack.event(envelope, retry_num=1)
    conversation = await slack.conversation()
    assert len(conversation.state["files"]) == 1
    assert conversation.state["flow"]["answers"]["what_happened"] == "He messaged me this"
    said = slack.texts()
    assert said.count("“chat.png” will go with your report as evidence") == 1, "one reply to the message"
    assert said.index("“chat.png” will go with") < said.index("Who contacted you?"), "files first, then words"


async def test_with_evidence_download_on_a_private_copy_is_kept(slack_api, uow_factory, tmp_path):
    folder = tmp_path / "evidence"
    async for slack in harness(slack_api, uow_factory, EVIDENCE_DOWNLOAD="on", EVIDENCE_DIR=str(folder)):
        await slack.say("report")
        shot = web_api.slack_file("F0SHOT", "profile.png", files_base=slack_api.base)
        shot["name"] = "../../profile.png"  # a name is never a path
        path = shot["url_private_download"].split("/files-pri/", 1)[1]
        slack_api.file_bytes[path] = b"\x89PNG screenshot"
        # Slack sometimes sends only the id; files.info fills in the rest.
        partial = {"id": "F0SHOT", "file_access": "check_file_info", "mode": "hosted"}
        slack_api.files["F0SHOT"] = shot
        far_away = web_api.slack_file("F0FAR", "x.png", files_base="https://attacker.example")
        await slack.event(web_api.message_im(ALICE, "", files=[partial, far_away]))

        [download] = slack_api.calls_to("files.download")
        assert download["authorization"] == "Bearer xoxb-test-token", "only to the Slack file host"
        conversation = await slack.conversation()
        kept, elsewhere = conversation.state["files"]
        stored = kept["stored_path"]
        assert stored.startswith(str(folder)) and "/../" not in stored
        kept_bytes = Path(stored).read_bytes()  # noqa: ASYNC240
        assert b"screenshot" not in kept_bytes, "sealed at rest"
        assert TEST_SEALER.open_file(kept_bytes, Path(stored).name) == b"\x89PNG screenshot"
        assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
        assert elsewhere["id"] == "slack-file:F0FAR" and elsewhere["stored_path"] is None
