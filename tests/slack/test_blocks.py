"""The pure converters: neutral messages to Block Kit within Slack's limits, and Slack's
payloads back to the service's actions."""

from __future__ import annotations

import json

from adapters.slack import blocks as ui
from adapters.slack import inbound, interaction_blocks
from bot.messages import (
    Choice,
    Guidance,
    GuidanceSection,
    PickOptions,
    Question,
    SubmitForm,
    SummaryCard,
    SummaryField,
    Text,
    TextAnswer,
    TextQuestion,
    Tone,
)
from tests.slack import web_api
from tests.slack.harness import valid_blocks

HOSTILE = "<!channel> <@U123> <https://example.org|click> & more"


def test_text_is_escaped_and_styled_by_tone():
    [message] = ui.render(Text(HOSTILE, Tone.WARNING))
    section = message.blocks[0]["text"]["text"]
    assert section == ":warning: &lt;!channel&gt; &lt;@U123&gt; &lt;https://example.org|click&gt; &amp; more"
    assert "<" not in message.text
    valid_blocks(message.blocks)


def test_long_text_is_cut_below_the_limit_with_a_note_and_never_inside_an_escape():
    [message] = ui.render(Text("&" * 5000))
    text = message.blocks[0]["text"]["text"]
    assert len(text) <= 3000
    assert text.endswith(ui.SHORTENED)
    assert "&amp;&amp;" in text and not text.split("…")[0].endswith(("&", "&a", "&am", "&amp"))
    valid_blocks(message.blocks)


def test_control_and_direction_characters_are_removed():
    assert ui.escape("evil\u202egnp.exe\x07") == "evilgnp.exe"


def test_single_choice_buttons_carry_the_value_and_the_token():
    q = Question("1.channel.4", "channel", "Where did it happen?", (Choice("linkedin", "LinkedIn"),))
    [message] = ui.render(q)
    actions = next(b for b in message.blocks if b["type"] == "actions")
    assert ui.token_of(actions["block_id"]) == "1.channel.4"
    assert actions["elements"][0] == {
        "type": "button",
        "action_id": "pick:0",
        "value": "linkedin",
        "text": {"type": "plain_text", "text": "LinkedIn", "emoji": True},
    }


def test_many_options_become_a_select_and_long_labels_are_shortened():
    options = tuple(Choice(f"v{i}", f"Option {i} " + "x" * 100) for i in range(30))
    [message] = ui.render(Question("t", "k", "Pick one", options))
    valid_blocks(message.blocks)
    actions = next(b for b in message.blocks if b["type"] == "actions")
    assert actions["elements"][0]["type"] == "static_select"
    assert all(len(o["text"]["text"]) <= 75 for o in actions["elements"][0]["options"])


def test_multiple_choice_is_checkboxes_with_done_or_a_multi_select_past_ten():
    few = Question("t", "k", "Pick all", tuple(Choice(f"v{i}", f"L{i}") for i in range(10)), multiple=True)
    many = Question("t", "k", "Pick all", tuple(Choice(f"v{i}", f"L{i}") for i in range(12)), multiple=True)
    for question, kind in ((few, "checkboxes"), (many, "multi_static_select")):
        [message] = ui.render(question)
        valid_blocks(message.blocks)
        actions = next(b for b in message.blocks if b["type"] == "actions")
        assert [e["type"] for e in actions["elements"]] == [kind, "button"]
        assert actions["elements"][1]["action_id"] == "done"


def test_a_text_question_says_to_type_and_shows_what_was_kept_safely():
    q = TextQuestion(
        "t", "what_happened", "What happened?", hint="A sentence", problem="Too long", kept=HOSTILE * 100
    )
    [message] = ui.render(q)
    valid_blocks(message.blocks)
    shown = json.dumps(message.blocks)
    assert "Type your answer below" in shown
    assert "characters in all" in shown and "<!channel>" not in shown
    assert not any(b["type"] == "actions" for b in message.blocks), "typed answers: no button needed"


def test_the_security_teams_question_has_an_answer_button():
    [message] = ui.render(TextQuestion("answer:7", "answer", "A question for you\n\nWhich company?"))
    button = next(b for b in message.blocks if b["type"] == "actions")["elements"][0]
    assert (button["action_id"], button["value"], button["text"]["text"]) == (
        "reply:open",
        "answer:7",
        "Answer",
    )
    [adding] = ui.render(TextQuestion("add:TIP-ABCDEF", "add", "What would you like to add?"))
    assert "Add" in json.dumps(adding.blocks)


def test_guidance_is_its_own_styled_message():
    guidance = Guidance(
        (
            GuidanceSection("What to do now", ("Don't reply.", "Keep the messages."), Tone.WARNING),
            GuidanceSection("You did the right thing", ("Reporting protects you.",), Tone.REASSURANCE),
        )
    )
    [message] = ui.render(guidance)
    valid_blocks(message.blocks)
    headers = [b["text"]["text"] for b in message.blocks if b["type"] == "header"]
    assert headers == [":warning: What to do now", ":shield: You did the right thing"]
    assert "• Don't reply.\n• Keep the messages." in json.dumps(message.blocks, ensure_ascii=False).replace(
        "\\n", "\n"
    )
    assert any(b["type"] == "context" for b in message.blocks)


def test_the_summary_has_an_edit_button_per_answer_and_send_as_primary():
    card = SummaryCard(
        "1.summary.9",
        "Report a suspicious approach",
        "Please check it.",
        (SummaryField("What happened", HOSTILE, "what_happened", 1), SummaryField("Pace", "Now", None, None)),
        (Choice("send", "Send to the security team"),),
        footer='Type "send" to send it.',
    )
    [message] = ui.render(card)
    valid_blocks(message.blocks)
    rows = [b for b in message.blocks if b.get("block_id", "").startswith("1.summary.9|row")]
    assert rows[0]["accessory"]["value"] == "edit:what_happened"
    assert "accessory" not in rows[1]
    assert "&lt;!channel&gt;" in rows[0]["text"]["text"]
    send = next(b for b in message.blocks if b["type"] == "actions")["elements"][0]
    assert (send["value"], send["style"]) == ("send", "primary")


def test_a_very_long_summary_is_split_into_several_messages():
    fields = tuple(SummaryField(f"Field {i}", "y" * 2900, f"k{i}", i) for i in range(70))
    card = SummaryCard("t", "Title", "Intro", fields, (Choice("send", "Send"),), footer="f")
    messages = ui.render(card)
    assert len(messages) == 2
    for message in messages:
        valid_blocks(message.blocks)
        assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")
    assert any(b["type"] == "actions" for b in messages[-1].blocks)


def test_answered_drops_the_buttons_and_shows_the_choice():
    q = Question("t", "k", "Which?", (Choice("a", "A"), Choice("b", "B")))
    [message] = ui.render(q)
    after = interaction_blocks.answered(message.blocks, "<!here> B")
    valid_blocks(after)
    assert not any(b["type"] == "actions" for b in after)
    assert after[-1]["elements"][0]["text"] == ":white_check_mark: &lt;!here&gt; B"
    assert "Or type" not in json.dumps(after)


def test_slack_markup_becomes_what_was_typed():
    assert (
        inbound.unformat("see <https://x.org/a|x.org/a> and <mailto:a@b.org|a@b.org>")
        == "see x.org/a and a@b.org"
    )
    assert inbound.unformat("<@U1> <#C1|general> <!here> <!subteam^S1|@team> &lt;b&gt; &amp;lt;") == (
        "@U1 #general @here @team <b> &lt;"
    )


def test_clicks_forms_and_events_become_actions():
    click = web_api.block_actions(
        "U1", [web_api.button("pick:1", "send_now", "1.pace.3|choices", "Send it now")]
    )
    found = inbound.from_block_actions(click)
    assert found.action == PickOptions("1.pace.3", ("send_now",))
    assert found.key.workspace == web_api.TEAM_ID and found.chosen == "Send it now"
    assert (
        inbound.from_block_actions(web_api.block_actions("U1", [web_api.button("triage:ack", "x", "b")]))
        is None
    )

    message = inbound.from_message(web_api.message_im("U1", "report", event_id="Ev1"))
    assert (message.action, message.dedupe_id, message.channel) == (TextAnswer("report"), "Ev1", "DU1")

    form = web_api.view_submission(
        "U1",
        "reply_modal",
        web_api.text_input_state({"add": "more"}),
        private_metadata='{"token": "add:TIP-X"}',
    )
    assert inbound.from_view_submission(form).action == SubmitForm("add:TIP-X", {"add": "more"})


def test_a_link_that_says_one_address_and_goes_to_another_keeps_the_real_one():
    disguised = (
        "Contact: <https://evil.example/phish|https://www.linkedin.com/in/legit>"
        " or <mailto:spy@evil.example|hr@bigcorp.com>"
    )
    assert inbound.unformat(disguised) == (
        "Contact: https://www.linkedin.com/in/legit (https://evil.example/phish)"
        " or hr@bigcorp.com (spy@evil.example)"
    )
