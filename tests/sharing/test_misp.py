"""MISP events: load back with pymisp, use the object templates, flag indicators, stay stable."""

from __future__ import annotations

import json

from pymisp import MISPEvent

from bot.report import Contact, Status
from bot.sharing import Tlp, from_report
from bot.sharing.misp import MispOptions, document, event
from tests.factories import make_report
from tests.sharing.reports import IDENTITY_CANARIES, NARRATIVE_CANARIES, canaried_report

ORG = "Example Ministry Security"


def misp_json(report, *, tlp=Tlp.AMBER, narrative=False) -> str:
    """As the CLI writes it: MISP's import format, {"Event": ...}."""
    made = event(from_report(report, include_narrative=narrative), MispOptions(tlp, ORG))
    return json.dumps(document(made), indent=2)


def loaded(text: str) -> MISPEvent:
    made = MISPEvent()
    made.load(text)
    return made


def attributes(made: MISPEvent, template: str) -> list[dict]:
    return [
        {"relation": a.object_relation, "value": a.value, "to_ids": a.to_ids}
        for o in made.objects
        if o.name == template
        for a in o.attributes
    ]


def test_an_event_loads_back_with_pymisp_with_the_persona_and_its_accounts():
    report = make_report()
    made = loaded(misp_json(report))

    assert made.info == f"Suspicious approach to staff by Jane Smith (Tipline report {report.reference})"
    assert sorted(o.name for o in made.objects) == [
        "domain-ip", "domain-ip", "email", "identity", "organization", "phone-number", "url", "url",
        "user-account",
    ]  # fmt: skip
    assert {"relation": "name", "value": "Jane Smith", "to_ids": False} in attributes(made, "identity")
    account = attributes(made, "user-account")
    assert {"relation": "account-type", "value": "linkedin", "to_ids": False} in account
    assert {"relation": "username", "value": "jane-smith", "to_ids": True} in account
    assert {"relation": "link", "value": "https://www.linkedin.com/in/jane-smith", "to_ids": False} in account
    assert attributes(made, "phone-number") == [
        {"relation": "phone-number", "value": "+442079460000", "to_ids": True}
    ]
    assert {"relation": "from", "value": "jane@example.com", "to_ids": True} in attributes(made, "email")
    assert {a["value"] for a in attributes(made, "url")} == {
        "https://www.linkedin.com/in/jane-smith",
        "https://acme-talent.example",
    }
    assert all(a["to_ids"] for a in attributes(made, "url") + attributes(made, "domain-ip"))
    [persona] = [o for o in made.objects if o.name == "identity"]
    targets = {r.referenced_uuid for r in persona.ObjectReference}
    assert {
        o.uuid for o in made.objects if o.name in ("user-account", "email", "phone-number", "organization")
    } <= targets


def test_objects_fit_their_templates():
    for o in loaded(misp_json(make_report())).objects:
        template = o._definition  # the bundled misp-objects template pymisp checks against
        assert {a.object_relation for a in o.attributes} <= set(template["attributes"]), o.name


def test_tags_say_the_tlp_and_the_kind_of_approach():
    made = loaded(misp_json(make_report(), tlp=Tlp.RED))
    assert [t.name for t in made.tags] == [
        "tlp:red",
        'tipline:approach="recruiter"',
        'tipline:approach="payment_offer"',
        'tipline:channel="linkedin"',
    ]
    assert made.distribution == 0  # TLP:RED: this organisation only


def test_threat_level_and_analysis_follow_severity_and_status():
    made = loaded(misp_json(make_report(status=Status.CLOSED)))
    assert (int(made.threat_level_id), int(made.analysis)) == (1, 2)  # high; complete once closed


def test_exporting_twice_gives_the_same_event():
    report = canaried_report()
    assert misp_json(report, narrative=True) == misp_json(report, narrative=True)
    uuids = [o["uuid"] for o in json.loads(misp_json(report))["Event"]["Object"]]
    assert len(set(uuids)) == len(uuids)


def test_the_reporter_is_in_no_event():
    text = misp_json(canaried_report())
    for where, canary in {**IDENTITY_CANARIES, **NARRATIVE_CANARIES}.items():
        assert canary not in text, where


def test_the_narrative_is_a_text_attribute_without_who_the_reporter_is():
    text = misp_json(canaried_report(), narrative=True)
    made = loaded(text)
    [story] = [a for a in made.attributes if a.comment.startswith("What the reporter told us")]
    assert story.type == "text" and story.to_ids is False
    for canary in NARRATIVE_CANARIES.values():
        assert canary in story.value
    for where, canary in IDENTITY_CANARIES.items():
        assert canary not in text, where


def test_a_report_with_no_indicators_is_still_an_event():
    made = loaded(misp_json(make_report(contact=Contact())))
    assert [o.name for o in made.objects] == ["identity"]
    assert made.info.startswith("Suspicious approach to staff by Unnamed contact")
