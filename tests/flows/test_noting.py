"""Told once: what the first message says is offered back to confirm, and its questions are skipped."""

from __future__ import annotations

import pytest

from flows.actions import CommandName, PickOptions
from flows.engine import Engine
from flows.noting import CONFIRM_KEY
from flows.outputs import Ask, Say, ShowGuidance, ShowSummary, SubmitReport
from tests.flows.helpers import FLOW, Reporter

STORY = (
    "someone called Shirly Shen from Internship Union messaged me on linkedin offering 2000 quid in "
    "USDT for a short report on the new trade bill, she wants to meet in Brussels, flights paid"
)


def understanding() -> Reporter:
    return Reporter(Engine(FLOW, understand=True))


def confirm(r: Reporter) -> Ask:
    ask = r.last
    assert isinstance(ask, Ask) and ask.step.id == CONFIRM_KEY, ask
    return ask


def test_the_first_message_is_offered_back_with_its_guidance_at_once():
    r = understanding()
    r.say(STORY)
    [guidance] = r.outputs_of(ShowGuidance)
    assert [g.id for g in guidance.items] == ["right_now", "travel", "payment"]
    ask = confirm(r)
    for seen in (
        "Name used: Shirly Shen",
        "Organisation they claimed: Internship Union",
        "Where it happened: LinkedIn",
    ):
        assert seen in ask.step.prompt
    assert "Cryptocurrency, Travel or a paid trip" in ask.step.prompt
    assert r.state.answers == {"what_happened": STORY}, "nothing noted counts before it is confirmed"


def test_confirmed_answers_skip_their_questions_and_the_summary_says_where_they_came_from():
    r = understanding()
    r.say(STORY)
    r.say("yes")
    assert r.step == "pace", "who contacted them is already known"
    asked = []
    for answer in [
        "1",
        "linkedin.com/in/shirly-shen",
        "skip",
        "skip",
        "skip",
        "last week",
        "1",
        "yes",
        "no",
        "no",
        "no",
        "no",
        "5",
        "skip",
        "no",
    ]:
        asked.append(r.step)
        r.say(answer)
        assert not isinstance(r.last, Ask) or r.last.problem is None, (r.step, r.last.problem)
    assert asked == [
        "pace",
        "profile_url",
        "emails",
        "phones",
        "websites",
        "first_contact",
        "frequency",
        "ongoing",
        "replied",
        "shared",
        "accepted",
        "met",
        "evidence",
        "role",
        "may_contact",
    ]
    summary = r.last
    assert isinstance(summary, ShowSummary)
    rows = {row.step_id: row.answer for row in summary.rows}
    assert rows["who"] == "Shirly Shen, Internship Union (noted from what you wrote)"
    assert rows["channel"] == "LinkedIn (noted from what you wrote)"
    assert rows["what_happened"] == STORY, "their own words are kept beside what was noted"
    assert rows["asked_for_detail"] == (
        "for a short report on the new trade bill; she wants to meet in Brussels (noted from what you wrote)"
    )
    r.say("send")
    [submit] = [e for e in r.turn.effects if isinstance(e, SubmitReport)]
    assert submit.answers["offered"] == ["crypto", "travel"] and submit.answers["name_used"] == "Shirly Shen"


def test_what_is_picked_as_wrong_is_dropped_and_asked_about_instead():
    r = understanding()
    r.say(STORY)
    r.act(PickOptions(r.token, ("organisation", "channel")))
    assert "organisation" not in r.state.answers and "channel" not in r.state.answers
    assert r.state.answers["who"] == "Shirly Shen", "who is made of what was kept"
    r.say("1")  # add detail
    assert r.step == "channel", "the kinds of approach were confirmed; where it happened is asked"
    r.say("email")
    assert r.step == "organisation"


def test_a_typed_correction_replaces_what_it_corrects_in_one_step():
    r = understanding()
    r.say(STORY)
    r.say("no, it was on WhatsApp")
    assert any(isinstance(o, Say) and "changed" in o.text for o in r.turn.outputs)
    ask = confirm(r)
    assert "Where it happened: Phone or a messaging app" in ask.step.prompt
    assert "LinkedIn" not in ask.step.prompt
    r.say("yes")
    assert r.state.answers["channel"] == "phone_or_messaging"


def test_a_typed_correction_of_who_it_was_replaces_the_name_and_adds_the_address():
    r = understanding()
    r.say("A recruiter called Anna Smyth from Acme Talent messaged me on LinkedIn")
    r.say("Anna Smith, linkedin.com/in/anna-smith-123")
    ask = confirm(r)
    assert "Name used: Anna Smith\n" in ask.step.prompt and "Smyth" not in ask.step.prompt
    assert "linkedin.com/in/anna-smith-123" in ask.step.prompt
    assert "Organisation they claimed: Acme Talent" in ask.step.prompt, "what wasn't corrected stays"
    r.say("yes")
    assert r.state.answers["name_used"] == "Anna Smith"
    assert r.state.answers["who"].startswith("Anna Smith, Acme Talent")


def test_none_of_it_leaves_only_the_reporter_s_words():
    r = understanding()
    r.say(STORY)
    r.say("None of it is right")
    assert r.state.answers == {"what_happened": STORY} and r.step == "who"
    assert r.state.noted == {}


def test_going_back_from_the_confirm_step_drops_what_was_noted():
    r = understanding()
    r.say(STORY)
    r.command(CommandName.BACK)
    assert r.state.noted == {} and r.step == "what_happened"
    assert "channel" not in r.state.answers


def test_a_bare_no_asks_which_part_is_wrong():
    r = understanding()
    r.say(STORY)
    r.say("no")
    ask = confirm(r)
    assert ask.problem and "Which part" in ask.problem


def test_a_message_with_nothing_to_note_goes_straight_on():
    r = understanding()
    r.say("Something odd happened and I'd like advice")
    assert isinstance(r.last, Ask) and r.step == "who"


def _at_approach_kinds() -> Reporter:
    r = understanding()
    r.say("Something odd happened")
    r.say("Someone I don't know")
    r.say("1")
    assert r.step == "approach_kinds"
    return r


def test_every_recognisable_item_of_a_list_is_taken():
    r = _at_approach_kinds()
    r.say("paid report, trip, money")
    assert r.state.answers["approach_kinds"] == ["consultancy", "trip_or_event", "payment_offer"]
    assert r.step == "channel"


def test_only_the_rest_is_asked_about_and_the_next_answer_adds_to_what_was_taken():
    r = _at_approach_kinds()
    r.say("headhunter, a strange vibe")
    assert r.step == "approach_kinds" and "approach_kinds" not in r.state.answers
    ask = r.last
    assert isinstance(ask, Ask) and "A recruiter or headhunter" in (ask.problem or "")
    assert "'a strange vibe'" in (ask.problem or "")
    r.say("3")
    assert r.state.answers["approach_kinds"] == ["recruiter", "consultancy"]


def test_keep_goes_on_with_what_was_taken():
    r = _at_approach_kinds()
    r.say("headhunter, a strange vibe")
    r.command(CommandName.KEEP)
    assert r.state.answers["approach_kinds"] == ["recruiter"] and r.step == "channel"


def test_an_answer_that_belongs_to_another_question_is_offered_for_that_one():
    r = _at_approach_kinds()
    r.say("linkedin")
    ask = confirm(r)
    assert "Where it happened: LinkedIn" in ask.step.prompt
    r.say("yes")
    assert r.state.answers["channel"] == "linkedin"
    assert r.step == "approach_kinds", "the question it was typed at is still to answer"
    r.say("1")
    assert r.step == "profile_url", "where it happened is not asked again"


@pytest.mark.parametrize("off", [Engine(FLOW), Engine(FLOW, understand=False)])
def test_with_understanding_off_every_question_is_asked(off: Engine):
    r = Reporter(off)
    r.say(STORY)
    assert r.step == "who" and not r.state.noted
