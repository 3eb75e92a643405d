"""What is noted from a reporter's own words, and what is not."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bench.extraction import CHOICE_FIELDS, load_corpus
from bot.flow_files import default_guidance_path, default_understanding_path, load_flow
from flows.extraction import extract, noted_answers
from flows.loader import FlowError

FLOW = load_flow()
LEXICON = FLOW.lexicon
assert LEXICON is not None

STORY = (
    "someone called Shirly Shen from Internship Union messaged me on linkedin offering 2000 quid in "
    "USDT for a short report on the new trade bill, she wants to meet in Brussels, flights paid"
)


def test_the_story_from_the_issue_is_understood():
    found = extract(STORY, LEXICON)
    assert found.names == ["Shirly Shen"] and found.organisations == ["Internship Union"]
    assert found.options["channel"] == ["linkedin"]
    assert set(found.options["offered"]) == {"crypto", "travel"}
    assert {"consultancy", "trip_or_event", "payment_offer"} <= set(found.options["approach_kinds"])
    assert found.places == ["Brussels"] and found.amounts == ["2000"]
    noted = noted_answers(found, LEXICON, FLOW.steps)
    assert noted["who"] == "Shirly Shen, Internship Union"
    assert noted["name_used"] == "Shirly Shen" and noted["channel"] == "linkedin"
    assert noted["offered_detail"] == (
        "offering 2000 quid in USDT for a short report on the new trade bill; flights paid; "
        "wants to meet in Brussels"
    )
    assert (
        noted["asked_for_detail"] == "for a short report on the new trade bill; she wants to meet in Brussels"
    )


def test_contact_details_come_out_in_the_form_the_questions_keep():
    found = extract(
        "Profile https://uk.linkedin.com/in/Daniel-Kim?trk=x, email Daniel.Kim@Lotus-Bridge.com, "
        "call 020 7946 0987 or see www.lotus-bridge.com.",
        LEXICON,
    )
    assert found.profile_urls == ["https://uk.linkedin.com/in/Daniel-Kim?trk=x"]
    assert found.emails == ["daniel.kim@lotus-bridge.com"]
    assert found.phones == ["+442079460987"]
    assert found.websites == ["https://www.lotus-bridge.com"]  # not the email's domain, no full stop
    noted = noted_answers(found, LEXICON, FLOW.steps)
    assert noted["profile_url"] == found.profile_urls and noted["phones"] == ["+442079460987"]


def test_a_signature_gives_the_name_and_the_organisation_not_the_title():
    found = extract(
        "Thanks for your time.\n\nBest regards,\nMarta Nowak\nHead of Research\nVistula Policy Institute",
        LEXICON,
    )
    assert found.names == ["Marta Nowak"] and found.organisations == ["Vistula Policy Institute"]


def test_an_app_they_asked_to_move_to_is_not_where_it_began():
    found = extract("a recruiter on LinkedIn asked me to switch to WhatsApp", LEXICON)
    assert found.options["channel"] == ["linkedin"]
    assert "move_off_platform" in found.options["asked_for"]


def test_what_was_not_offered_is_not_noted():
    found = extract("she didn't offer money, just wanted to chat about my job", LEXICON)
    assert "offered" not in found.options


def test_an_organisation_name_says_nothing_about_the_kind_of_approach():
    found = extract("a man called Tom Reyes from Quartz Consulting Group said hello", LEXICON)
    assert found.organisations == ["Quartz Consulting Group"]
    assert "consultancy" not in found.options.get("approach_kinds", [])


def test_plain_words_note_nothing():
    assert noted_answers(extract("I'd like to report something odd", LEXICON), LEXICON, FLOW.steps) == {}


def test_an_understanding_file_naming_an_unknown_option_is_refused_with_its_place(tmp_path: Path):
    raw = yaml.safe_load(default_understanding_path().read_text())
    broken = copy.deepcopy(raw)
    broken["terms"]["channel"]["myspace"] = ["myspace"]
    flow_dir = tmp_path / "flow"
    flow_dir.mkdir()
    (flow_dir / "report.yaml").write_text((default_understanding_path().parent / "report.yaml").read_text())
    (flow_dir / "understanding.yaml").write_text(yaml.safe_dump(broken))
    with pytest.raises(FlowError) as refused:
        load_flow(flow_dir / "report.yaml", default_guidance_path())
    assert "terms.channel.myspace: 'myspace' is not an option of step 'channel'" in str(refused.value)


def test_the_corpus_is_big_enough_and_speaks_the_flow_s_language():
    heldout, tuning = load_corpus("heldout"), load_corpus("tuning")
    assert len(heldout) >= 30 and len(heldout) + len(tuning) >= 80
    assert len({e["id"] for e in heldout + tuning}) == len(heldout) + len(tuning)
    for entry in heldout + tuning:
        for field in CHOICE_FIELDS:
            raw = (entry.get("expect") or {}).get(field)
            for value in [] if raw is None else raw if isinstance(raw, list) else [raw]:
                assert FLOW.steps[field].option(str(value)) is not None, (entry["id"], field, value)


def test_a_cue_rule_naming_an_unknown_option_is_refused_with_its_place(tmp_path: Path):
    raw = yaml.safe_load(default_understanding_path().read_text())
    broken = copy.deepcopy(raw)
    broken["not_offered_before"][0]["options"].append("offered.yacht")
    flow_dir = tmp_path / "flow"
    flow_dir.mkdir()
    (flow_dir / "report.yaml").write_text((default_understanding_path().parent / "report.yaml").read_text())
    (flow_dir / "understanding.yaml").write_text(yaml.safe_dump(broken))
    with pytest.raises(FlowError) as refused:
        load_flow(flow_dir / "report.yaml", default_guidance_path())
    assert "not_offered_before.0.options: 'yacht' is not an option of step 'offered'" in str(refused.value)
