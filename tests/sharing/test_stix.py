"""STIX 2.1 bundles: valid (stix2.parse and stix2-validator), stable, marked, reporter-free."""

from __future__ import annotations

import json

import pytest
import stix2
import stix2validator

from bot.report import Contact
from bot.sharing import Tlp, from_report, from_reports
from bot.sharing.stix import PHONE_EXTENSION, StixOptions, bundle, problems
from tests.factories import CREATED_AT, make_report
from tests.sharing.reports import (
    IDENTITY_CANARIES,
    NARRATIVE_CANARIES,
    canaried_report,
    second_report_same_profile,
)

ORG = "Example Ministry Security"


def stix_text(reports, *, tlp=Tlp.AMBER, threat_actor=False, narrative=False) -> str:
    subjects = [from_report(r, include_narrative=narrative) for r in reports]
    return str(bundle(subjects, StixOptions(tlp, ORG, threat_actor)).serialize(pretty=True))


def objects(text: str, kind: str | None = None) -> list[dict]:
    found = json.loads(text)["objects"]
    return [o for o in found if kind is None or o["type"] == kind]


def assert_valid(text: str) -> None:
    parsed = stix2.parse(text)
    assert parsed.type == "bundle"
    result = stix2validator.validate_string(text)
    assert result.is_valid, [str(e) for e in result.errors]
    assert result.errors == []


@pytest.mark.parametrize(
    ("threat_actor", "narrative"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_every_kind_of_bundle_parses_back_and_passes_the_validator(threat_actor, narrative):
    reports = [canaried_report(), second_report_same_profile(), make_report(contact=Contact())]
    assert_valid(stix_text(reports, threat_actor=threat_actor, narrative=narrative))


def test_the_persona_is_an_identity_with_its_accounts_addresses_and_sites():
    text = stix_text([make_report()])

    [persona] = [o for o in objects(text, "identity") if o["identity_class"] == "individual"]
    assert persona["name"] == "Jane Smith"
    assert "Claimed to represent: Acme Talent" in persona["description"]
    [account] = objects(text, "user-account")
    assert (account["account_type"], account["user_id"]) == ("linkedin", "jane-smith")
    assert {o["value"] for o in objects(text, "url")} == {
        "https://www.linkedin.com/in/jane-smith",
        "https://acme-talent.example",
    }
    assert [o["value"] for o in objects(text, "email-addr")] == ["jane@example.com"]
    assert {o["value"] for o in objects(text, "domain-name")} == {"acme-talent.example", "example.com"}
    [claimed] = [o for o in objects(text, "identity") if o["name"] == "Acme Talent"]
    assert claimed["identity_class"] == "organization"
    linked = {(r["source_ref"], r["target_ref"]) for r in objects(text, "relationship")}
    assert (persona["id"], account["id"]) in linked and (persona["id"], claimed["id"]) in linked
    assert objects(text, "threat-actor") == []


def test_phones_travel_in_the_registered_property_extension():
    text = stix_text([make_report()])

    [persona] = [o for o in objects(text, "identity") if o["identity_class"] == "individual"]
    assert persona["extensions"][PHONE_EXTENSION] == {
        "extension_type": "property-extension",
        "phone_numbers": ["+442079460000"],
    }
    assert "Phone: +442079460000" in persona["contact_information"]
    [definition] = objects(text, "extension-definition")
    assert definition["id"] == PHONE_EXTENSION and definition["extension_types"] == ["property-extension"]
    # Read back by stix2 as the registered extension, which checks its properties.
    parsed = stix2.parse(text)
    again = next(o for o in parsed.objects if o.id == persona["id"])
    assert list(again.extensions[PHONE_EXTENSION].phone_numbers) == ["+442079460000"]


def test_no_phones_no_extension_definition():
    text = stix_text([make_report(contact=Contact(name_used="Jane Smith", emails=["jane@acme.example"]))])
    assert objects(text, "extension-definition") == []
    assert_valid(text)


def test_as_threat_actor_the_indicators_indicate_it():
    text = stix_text([canaried_report(), second_report_same_profile()], threat_actor=True)

    actors = objects(text, "threat-actor")
    assert [a["name"] for a in actors] == ["Jane Smith", "J. Smith"]
    assert actors[0]["threat_actor_types"] == ["spy"]
    indicates = [r for r in objects(text, "relationship") if r["relationship_type"] == "indicates"]
    assert {r["target_ref"] for r in indicates} == {a["id"] for a in actors}
    assert [o for o in objects(text, "identity") if o["identity_class"] == "individual"] == []


def test_indicators_have_valid_patterns_for_urls_emails_and_domains():
    report = make_report(
        contact=Contact(
            name_used="O'Brien",
            profile_urls=["https://www.linkedin.com/in/o'brien"],
            emails=["sean@obrien-partners.example"],
            websites=["https://obrien-partners.example/it's\\here"],
        )
    )
    text = stix_text([report])

    patterns = {o["pattern"] for o in objects(text, "indicator")}
    assert patterns == {
        "[url:value = 'https://www.linkedin.com/in/o\\'brien']",
        "[email-addr:value = 'sean@obrien-partners.example']",
        "[url:value = 'https://obrien-partners.example/it\\'s%5Chere']",
        "[domain-name:value = 'obrien-partners.example']",
    }
    assert all(o["pattern_type"] == "stix" for o in objects(text, "indicator"))
    assert_valid(text)


def test_free_mail_and_hosted_pages_are_not_the_personas_domains():
    report = make_report(
        contact=Contact(emails=["jane@gmail.com"], websites=["https://sites.google.com/view/acme"])
    )
    text = stix_text([report])
    assert objects(text, "domain-name") == []
    assert {o["value"] for o in objects(text, "email-addr")} == {"jane@gmail.com"}


def test_a_sighting_by_the_reporting_organisation_counts_the_approaches():
    first, second = canaried_report(), second_report_same_profile()
    subject = from_reports("campaign:test", "Campaign test", [second, first])
    text = bundle([subject], StixOptions(Tlp.AMBER, ORG)).serialize()

    [sighting] = objects(text, "sighting")
    [org] = [o for o in objects(text, "identity") if o["name"] == ORG]
    assert sighting["where_sighted_refs"] == [org["id"]]
    assert sighting["count"] == 2
    assert sighting["first_seen"] == "2026-03-01T00:00:00Z"  # the first contact, as the reporter dated it
    assert sighting["last_seen"] == "2026-03-21T09:30:00Z"  # the latest report
    [persona] = [o for o in objects(text, "identity") if o["identity_class"] == "individual"]
    assert sighting["sighting_of_ref"] == persona["id"]
    assert persona["name"] == "Jane Smith" and "Also used the names: J. Smith" in persona["description"]
    assert_valid(text)


def test_a_grouping_of_everything_and_a_note_with_the_summary():
    text = stix_text([make_report()])

    [grouping] = objects(text, "grouping")
    assert grouping["context"] == "suspicious-activity"
    everything = {o["id"] for o in objects(text)}
    assert set(grouping["object_refs"]) <= everything
    kinds = {ref.split("--")[0] for ref in grouping["object_refs"]}
    assert {"identity", "user-account", "url", "email-addr", "indicator", "sighting", "relationship"} <= kinds
    [note] = objects(text, "note")
    assert grouping["id"] in note["object_refs"]
    assert "Kind of approach: recruiter, payment offer" in note["content"]
    assert "Severity: high" in note["content"]
    assert "hxxps://www[.]linkedin[.]com/in/jane-smith" in note["content"]  # text to read: defanged


@pytest.mark.parametrize(
    ("tlp", "marking"),
    [
        (Tlp.CLEAR, stix2.TLP_WHITE),
        (Tlp.GREEN, stix2.TLP_GREEN),
        (Tlp.AMBER, stix2.TLP_AMBER),
        (Tlp.RED, stix2.TLP_RED),
    ],
)
def test_every_object_carries_the_tlp_marking(tlp, marking):
    text = stix_text([canaried_report(), second_report_same_profile()], tlp=tlp, narrative=True)

    [definition] = objects(text, "marking-definition")
    assert definition["id"] == marking.id
    for o in objects(text):
        if o["type"] != "marking-definition":
            assert o["object_marking_refs"] == [marking.id], o["id"]


def test_exporting_twice_gives_the_same_bundle_and_ids():
    reports = [canaried_report(), second_report_same_profile()]
    assert stix_text(reports, threat_actor=True) == stix_text(reports, threat_actor=True)

    alone = {o["id"] for o in objects(stix_text([reports[0]]))}
    together = {o["id"] for o in objects(stix_text(reports))}
    assert alone <= together  # the same report keeps its ids in a bigger export


def test_a_changed_report_is_a_new_version_of_the_same_objects():
    report = make_report()
    later = report.model_copy(update={"updated_at": CREATED_AT.replace(day=20)})

    before, after = objects(stix_text([report]), "grouping"), objects(stix_text([later]), "grouping")
    assert before[0]["id"] == after[0]["id"]
    assert (before[0]["created"], before[0]["modified"]) == (after[0]["created"], "2026-03-14T09:30:00.000Z")
    assert after[0]["modified"] == "2026-03-20T09:30:00.000Z"


def test_the_reporter_is_in_no_bundle():
    for threat_actor in (False, True):
        text = stix_text([canaried_report()], threat_actor=threat_actor)
        for where, canary in {**IDENTITY_CANARIES, **NARRATIVE_CANARIES}.items():
            assert canary not in text, where
        assert "Alice" not in text and "engineer" not in text


def test_the_narrative_leaves_who_the_reporter_is_out():
    text = stix_text([canaried_report()], narrative=True)

    [story] = [n for n in objects(text, "note") if n.get("labels") == ["reporter-narrative"]]
    for canary in NARRATIVE_CANARIES.values():
        assert canary in story["content"]
    for where, canary in IDENTITY_CANARIES.items():
        assert canary not in text, where


def test_text_we_did_not_write_is_defanged_and_cleaned_but_indicators_stay_exact():
    report = make_report(
        contact=Contact(
            name_used="Visit https://evil.example/x\u202e now",
            organisation="www.cover.example\x1b[31m",
            profile_urls=["https://www.linkedin.com/in/jane-smith"],
        ),
        what_happened="See http://phish.example/login",
    )
    text = stix_text([report], narrative=True)

    [persona] = [o for o in objects(text, "identity") if o["identity_class"] == "individual"]
    assert persona["name"] == "Visit hxxps://evil[.]example/x now"
    assert "www[.]cover[.]example" in persona["description"] and "\x1b" not in text
    assert "http://phish.example" not in text and "hxxp://phish[.]example/login" in text
    assert "[url:value = 'https://www.linkedin.com/in/jane-smith']" in {
        o["pattern"] for o in objects(text, "indicator")
    }
    assert_valid(text)


def test_problems_reports_what_the_validator_calls_an_error():
    text = stix_text([make_report()])
    assert problems(text) == []
    broken = json.loads(text)
    indicator = next(o for o in broken["objects"] if o["type"] == "indicator")
    indicator["pattern"] = "[url:value = 'unterminated]"
    indicator["valid_from"] = "yesterday"
    found = problems(json.dumps(broken))
    assert found and any("valid_from" in p or "pattern" in p for p in found)
