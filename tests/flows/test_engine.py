"""The engine, as a reporter experiences it: questions, re-asks, back, edit, cancel."""

from __future__ import annotations

from datetime import timedelta

from flows.actions import CommandName, PickOptions, SubmitForm
from flows.outputs import (
    Ask,
    DiscardDraft,
    EndConversation,
    KeepDraft,
    Offer,
    ReportSent,
    Say,
    ShowGuidance,
    ShowSummary,
    SubmitReport,
)
from flows.state import Phase
from tests.flows.helpers import FULL, QUICK, Reporter


def answer_all(r: Reporter, answers: list[str]) -> None:
    for text in answers:
        r.say(text)
        assert not isinstance(r.last, Ask) or r.last.problem is None, (text, r.last.problem)


def test_a_quick_report_needs_only_what_happened_and_who():
    r = Reporter()
    answer_all(r, QUICK)
    assert r.step == "pace"
    r.say("Send it now")
    assert isinstance(r.last, ShowSummary)
    assert [row.label for row in r.last.rows] == ["What happened", "Who contacted you"]
    r.say("send")
    submit = next(e for e in r.turn.effects if isinstance(e, SubmitReport))
    assert submit.answers["who"] == "Anna Smith, linkedin.com/in/anna-smith-123"
    assert not submit.is_update
    assert isinstance(r.turn.outputs[0], ReportSent)
    assert isinstance(r.last, Offer), "a quick reporter is offered to add detail afterwards"


def test_detail_added_after_a_quick_report_is_sent_as_an_update():
    r = Reporter()
    answer_all(r, [*QUICK, "2", "send"])
    r.click("add_detail")
    assert r.step == "approach_kinds"
    answer_all(r, FULL[3:])
    assert isinstance(r.last, ShowSummary) and r.last.is_update
    r.command(CommandName.SEND)
    submit = next(e for e in r.turn.effects if isinstance(e, SubmitReport))
    assert submit.is_update and submit.answers["channel"] == "linkedin"
    assert any(isinstance(e, EndConversation) for e in r.turn.effects)
    assert r.state.phase is Phase.FINISHED


def test_branching_skips_the_profile_question_when_it_happened_by_email():
    r = Reporter()
    answer_all(r, [*QUICK, "1", "1", "Email"])
    assert r.step == "name_used"
    r.command(CommandName.BACK)
    r.say("LinkedIn")
    assert r.step == "profile_url"


def test_choosing_nothing_offered_skips_the_offer_details():
    r = Reporter()
    answer_all(r, FULL[:16])
    assert r.step == "offered"
    r.say("Nothing")
    assert r.step == "replied"


def test_a_bad_url_is_reasked_kindly_and_what_was_typed_is_kept():
    r = Reporter()
    answer_all(r, [*QUICK, "1", "1", "LinkedIn"])
    r.say("their profile on linkedin")
    ask = r.last
    assert isinstance(ask, Ask) and ask.step.id == "profile_url"
    assert "couldn't read 'their profile on linkedin' as a web address" in ask.problem
    assert ask.kept == "their profile on linkedin"
    r.say("linkedin.com/in/anna")
    assert r.step == "name_used" and r.state.answers["profile_url"] == ["https://linkedin.com/in/anna"]
    assert "profile_url" not in r.state.kept


def test_an_out_of_range_option_number_is_reasked():
    r = Reporter()
    answer_all(r, [*QUICK, "1"])
    r.say("12")
    assert isinstance(r.last, Ask) and r.last.step.id == "approach_kinds"
    assert "There's no option 12" in r.last.problem
    assert "from 1 to 10" in r.last.problem


def test_ten_thousand_characters_are_refused_but_kept():
    r = Reporter()
    long = "x" * 10_000
    r.say(long)
    assert r.step == "what_happened"
    assert "10,000 characters" in r.last.problem and "4,000" in r.last.problem
    assert r.state.kept["what_happened"] == long


def test_control_characters_are_refused_and_an_empty_line_is_reasked():
    r = Reporter()
    r.say("Recruiter \x1b[31mcalled\x1b[0m")
    assert "hidden control characters" in r.last.problem
    assert r.step == "what_happened"
    r.say("   ")
    assert "didn't get an answer" in r.last.problem
    assert r.state.answers == {}


def test_relative_dates_are_understood_and_future_dates_refused():
    r = Reporter()
    answer_all(r, FULL[:11])
    assert r.step == "first_contact"
    r.say("next week")
    assert "in the future" in r.last.problem
    r.say("3 days ago")
    assert r.state.answers["first_contact"] == {"on": "2026-11-20", "as_told": "3 days ago"}


def test_phone_and_email_lists_are_checked_item_by_item():
    r = Reporter()
    answer_all(r, FULL[:8])
    assert r.step == "emails"
    r.say("anna@gip-consult.com, not-an-email")
    assert "'not-an-email' doesn't look like an email address" in r.last.problem
    r.say("anna@gip-consult.com; ops@gip-consult.com")
    assert r.state.answers["emails"] == ["anna@gip-consult.com", "ops@gip-consult.com"]
    r.say("020 7946 0000, +7 495 123 45 67")
    assert r.state.answers["phones"] == ["+442079460000", "+74951234567"]


def test_back_returns_to_the_previous_answer_and_keep_moves_on_unchanged():
    r = Reporter()
    answer_all(r, [*QUICK, "1", "1, 3"])
    r.command(CommandName.BACK)
    assert r.step == "approach_kinds"
    assert "A recruiter or headhunter" in r.last.current
    r.say("keep")
    assert r.step == "channel"
    assert r.state.answers["approach_kinds"] == ["recruiter", "consultancy"]


def test_back_at_the_first_question_says_so():
    r = Reporter()
    r.command(CommandName.BACK)
    assert any(isinstance(o, Say) and "first question" in o.text for o in r.turn.outputs)
    assert r.step == "what_happened"


def test_edit_from_the_summary_changes_one_answer_and_returns_to_the_summary():
    r = Reporter()
    answer_all(r, FULL)
    assert isinstance(r.last, ShowSummary)
    r.say("edit 2")
    assert r.step == "who"
    r.say("Someone calling himself Ivan")
    assert isinstance(r.last, ShowSummary)
    assert r.last.rows[1].answer == "Someone calling himself Ivan"


def test_editing_an_answer_that_opens_a_new_branch_asks_the_new_question_first():
    r = Reporter()
    answer_all(r, FULL)
    shared_row = next(row for row in r.last.rows if row.step_id == "shared")
    r.click(f"edit:{shared_row.step_id}")
    r.say("yes")
    assert r.step == "shared_detail", "the newly relevant question is asked before the summary"
    r.say("my team's structure")
    assert isinstance(r.last, ShowSummary)
    assert any(row.step_id == "shared_detail" for row in r.last.rows)


def test_cancel_is_confirmed_and_the_draft_can_be_resumed():
    r = Reporter()
    answer_all(r, [*QUICK, "1"])
    r.command(CommandName.CANCEL)
    assert isinstance(r.last, Offer) and "kept for 30 days" in r.last.text
    r.say("no")
    assert r.step == "approach_kinds" and r.state.phase is Phase.ASKING
    r.command(CommandName.CANCEL)
    r.click("yes")
    assert r.state.phase is Phase.CANCELLED
    assert KeepDraft(30) in r.turn.effects
    r.say("hello again", after=timedelta(days=2))
    assert isinstance(r.last, Offer) and "unfinished report" in r.last.text
    r.say("Pick up where I left off")
    assert r.step == "approach_kinds" and r.state.answers["what_happened"] == QUICK[0]


def test_restart_is_confirmed_then_clears_the_answers():
    r = Reporter()
    answer_all(r, QUICK)
    r.command(CommandName.RESTART)
    r.say("no")
    assert r.state.answers["who"] == QUICK[1]
    r.command(CommandName.RESTART)
    r.say("yes")
    assert r.state.answers == {} and r.step == "what_happened"
    assert DiscardDraft() in r.turn.effects


def test_an_old_button_is_answered_kindly_and_never_applied_to_the_new_question():
    r = Reporter()
    answer_all(r, [*QUICK, "1"])
    old_token = r.token
    r.say("1")  # approach kinds
    assert r.step == "channel"
    r.act(PickOptions(old_token, ("in_person",)))
    assert any(isinstance(o, Say) and "already moved on" in o.text for o in r.turn.outputs)
    assert r.turn.moved_on, "the service tells the adapters so; they never compare wording"
    assert r.step == "channel" and "channel" not in r.state.answers
    assert r.state.answers["approach_kinds"] == ["recruiter"]


def test_the_same_step_asked_again_after_back_has_a_new_token():
    r = Reporter()
    answer_all(r, [*QUICK, "1"])
    first = r.token
    r.say("1")
    r.command(CommandName.BACK)
    assert r.step == "approach_kinds" and r.token != first


def test_help_explains_and_asks_the_same_question_again():
    r = Reporter()
    answer_all(r, QUICK)
    token = r.token
    r.command(CommandName.HELP)
    assert any(isinstance(o, Say) and "back" in o.text for o in r.turn.outputs)
    assert r.token == token and r.step == "pace"


def test_guidance_comes_as_soon_as_the_answer_that_drives_it_is_known():
    r = Reporter()
    r.say(QUICK[0])
    first = r.outputs_of(ShowGuidance)
    assert [g.id for g in first[0].items] == ["right_now"]
    answer_all(r, FULL[1:14])
    assert r.step == "asked_for"
    r.say("To move to email or another app")
    assert [g.id for g in r.outputs_of(ShowGuidance)[0].items] == ["red_flags"]
    r.say("skip")
    r.say("Travel or a paid trip")
    assert [g.id for g in r.outputs_of(ShowGuidance)[0].items] == ["travel"]


def test_reassurance_is_given_to_someone_who_already_shared_something():
    r = Reporter()
    answer_all(r, FULL[:19])
    assert r.step == "shared"
    r.say("yes")
    items = r.outputs_of(ShowGuidance)[0].items
    assert items[0].id == "shared_something" and items[0].tone == "reassurance"
    assert r.step == "shared_detail"


def test_each_piece_of_guidance_is_shown_once_but_can_be_asked_for_again():
    r = Reporter()
    r.say(QUICK[0])
    r.command(CommandName.BACK)
    r.say("Changed my mind about the wording")
    assert not r.outputs_of(ShowGuidance)
    r.command(CommandName.GUIDANCE)
    assert [g.id for g in r.outputs_of(ShowGuidance)[0].items] == ["right_now"]


def test_after_a_long_pause_the_reporter_is_welcomed_back_and_nothing_typed_is_lost():
    r = Reporter()
    r.say(QUICK[0])
    r.say("Anna Smith", after=timedelta(hours=13))
    assert any(isinstance(o, Say) and "Welcome back" in o.text for o in r.turn.outputs)
    assert r.step == "who" and "who" not in r.state.answers
    assert r.last.kept == "Anna Smith"


def test_a_form_applies_several_answers_or_none_with_field_errors():
    r = Reporter()
    answer_all(r, [*QUICK, "1", "1", "LinkedIn"])
    token = r.token
    r.act(SubmitForm(token, {"profile_url": "not a url", "name_used": "Anna"}))
    assert r.step == "profile_url" and "name_used" not in r.state.answers
    assert set(r.last.field_problems) == {"profile_url"}
    r.act(SubmitForm(r.token, {"profile_url": "linkedin.com/in/anna", "name_used": "Anna"}))
    assert r.step == "organisation" and r.state.answers["name_used"] == "Anna"


def test_an_exclusive_option_cannot_be_combined():
    r = Reporter()
    answer_all(r, FULL[:16])
    r.say("1, 8")
    assert "can't be picked together" in r.last.problem


# --- after the report is sent ------------------------------------------------------------


def sent_quick(r: Reporter) -> None:
    answer_all(r, [*QUICK, "Send it now", "send"])
    assert r.state.phase is Phase.SENT


def test_coming_back_to_the_add_detail_offer_shows_it_again_rather_than_a_new_report():
    r = Reporter()
    sent_quick(r)
    r.command(CommandName.START)
    assert isinstance(r.last, Offer) and r.state.phase is Phase.SENT
    assert r.state.answers["what_happened"] == QUICK[0]


def test_guidance_and_help_still_work_after_sending():
    r = Reporter()
    sent_quick(r)
    for command in (CommandName.GUIDANCE, CommandName.HELP):
        r.command(command)
        assert [g.id for g in r.outputs_of(ShowGuidance)[0].items] == ["right_now"]
        assert isinstance(r.last, Offer)


def test_guidance_before_any_answer_gives_the_advice_that_always_applies():
    r = Reporter()
    r.command(CommandName.GUIDANCE)
    assert [g.id for g in r.outputs_of(ShowGuidance)[0].items] == ["right_now"]


def test_stopping_after_sending_does_not_claim_nothing_was_sent():
    r = Reporter()
    sent_quick(r)
    r.click("add_detail")
    r.command(CommandName.CANCEL)
    assert "already been sent" in r.last.text and "Nothing will be sent" not in r.last.text
    r.say("yes")
    said = " ".join(o.text for o in r.outputs_of(Say))
    assert "Your report is with the security team" in said and "Nothing has been sent" not in said


def test_typing_send_at_the_send_or_add_question_sends():
    r = Reporter()
    answer_all(r, QUICK)
    r.say("send")
    assert isinstance(r.last, ShowSummary)


def test_a_word_from_an_option_picks_it_and_an_ambiguous_one_asks_which():
    r = Reporter()
    answer_all(r, [*QUICK, "1"])
    r.say("headhunter, money")
    assert r.state.answers["approach_kinds"] == ["recruiter", "payment_offer"]
    r.say("whatsapp")
    assert r.state.answers["channel"] == "phone_or_messaging"
    answer_all(r, ["skip", "skip", "skip", "skip", "skip", "early March", "2", "y"])
    assert r.state.answers["first_contact"] == {"on": None, "as_told": "early March"}
    assert r.state.answers["ongoing"] == "yes"
    answer_all(r, ["8", "skip", "Nothing", "no", "no", "no", "no"])
    r.say("screenshots")
    assert (
        "Did you mean 1 (Screenshots of their profile) or 2 (Screenshots of the messages)" in r.last.problem
    )
