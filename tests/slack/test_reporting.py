"""A member of staff reports through Slack: signed requests in Slack's shapes to the real HTTP
endpoint, replies and updates through the recording Web API, the report on real storage."""

from __future__ import annotations

import json
import re
import time

from tests.slack import web_api
from tests.slack.harness import ALICE, SECRET, valid_blocks

REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")


def posted_everywhere_valid(api) -> None:
    for message in api.posted:
        valid_blocks(message["blocks"])
    for params in api.calls_to("chat.update"):
        valid_blocks(params["blocks"])


async def test_a_report_completed_with_clicks_and_replies(slack):
    await slack.say("report")
    assert "In a sentence or two, what happened?" in slack.texts()
    await slack.say("A recruiter on LinkedIn offered paid consultancy work")
    await slack.say("Anna Smith, linkedin.com/in/anna-smith-123")

    pace = slack.last()
    assert [e["value"] for e in pace["blocks"][1]["elements"]] == ["add_detail", "send_now"]
    await slack.click("send_now")
    summary = slack.last()
    assert "Anna Smith" in json.dumps(summary["blocks"])
    assert any(b.get("accessory", {}).get("text", {}).get("text") == "Edit" for b in summary["blocks"])
    await slack.click("send")

    sent = slack.api.posted[-2]
    [reference] = REFERENCE.findall(sent["text"])
    assert sent["channel"] == f"D{ALICE}"
    # The clicked messages now show the choice, without buttons.
    for clicked, chosen in ((pace, "Send it now"), (summary, "Send to the security team")):
        now = slack.api.message(clicked["ts"])
        assert all(b["type"] != "actions" and "accessory" not in b for b in now["blocks"])
        assert chosen in json.dumps(now["blocks"])
    assert len(slack.api.calls_to("chat.update")) == 2
    await slack.click("done")  # "That's all for now"
    assert "That's everything" in slack.texts()

    async with slack.uow_factory() as uow:
        report = await uow.reports.get(reference)
    assert report is not None
    assert report.reporter.user_id == ALICE and report.reporter.workspace == web_api.TEAM_ID
    assert report.reporter.display_name == f"Person {ALICE}", "the name comes from users.info"
    assert report.what_happened == "A recruiter on LinkedIn offered paid consultancy work"
    # A home tab refresh shows the new report.
    [home] = slack.api.calls_to("views.publish")
    assert reference in json.dumps(home["view"])
    posted_everywhere_valid(slack.api)
    assert all(p.get("unfurl_links") is False for p in slack.api.calls_to("chat.postMessage")), (
        "a reporter's links are never unfurled"
    )


async def test_several_choices_with_checkboxes_and_done(slack):
    await slack.say("report")
    await slack.say("A headhunter offered a paid trip")
    await slack.say("Mark, Global Insight Partners")
    await slack.click("add_detail")
    kinds = slack.last()
    assert kinds["blocks"][-2]["elements"][0]["type"] == "checkboxes"
    # A tick on its own (before "Done") changes nothing and posts nothing.
    before = len(slack.api.calls)
    message, block, box = slack.with_action(lambda e: e.get("type") == "checkboxes")
    tick = web_api.block_actions(
        ALICE,
        [web_api.checkboxes(box["action_id"], block["block_id"], ["recruiter"])],
        message_ts=message["ts"],
        message=message,
    )
    assert (await slack.interact(tick)).status == 200
    assert len(slack.api.calls) == before

    await slack.tick_and_done(["recruiter", "trip_or_event"])
    assert "Where did it happen?" in json.dumps(slack.last()["blocks"])
    answered = json.dumps(slack.api.message(kinds["ts"])["blocks"])
    assert "A recruiter or headhunter, An invitation to a trip or event" in answered
    conversation = await slack.conversation()
    assert conversation.state["flow"]["answers"]["approach_kinds"] == ["recruiter", "trip_or_event"]


async def test_typed_answers_work_for_choice_questions_too(slack):
    await slack.say("report")
    await slack.say("Someone asked about our team")
    await slack.say("Jane Doe")
    await slack.say("Send it now")
    assert "Here's your report" in slack.texts()
    await slack.say("send")
    assert REFERENCE.search(slack.texts())


async def test_a_stale_button_is_not_applied(slack):
    await slack.say("report")
    await slack.say("An offer of paid work")
    await slack.say("Someone")
    await slack.click("send_now")
    old_pace = slack.api.posted[-2]
    token = "1.pace.3"
    # The same button clicked again (Slack showed it on another device before the update).
    payload = web_api.block_actions(
        ALICE, [web_api.button("pick:0", "add_detail", f"{token}|choices")], message_ts=old_pace["ts"]
    )
    await slack.interact(payload)
    assert "already moved on from" in slack.texts()
    conversation = await slack.conversation()
    assert conversation.state["flow"]["step_id"] == "summary"


async def test_requests_without_a_valid_fresh_signature_are_refused_and_change_nothing(slack):
    body, content_type = web_api.encode_event(web_api.message_im(ALICE, "report"))
    unsigned = await slack.deliver(body, content_type, secret=None)
    wrong = await slack.deliver(body, content_type, secret="0" * 32)
    old = await slack.deliver(body, content_type, timestamp=int(time.time()) - 6 * 60)
    tampered_headers = web_api.signed_headers(SECRET, body, content_type)
    tampered = await web_api.deliver(
        slack.events_url,
        body.replace("report", "REPORT"),
        content_type,
        None,
        headers=tampered_headers,
    )
    form, form_type = web_api.encode_form(web_api.slash_command(ALICE))
    command = await slack.deliver(form, form_type, secret="0" * 32)
    assert [r.status for r in (unsigned, wrong, old, tampered, command)] == [401] * 5
    await slack.api.settle(quiet=0.1)
    assert slack.api.calls == []
    assert await slack.conversation() is None


async def test_url_verification_is_answered_when_signed(slack):
    delivered = await slack.event(web_api.url_verification("challenge-123"))
    assert delivered.status == 200 and "challenge-123" in delivered.text
    refused = await slack.event(web_api.url_verification("challenge-123"), secret=None)
    assert refused.status == 401


async def test_an_event_delivered_four_times_is_handled_once(slack):
    envelope = web_api.message_im(ALICE, "report")
    first = await slack.event(envelope)
    assert first.status == 200
    posted = len(slack.api.posted)
    assert posted >= 2
    for retry in (1, 2, 3):
        again = await slack.event(envelope, retry_num=retry)
        assert again.status == 200
    await slack.api.settle(quiet=0.1)
    assert len(slack.api.posted) == posted
    conversation = await slack.conversation()
    assert conversation.state["flow"]["step_id"] == "what_happened"


async def test_retries_arriving_together_are_still_handled_once(slack):
    import asyncio

    envelope = web_api.message_im(ALICE, "report")
    results = await asyncio.gather(
        slack.event(envelope, settle=False),
        *(slack.event(envelope, settle=False, retry_num=n) for n in (1, 2, 3)),
    )
    assert {r.status for r in results} == {200}
    await slack.stop_work()
    welcomes = [m for m in slack.api.posted if "Thank you for getting in touch" in m["text"]]
    assert len(welcomes) == 1


async def test_what_people_type_cannot_mention_link_or_break_the_blocks(slack):
    await slack.say("report")
    hostile = "<!channel> <@U123> <https://example.org|click> & <!here>"
    await slack.say(hostile + " " + "x" * 5000)  # too long: asked again, with what they wrote shown
    assert "characters in all" in slack.texts()
    await slack.say(hostile + " " + "y" * 3900)  # accepted (4000 is the limit)
    await slack.say("Anna <@U999> Smith")
    await slack.click("send_now")
    summary = slack.last()
    shown = json.dumps(summary["blocks"], ensure_ascii=False)
    assert "(shortened — the full text is in the report)" in shown
    for params in slack.api.calls_to("chat.postMessage") + slack.api.calls_to("chat.update"):
        everything = json.dumps(params, ensure_ascii=False)
        for dangerous in ("<!channel>", "<@U123>", "<https://example.org|click>", "<!here>", "<@U999>"):
            assert dangerous not in everything
    assert "&lt;!channel&gt; &lt;@U123&gt; &lt;https://example.org|click&gt; &amp; &lt;!here&gt;" in shown
    for block in summary["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    posted_everywhere_valid(slack.api)
    # The report keeps the full text, exactly as typed.
    await slack.click("send")
    [reference] = REFERENCE.findall(slack.api.posted[-2]["text"])
    async with slack.uow_factory() as uow:
        report = await uow.reports.get(reference)
    assert report.what_happened.startswith(hostile) and len(report.what_happened) == len(hostile) + 3901


async def test_slack_formatting_in_a_message_becomes_what_the_person_typed(slack):
    await slack.say("report")
    # A pasted link and a mention arrive in Slack's markup.
    await slack.event(
        web_api.message_im(
            ALICE, "Met <@U0BOB> at a conference, see <https://linkedin.com/in/x|linkedin.com/in/x>"
        )
    )
    conversation = await slack.conversation()
    assert conversation.state["flow"]["answers"]["what_happened"] == (
        "Met @U0BOB at a conference, see linkedin.com/in/x"
    )


async def test_bot_messages_edits_and_other_channels_are_ignored(slack):
    for envelope in (
        web_api.message_im(ALICE, "report", bot_id="B0OTHER"),
        web_api.message_im(ALICE, "report", subtype="message_changed"),
        web_api.message_im(ALICE, "report", subtype="message_deleted"),
    ):
        assert (await slack.event(envelope)).status == 200
    channel_message = web_api.message_im(ALICE, "report")
    channel_message["event"]["channel_type"] = "channel"
    assert (await slack.event(channel_message)).status == 200
    await slack.api.settle(quiet=0.1)
    assert slack.api.calls_to("chat.postMessage") == []
    assert await slack.conversation() is None


async def test_every_click_is_acknowledged_at_once(slack):
    await slack.say("report")
    await slack.say("An offer of paid work")
    await slack.say("Someone")
    started = time.perf_counter()
    message, block, button = slack.with_action(lambda e: e.get("value") == "send_now")
    payload = web_api.block_actions(
        ALICE,
        [web_api.button(button["action_id"], "send_now", block["block_id"])],
        message_ts=message["ts"],
        message=message,
    )
    delivered = await slack.interact(payload, settle=False)
    assert delivered.status == 200 and time.perf_counter() - started < 1.0
    await slack.stop_work()


async def test_health_check(slack):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(slack.base + "/healthz") as ok:
            assert ok.status == 200 and (await ok.json()) == {"status": "ok"}
        slack.ready = False
        async with session.get(slack.base + "/healthz") as down:
            assert down.status == 503
            assert "xoxb" not in await down.text()
