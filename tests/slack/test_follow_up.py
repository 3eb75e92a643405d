"""The security team's questions reach the reporter as a Slack DM; a typed reply, or the
answer form, goes back to the report's thread."""

from __future__ import annotations

import json
import re

from adapters.slack.app import make_client
from adapters.slack.reporter_channel import SlackReporterChannel
from bot.ports import MessageKind
from bot.reporter_push import REPORTER_DESTINATION, ReporterInbox
from tests.bot.test_followup import ANALYST, make_triage
from tests.slack import web_api
from tests.slack.harness import ALICE, reporter_of, utc_now, valid_blocks

REFERENCE = re.compile(r"TIP-[2-9A-Z]{6}")


async def sent_report(slack):
    await slack.say("report")
    await slack.say("A recruiter offered paid insight reports")
    await slack.say("Anna Smith, Global Insight Partners")
    await slack.click("send_now")
    await slack.click("send")
    await slack.click("done")
    [reference] = REFERENCE.findall(slack.texts())[-1:]
    return reference


async def push(slack) -> None:
    """What the delivery worker does for the "reporter" destination."""
    channel = SlackReporterChannel(make_client(slack.settings))
    inbox = ReporterInbox(slack.service.push_news, {"slack": channel})
    assert inbox.name == REPORTER_DESTINATION
    await slack.service.push_news(reporter_of(), channel)


async def thread(slack, reference):
    async with slack.uow_factory() as uow:
        return await uow.messages.for_report(reference)


async def test_a_pushed_question_arrives_as_a_dm_and_the_typed_reply_answers_it(slack):
    reference = await sent_report(slack)
    triage = make_triage(slack.uow_factory, utc_now)
    await triage.ask(reference, "Was the <b>profile</b> photo a stock image?", ANALYST)
    slack.api.clear()

    await push(slack)
    assert slack.api.calls_to("conversations.open") == [{"users": ALICE}]
    [question] = slack.api.posted
    assert question["channel"] == f"D{ALICE}"
    shown = json.dumps(question["blocks"])
    assert "The security team has a question for you" in shown and reference in shown
    assert "&lt;b&gt;profile&lt;/b&gt;" in shown, "the team's words are escaped too"
    assert "Type your answer below" in shown
    valid_blocks(question["blocks"])

    await slack.say("Yes, I found the same photo on a stock site")
    assert "your answer is with the security team" in slack.texts()
    kinds = [m.kind for m in await thread(slack, reference)]
    assert kinds == [MessageKind.QUESTION, MessageKind.ANSWER]
    answer = (await thread(slack, reference))[-1]
    assert answer.body == "Yes, I found the same photo on a stock site"
    assert answer.author == f"slack:{ALICE}"


async def test_the_answer_form_opens_and_its_submission_answers_the_question(slack):
    reference = await sent_report(slack)
    triage = make_triage(slack.uow_factory, utc_now)
    await triage.ask(reference, "Which company did they name?", ANALYST)
    await push(slack)

    message, block, button = slack.with_action(lambda e: e.get("action_id") == "reply:open")
    click = web_api.block_actions(
        ALICE,
        [web_api.button("reply:open", button["value"], block["block_id"], "Answer")],
        channel=message["channel"],
        message_ts=message["ts"],
        message=message,
        trigger_id="111.222.trigger",
    )
    await slack.interact(click)
    [opened] = slack.api.calls_to("views.open")
    assert opened["trigger_id"] == "111.222.trigger"
    view = opened["view"]
    assert view["callback_id"] == "reply_modal"
    valid_blocks(view["blocks"])
    [field] = view["blocks"]

    submission = web_api.view_submission(
        ALICE,
        "reply_modal",
        web_api.text_input_state({field["block_id"]: "Global Insight Partners Ltd"}),
        private_metadata=view["private_metadata"],
    )
    delivered = await slack.interact(submission)
    assert delivered.status == 200 and delivered.text == ""  # the form closes
    assert "your answer is with the security team" in json.dumps(slack.last()["blocks"])
    assert slack.last()["channel"] == f"D{ALICE}"
    answer = (await thread(slack, reference))[-1]
    assert answer.kind is MessageKind.ANSWER and answer.body == "Global Insight Partners Ltd"


async def test_a_form_with_a_problem_shows_it_on_the_form(slack):
    await slack.say("report")
    conversation = await slack.conversation()
    token = f"1.what_happened.{conversation.state['flow']['visit']}"
    submission = web_api.view_submission(
        ALICE,
        "reply_modal",
        web_api.text_input_state({"what_happened": "   "}),
        private_metadata=json.dumps({"token": token, "channel": f"D{ALICE}"}),
    )
    before = len(slack.api.posted)
    delivered = await slack.interact(submission)
    answer = delivered.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"what_happened"}
    assert len(slack.api.posted) == before
