"""Neutral messages as Teams Adaptive Cards: what the reporter sees, what their submits send
back (read by the real inbound converter and the real flow engine), and Teams' size limit."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from adapters.teams import cards, inbound
from adapters.teams.text import SHORTENED, escape
from bot.messages import (
    Choice,
    Guidance,
    GuidanceSection,
    Question,
    SummaryCard,
    SummaryField,
    Text,
    TextQuestion,
    Tone,
)
from bot.presenter import present
from flows.actions import PickOptions, SubmitForm
from flows.outputs import Ask, ShowSummary
from tests.flows.helpers import FLOW, FULL, QUICK, Reporter
from tests.teams.test_inbound import submit

HOSTILE = "[x](https://evil.example) **urgent** <at>Boss</at>"
ESCAPED = escape(HOSTILE)


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["msteams"] == {"width": "Full"}
    return card


def elements(node: Any) -> list[dict[str, Any]]:
    """Every element and action in a card, however deeply nested."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "type" in node:
            found.append(node)
        for value in node.values():
            found += elements(value)
    elif isinstance(node, list):
        for item in node:
            found += elements(item)
    return found


def of_type(activity: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in elements(card_of(activity)) if e["type"] == kind]


def texts(activity: dict[str, Any]) -> list[str]:
    return [e["text"] for e in of_type(activity, "TextBlock")]


def shown(reporter: Reporter) -> list[dict[str, Any]]:
    return cards.render_all(present(FLOW, reporter.turn.outputs, None))


def press(activity: dict[str, Any], **inputs: str) -> inbound.Inbound:
    """Press the card's submit button, filling its inputs, as Teams would send it."""
    [button] = card_of(activity)["actions"] or [
        a for s in of_type(activity, "ActionSet") for a in s["actions"]
    ]
    found = inbound.from_activity(submit(button["data"], **inputs))
    assert found is not None
    return found


# ---- questions ---------------------------------------------------------------------------------


def test_a_single_choice_question_has_a_button_per_option_carrying_the_token_and_value():
    q = Question(
        "1.pace.3", "pace", "Send it now?", (Choice("send_now", "Send it\nnow"), Choice("add", "Add"))
    )
    [activity] = cards.render([q][0])
    actions = card_of(activity)["actions"]
    assert [a["title"] for a in actions] == ["Send it now", "Add"]
    assert actions[0]["type"] == "Action.Submit"
    assert actions[0]["data"] == {
        "tipline": "pick",
        "token": "1.pace.3",
        "value": "send_now",
        "title": "Send it now",
    }
    assert activity["summary"] == "Send it now?"
    found = press_button(actions[1])
    assert found.action == PickOptions("1.pace.3", ("add",)) and found.chosen == "Add"


def press_button(action: dict[str, Any]) -> inbound.Inbound:
    found = inbound.from_activity(submit(action["data"]))
    assert found is not None
    return found


def test_a_multiple_choice_card_submitted_from_teams_is_the_answer_the_engine_takes():
    reporter = Reporter()
    for answer in [*QUICK, "1"]:
        reporter.say(answer)
    [activity] = shown(reporter)
    [choice_set] = of_type(activity, "Input.ChoiceSet")
    assert choice_set["id"] == "choice" and choice_set["isMultiSelect"] is True
    assert choice_set["style"] == "expanded" and choice_set["isRequired"] and choice_set["errorMessage"]
    assert {"title": "A recruiter or headhunter", "value": "recruiter"} in choice_set["choices"]
    found = press(activity, choice="recruiter,consultancy")
    assert found.action == PickOptions(reporter.token, ("recruiter", "consultancy"))
    assert found.chosen == 'A recruiter or headhunter, Paid consultancy or "insight" work'
    reporter.act(found.action)
    assert reporter.state.answers["approach_kinds"] == ["recruiter", "consultancy"]
    assert reporter.step != "approach_kinds"


def test_more_than_six_options_for_one_answer_are_a_single_choice_list():
    options = tuple(Choice(f"v{n}", f"Option {n}") for n in range(8))
    [activity] = cards.render(Question("t", "k", "Which?", options, current="Option 3"))
    [choice_set] = of_type(activity, "Input.ChoiceSet")
    assert choice_set["isMultiSelect"] is False and choice_set["value"] == "v3"
    [continue_] = card_of(activity)["actions"]
    assert continue_["data"]["tipline"] == "form" and continue_["data"]["key"] == "k"
    assert press(activity, choice="v5").action == PickOptions("t", ("v5",))


def test_a_multiple_choice_asked_again_has_the_earlier_answer_ticked_and_shown():
    options = (Choice("money", "Money"), Choice("travel", "Travel, hotels"), Choice("gifts", "Gifts"))
    q = Question("t", "offered", "What was offered?", options, multiple=True, current="Money, Gifts")
    [activity] = cards.render(q)
    assert of_type(activity, "Input.ChoiceSet")[0]["value"] == "money,gifts"
    assert any("Your answer was: Money, Gifts" in t for t in texts(activity))


def test_hint_and_problem_are_shown_and_the_problem_stands_out():
    q = Question(
        "t", "k", "Where?", (Choice("a", "A"),), hint="Pick the closest", problem="Pick one of these"
    )
    [activity] = cards.render(q)
    [problem] = [b for b in of_type(activity, "TextBlock") if "Pick one of these" in b["text"]]
    assert problem["color"].lower() == "attention"
    [hint] = [b for b in of_type(activity, "TextBlock") if b["text"] == "Pick the closest"]
    assert hint["isSubtle"] is True


# ---- typed answers -----------------------------------------------------------------------------


def test_a_typed_answer_card_is_answered_through_the_engine():
    reporter = Reporter()
    [_, activity] = shown(reporter)
    [field] = of_type(activity, "Input.Text")
    assert field["id"] == "what_happened" and field["isRequired"] is True and field["isMultiline"] is True
    assert field["maxLength"] == 4000
    assert "placeholder" not in field, "the example is said once, above the box"
    assert sum("For example: a recruiter on LinkedIn" in t for t in texts(activity)) == 1
    assert any("just type your answer in the chat" in t for t in texts(activity))
    found = press(activity, what_happened="A recruiter offered paid work")
    assert found.action == SubmitForm(reporter.token, {"what_happened": "A recruiter offered paid work"})
    reporter.act(found.action)
    assert reporter.state.answers["what_happened"] == "A recruiter offered paid work"


def test_a_refused_answer_is_asked_again_with_what_was_typed_still_in_the_box():
    reporter = Reporter()
    for answer in FULL[:8]:  # up to the organisation; the next is the email address
        reporter.say(answer)
    assert reporter.step == "emails"
    [activity] = shown(reporter)
    found = press(activity, emails="anna at gip-consult")
    reporter.act(found.action)
    [again] = shown(reporter)
    [field] = of_type(again, "Input.Text")
    assert field["value"] == "anna at gip-consult"
    assert field["style"] == "Email" and field["isMultiline"] is False
    assert any(b.get("color", "").lower() == "attention" for b in of_type(again, "TextBlock"))


def test_field_problems_are_shown():
    q = TextQuestion(
        "t",
        "phones",
        "Their phone?",
        problem="Check the number",
        field_problems={"phones": "Check the number", "other": "That date is in the future"},
        input_kind="phone",
    )
    [activity] = cards.render(q)
    shown_texts = " ".join(texts(activity))
    assert "Check the number" in shown_texts and "That date is in the future" in shown_texts
    assert of_type(activity, "Input.Text")[0]["style"] == "Tel"


def test_the_current_answer_is_filled_in_after_going_back():
    [activity] = cards.render(TextQuestion("t", "who", "Who?", current="Anna Smith"))
    assert of_type(activity, "Input.Text")[0]["value"] == "Anna Smith"


@pytest.mark.parametrize(
    ("kind", "required", "accepted", "refused"),
    [
        ("email", False, ["anna@gip.com", "a@x.com, b@y.org", "skip", "None", ""], ["anna at gip"]),
        ("email", True, ["anna@gip.com"], ["skip", ""]),
        ("url", False, ["linkedin.com/in/anna", "https://gip.com/x", "SKIP", "n/a"], ["anna smith"]),
    ],
)
def test_the_cards_own_check_lets_through_what_the_server_accepts(kind, required, accepted, refused):
    [activity] = cards.render(TextQuestion("t", "k", "?", required=required, input_kind=kind))
    pattern = re.compile(of_type(activity, "Input.Text")[0]["regex"])  # JavaScript and Python agree here
    assert all(pattern.search(a) for a in accepted)
    assert not any(pattern.search(r) for r in refused)


# ---- guidance and plain text -------------------------------------------------------------------


def test_guidance_is_its_own_styled_card_of_bullets_without_buttons():
    g = Guidance((GuidanceSection("Right now", ("Don't reply", "Keep the messages"), Tone.WARNING),))
    [activity] = cards.render(g)
    card = card_of(activity)
    assert card["actions"] == []
    [box] = of_type(activity, "Container")
    assert box["style"] in ("attention", "warning")
    lines = [b["text"] for b in box["items"]]
    assert lines[0].endswith("Right now") and box["items"][0]["weight"] == "Bolder"
    assert lines[1:] == ["• Don't reply", "• Keep the messages"]


@pytest.mark.parametrize(
    ("tone", "style"), [(Tone.WARNING, "warning"), (Tone.SUCCESS, "good"), (Tone.REASSURANCE, "emphasis")]
)
def test_text_is_styled_by_its_tone(tone, style):
    [activity] = cards.render(Text("Sent. Your reference is TIP-7K3Q9D", tone))
    assert of_type(activity, "Container")[0]["style"] == style
    assert texts(activity)[0].endswith(escape("Sent. Your reference is TIP-7K3Q9D"))


def test_reporter_text_is_escaped_wherever_it_is_shown():
    messages = [
        Text(HOSTILE),
        Question("t", "k", HOSTILE, (Choice("a", HOSTILE),), hint=HOSTILE, current=HOSTILE),
        TextQuestion("t", "k", HOSTILE, problem=HOSTILE, kept=HOSTILE),
        SummaryCard("t", "Check", HOSTILE, (SummaryField(HOSTILE, HOSTILE, "who", 1),), footer=HOSTILE),
    ]
    for activity in cards.render_all(messages):
        shown_text = [t for t in texts(activity) if "evil" in t] + [
            v for f in of_type(activity, "FactSet") for fact in f["facts"] for v in fact.values()
        ]
        assert shown_text and all(ESCAPED in t for t in shown_text)
        assert not any("[x](" in t or "<at>" in t or "**urgent" in t for t in shown_text)
        assert "<at>" not in activity["summary"] and "\\" not in activity["summary"]


# ---- the summary -------------------------------------------------------------------------------


def test_the_report_summary_lists_the_answers_and_sends_or_changes_through_the_engine():
    reporter = Reporter()
    for answer in QUICK:
        reporter.say(answer)
    reporter.say("2")  # send it now: the summary
    assert isinstance(reporter.last, ShowSummary)
    [activity] = shown(reporter)
    [facts] = of_type(activity, "FactSet")
    assert facts["facts"][0]["title"].startswith("1\\. ")
    assert "recruiter on LinkedIn" in facts["facts"][0]["value"]
    [edit] = of_type(activity, "Input.ChoiceSet")
    assert edit["id"] == "edit" and edit["style"] == "compact" and edit["placeholder"] == "Change an answer…"
    assert {"title": "2. Who contacted you", "value": "edit:who"} in edit["choices"]
    [change] = of_type(activity, "ActionSet")[0]["actions"]
    found = inbound.from_activity(submit(change["data"], edit="edit:who"))
    assert found is not None and found.action == PickOptions(reporter.token, ("edit:who",))
    reporter.act(found.action)
    assert isinstance(reporter.last, Ask) and reporter.step == "who"


def test_sending_from_the_summary():
    card = SummaryCard(
        "s1", "Your report", "Check it", (SummaryField("What", ""),), (Choice("send", "Send"),)
    )
    [activity] = cards.render(card)
    assert of_type(activity, "FactSet")[0]["facts"] == [{"title": "1\\. What", "value": "—"}]
    assert not of_type(activity, "Input.ChoiceSet")
    [send] = card_of(activity)["actions"]
    assert press_button(send).action == PickOptions("s1", ("send",))


def test_a_30000_character_answer_stays_under_the_size_limit_with_a_note():
    card = SummaryCard(
        "s",
        "Your report",
        "Check it",
        (SummaryField("What happened", "£ and ü " * 3750, "what", 1),),
        (Choice("send", "Send"),),
    )
    [activity] = cards.render(card)
    assert cards.card_bytes(activity) < cards.MAX_CARD_BYTES
    assert of_type(activity, "FactSet")[0]["facts"][0]["value"].endswith(SHORTENED)


def test_a_very_long_summary_is_split_with_the_buttons_on_the_last_part():
    fields = tuple(SummaryField(f"Answer {n}", "x" * 5000, f"step{n}", n) for n in range(1, 21))
    activities = cards.render(
        SummaryCard("s", "Your report", "Check it", fields, (Choice("send", "Send"),), "Footer")
    )
    assert len(activities) > 1
    assert all(cards.card_bytes(a) < cards.MAX_CARD_BYTES for a in activities)
    facts = [f["title"] for a in activities for s in of_type(a, "FactSet") for f in s["facts"]]
    assert facts == [f"{n}\\. Answer {n}" for n in range(1, 21)]
    assert all(card_of(a)["actions"] == [] for a in activities[:-1])
    assert card_of(activities[-1])["actions"][0]["data"]["value"] == "send"
    assert len(of_type(activities[-1], "Input.ChoiceSet")[0]["choices"]) == 20
    assert "(part 1 of" in activities[0]["summary"]


def test_many_actions_become_a_list_since_teams_shows_six_buttons():
    actions = tuple(Choice(f"add:TIP-{n}", f"Add information to TIP-{n}") for n in range(8))
    [activity] = cards.render(SummaryCard("my_reports", "Your reports", "Newest first", (), actions))
    found = press(activity, choice="add:TIP-3")
    assert (
        found.action == PickOptions("my_reports", ("add:TIP-3",))
        and found.chosen == "Add information to TIP-3"
    )


@pytest.mark.parametrize("huge", ["🙂" * 60_000, "&" * 60_000, "x\n" * 30_000])
def test_nothing_rendered_goes_over_the_limit(huge):
    messages = [
        Text(huge),
        Question(
            "t", "k", huge, tuple(Choice(str(n), huge[:500]) for n in range(30)), True, huge, huge, huge
        ),
        TextQuestion("t", "k", huge, huge, huge, huge, huge, field_problems={"a": huge, "b": huge}),
        Guidance(tuple(GuidanceSection(huge, (huge, huge)) for _ in range(3))),
        SummaryCard("t", huge, huge, tuple(SummaryField(huge, huge, "k", 1) for _ in range(3)), footer=huge),
    ]
    for activity in cards.render_all(messages):
        assert cards.card_bytes(activity) < cards.MAX_CARD_BYTES
        assert len(json.dumps(activity).encode()) < 80_000  # also as an ASCII-only serialiser sends it


# ---- after a submit ----------------------------------------------------------------------------


def test_an_answered_card_is_read_only_and_shows_the_choice():
    summary = SummaryCard(
        "s", "Your report", "Check", (SummaryField("Who", "Anna", "who", 1),), (Choice("send", "Send"),)
    )
    for original in cards.render_all(
        [summary, TextQuestion("t", "who", "Who?"), Question("t", "k", "?", (Choice("a", "A"),), True)]
    ):
        before = copy.deepcopy(original)
        done = cards.answered(original, "Anna **Smith**")
        assert original == before
        kinds = {e["type"] for e in elements(card_of(done))}
        assert not any(k.startswith("Input.") or k in ("ActionSet", "Action.Submit") for k in kinds)
        assert card_of(done)["actions"] == []
        assert texts(done)[-1] == "✓ Anna \\*\\*Smith\\*\\*"
        assert not any("type your answer" in t.lower() for t in texts(done))
        assert texts(done)[0] == texts(original)[0]
