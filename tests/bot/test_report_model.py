"""The report the security team receives: typed, normalised, with severity and reasons."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot.normalise import normalise_profile_url
from bot.report import Report, Reporter, Severity, new_reference, normalise_reference
from bot.report_builder import build_report, extract_indicators
from bot.severity import NOT_ASSESSED
from flows.engine import Engine
from flows.outputs import SubmitReport
from tests.flows.helpers import FULL, NOW
from tests.flows.helpers import Reporter as Person

REPORTER = Reporter(platform="console", user_id="alice", display_name="Alice", workspace="local")


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.linkedin.com/in/anna-smith-123",
        "https://www.linkedin.com/in/anna-smith-123/",
        "http://linkedin.com/in/anna-smith-123",
        "linkedin.com/in/Anna-Smith-123",
        "www.linkedin.com/in/anna-smith-123/?originalSubdomain=uk",
        "https://uk.linkedin.com/in/anna-smith-123",
        "https://de.linkedin.com/in/anna-smith-123/?trk=public_profile#about",
        "https://m.linkedin.com/in/anna-smith-123/detail/recent-activity/",
    ],
)
def test_every_spelling_of_a_linkedin_profile_becomes_one_form(variant):
    assert normalise_profile_url(variant) == "https://www.linkedin.com/in/anna-smith-123"


def test_company_pages_and_other_sites_keep_what_identifies_them():
    assert (
        normalise_profile_url("uk.linkedin.com/company/Global-Insight/")
        == "https://www.linkedin.com/company/global-insight"
    )
    assert normalise_profile_url("HTTPS://Example.org/profile?id=7#top") == "https://example.org/profile?id=7"


def test_references_are_short_random_and_unambiguous():
    refs = {new_reference() for _ in range(2000)}
    assert len(refs) == 2000, "not sequential, and collisions are vanishingly rare"
    assert all(re.fullmatch(r"TIP-[2-9A-HJKMNP-TV-Z]{6}", r) for r in refs)
    assert not any(ch in r[4:] for r in refs for ch in "01ILOU")
    assert normalise_reference(" tip-7k3q9d ") == "TIP-7K3Q9D"
    assert normalise_reference("7k3q9d") == "TIP-7K3Q9D"


def full_report(overrides: dict[str, object] | None = None) -> Report:
    person = Person()
    for text in FULL:
        person.say(text)
    submit = None
    person.say("send")
    submit = next(e for e in person.turn.effects if isinstance(e, SubmitReport))
    answers = {**submit.answers, **(overrides or {})}
    return build_report(answers, REPORTER, "TIP-7K3Q9D", NOW, "GB")


def test_a_full_conversation_becomes_a_fully_typed_report():
    report = full_report()
    assert report.approach_kinds == ["recruiter", "consultancy"]
    assert report.channel == "linkedin"
    assert report.contact.profile_urls == ["https://www.linkedin.com/in/anna-smith-123"], (
        "typed and extracted collapse"
    )
    assert report.contact.emails == ["anna@gip-consult.com"]
    assert report.contact.phones == ["+442079460000"]
    assert report.contact.organisation == "Global Insight Partners"
    assert report.timeline.first_contact_on.isoformat() == "2026-11-16"
    assert report.timeline.first_contact_as_told == "last week"
    assert report.timeline.still_going_on == "yes"
    assert report.offered == ["money", "travel"]
    assert report.actions.replied == "yes" and report.actions.shared_information == "no"
    assert report.evidence.kinds == ["profile_screenshots", "message_screenshots"]
    assert report.contact_preference.may_contact is True and report.contact_preference.method == "this_chat"
    assert report.detail_level == "full"
    assert report.created_at.tzinfo is not None
    round_trip = Report.model_validate_json(report.model_dump_json())
    assert round_trip == report


def test_severity_floors_follow_the_rules_with_reasons():
    report = full_report()
    assert report.severity is Severity.MEDIUM
    assert "Travel or a trip was offered" in report.severity_reasons
    assert "Payment was offered" in report.severity_reasons
    assert "The contact is still going on" in report.severity_reasons

    shared = full_report({"shared": "yes", "shared_detail": "team structure", "ongoing": "no"})
    assert shared.severity is Severity.HIGH and "The reporter shared information" in shared.severity_reasons

    accepted = full_report({"accepted": "yes", "ongoing": "no", "asked_for": ["meeting"], "met": "no"})
    assert accepted.severity is Severity.HIGH

    accepted_and_asked_inside = full_report({"accepted": "yes", "ongoing": "no"})
    assert accepted_and_asked_inside.severity is Severity.CRITICAL
    assert "non-public or internal information was asked for" in accepted_and_asked_inside.severity_reasons[0]

    accepted_in_person = full_report(
        {"accepted": "yes", "ongoing": "no", "asked_for": ["meeting"], "met": "yes"}
    )
    assert accepted_in_person.severity is Severity.CRITICAL

    unsure = full_report({"shared": "unsure", "accepted": "no"})
    assert "The reporter is not sure whether they shared information" in unsure.severity_reasons
    assert not any("accepted something" in reason for reason in unsure.severity_reasons)

    both = full_report({"shared": "yes", "accepted": "yes"})
    assert both.severity is Severity.CRITICAL
    assert both.severity_reasons[0] == "Information was shared and something was accepted"


def test_a_quick_report_is_low_until_assessed_and_says_so():
    report = build_report(
        {"what_happened": "An odd message", "who": "someone", "pace": "send_now"},
        REPORTER,
        "TIP-7K3Q9D",
        NOW,
        "GB",
    )
    assert report.severity is Severity.LOW and report.severity_reasons == [NOT_ASSESSED]
    assert report.detail_level == "quick"


def test_indicators_in_the_quick_who_answer_are_picked_out():
    report = build_report(
        {
            "what_happened": "x",
            "who": "Anna (anna@GIP-consult.com, +44 7700 900123) linkedin.com/in/Anna-S/ and gip-consult.com",
        },
        REPORTER,
        "TIP-7K3Q9D",
        NOW,
        "GB",
    )
    assert report.contact.profile_urls == ["https://www.linkedin.com/in/anna-s"]
    assert report.contact.websites == ["https://gip-consult.com"]
    assert report.contact.emails == ["anna@gip-consult.com"]
    assert report.contact.phones == ["+447700900123"]


def test_a_year_in_free_text_is_not_a_phone_number():
    assert extract_indicators("we met at a 2024 conference in room 101", "GB")[2] == []


def test_an_update_keeps_the_reference_creation_time_and_triage_state():
    first = build_report(
        {"what_happened": "x", "who": "y", "pace": "send_now"}, REPORTER, "TIP-7K3Q9D", NOW, "GB"
    )
    triaged = first.model_copy(update={"status": "acknowledged", "assigned_to": "bob"})
    later = datetime(2026, 11, 23, 11, tzinfo=UTC)
    update = build_report(
        {"what_happened": "x", "who": "y", "pace": "add_detail", "shared": "yes"},
        REPORTER,
        "TIP-7K3Q9D",
        later,
        "GB",
        triaged,
    )
    assert (update.reference, update.revision, update.created_at, update.updated_at) == (
        "TIP-7K3Q9D",
        2,
        NOW,
        later,
    )
    assert update.status == "acknowledged" and update.assigned_to == "bob"
    assert update.severity is Severity.HIGH


def test_a_report_refuses_a_malformed_reference_and_naive_times():
    with pytest.raises(ValidationError):
        Report(reference="TIP-000000", created_at=NOW, updated_at=NOW, reporter=REPORTER, what_happened="x")
    with pytest.raises(ValidationError):
        Report(
            reference="TIP-7K3Q9D",
            created_at=datetime(2026, 1, 1),
            updated_at=NOW,
            reporter=REPORTER,
            what_happened="x",
        )


def test_the_engine_is_deterministic_given_the_same_inputs():
    a, b = Person(Engine(Person().engine.flow)), Person()
    for p in (a, b):
        for text in FULL[:5]:
            p.say(text)
    assert a.state == b.state
