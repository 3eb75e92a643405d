"""Entity resolution on its own: which indicators two reports share, and when they say "the
same persona"."""

from __future__ import annotations

import pytest

from bot.campaigns.resolution import compare, crowded, names_differ, persona
from bot.report import Contact
from tests.factories import make_report


def p(**contact):
    return persona(make_report(contact=Contact(**contact)))


def kinds(a, b) -> list[str]:
    link = compare(p(**a), p(**b))
    return [] if link is None else [e.kind for e in link.evidence]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"phones": ["+44 20 7946 0000"]}, {"phones": ["020 7946 0000"]}),
        ({"phones": ["+44 (0)20-7946-0000"]}, {"phones": ["0044 20 7946 0000"]}),
        ({"emails": ["Jane@Acme.example"]}, {"emails": ["jane@acme.example"]}),
        (
            {"profile_urls": ["https://de.linkedin.com/in/jane-smith-9a/overlay/contact-info/"]},
            {"profile_urls": ["http://www.linkedin.com/in/Jane-Smith-9A?trk=people"]},
        ),
    ],
)
def test_one_account_typed_two_ways_is_one_persona_whatever_the_names(a, b):
    a, b = {**a, "name_used": "Jane Smith"}, {**b, "name_used": "Li Wei"}
    assert len(kinds(a, b)) == 1


def test_a_company_domain_or_website_links_only_with_names_that_agree():
    jane = {"name_used": "Jane Smith"}
    assert kinds(
        {**jane, "emails": ["jane@northbridge.example"]}, {**jane, "emails": ["j.smith@northbridge.example"]}
    ) == ["email domain"]
    assert kinds(
        {**jane, "websites": ["northbridge.example/jobs"]},
        {**jane, "websites": ["https://www.northbridge.example"]},
    ) == ["website"]
    # Anyone at a firm has its domain and website: without names they say nothing.
    assert kinds({"emails": ["jane@northbridge.example"]}, {"emails": ["bob@northbridge.example"]}) == []
    assert kinds({"websites": ["northbridge.example"]}, {**jane, "websites": ["northbridge.example"]}) == []
    two_people = (
        {"name_used": "Jane Smith", "emails": ["jane@nb.example"]},
        {"name_used": "Bob Ray", "emails": ["bob@nb.example"]},
    )
    assert kinds(*two_people) == []
    # "Jane" and "Jane Smith" may well be one person; "J. Smith" too.
    assert kinds(
        {"name_used": "Jane", "emails": ["j@nb.example"]},
        {"name_used": "Jane Smith", "emails": ["js@nb.example"]},
    )
    assert kinds(
        {"name_used": "J. Smith", "emails": ["j@nb.example"]},
        {"name_used": "Jane Smith", "emails": ["js@nb.example"]},
    )


def test_free_mail_and_social_sites_say_nothing():
    assert kinds({"emails": ["a.b@gmail.com"]}, {"emails": ["c.d@gmail.com"]}) == []
    assert kinds({"emails": ["a@yahoo.co.uk"]}, {"emails": ["b@yahoo.co.uk"]}) == []
    assert (
        kinds({"websites": ["https://www.linkedin.com/company/x"]}, {"websites": ["linkedin.com/company/y"]})
        == []
    )


@pytest.mark.parametrize(
    ("name_a", "org_a", "name_b", "org_b", "linked"),
    [
        ("Amanda Qiu", "BR-YR Executive Search", "QIU Amanda", "BRYR Exec Search Ltd", True),
        ("Amanda Qiu", "BR-YR Executive Search", "Dr. Amanda Qui", "BR YR Executive Search", True),
        ("Amanda Qiu", "BR-YR Executive Search", "A. Qiu", "BR-YR Executive Search", True),
        ("Amanda Qiu", "BR-YR Executive Search", "Amanda Chen", "BR-YR Executive Search", False),
        ("Amanda Qiu", "BR-YR Executive Search", "Amanda Chen", "BRYR Exec Search", False),
        ("Amanda Qiu", "BR-YR Executive Search", "Amanda Qiu", "Northbridge Advisory", False),
        ("Amanda Qiu", "Recruitment agency", "Amanda Qiu", "recruitment agency", False),
        ("Amanda Qiu", None, "Amanda Qiu", None, False),
    ],
)
def test_a_name_links_only_together_with_its_organisation(name_a, org_a, name_b, org_b, linked):
    got = kinds({"name_used": name_a, "organisation": org_a}, {"name_used": name_b, "organisation": org_b})
    assert got == (["name + organisation"] if linked else [])


def test_the_same_cover_company_links_unless_it_is_seen_with_two_peoples_names():
    # The organisation alone, with no name or a name that fits: the same cover company.
    assert kinds({"organisation": "BR-YR Executive Search"}, {"organisation": "BRYR Search Ltd"}) == []
    assert kinds(
        {"organisation": "BR-YR Executive Search"}, {"organisation": "BRYR Executive Search Ltd"}
    ) == ["organisation"]
    amanda = p(name_used="Amanda", organisation="BR-YR Executive Search")
    qiu = p(name_used="Amanda Qiu", organisation="BR YR Executive Search")
    chen = p(name_used="Amanda Chen", organisation="BR-YR Executive Search")
    link = compare(amanda, qiu)
    assert link is not None and [e.kind for e in link.evidence] == ["organisation"]
    busy = crowded([amanda, qiu, chen])
    assert busy == {("organisation", "bryrexecutivesearch")}
    assert compare(amanda, qiu, busy) is None
    # Names that agree in full still link at a busy firm.
    again = compare(qiu, p(name_used="QIU Amanda", organisation="BRYR Exec Search"), busy)
    assert again is not None and [e.kind for e in again.evidence] == ["name + organisation"]


def test_names_differ_only_when_both_are_given_and_clearly_not_one_person():
    assert names_differ(p(name_used="Amanda Qiu"), p(name_used="Amanda Chen"))
    assert not names_differ(p(name_used="Amanda Qiu"), p(name_used="Amanda Qui"))
    assert not names_differ(p(name_used="Amanda Qiu"), p())
    assert not names_differ(p(name_used="邱曼达"), p(name_used="Manda Qiu"))
    assert not names_differ(p(name_used="A. Mivozhu"), p(name_used="Amanda"))
    assert names_differ(p(name_used="A. Mivozhu"), p(name_used="Bob"))


def test_evidence_gives_the_first_reports_spelling():
    link = compare(
        p(name_used="Amanda  Qiu", organisation="BR-YR Executive Search", phones=["+44 20 7946 0000"]),
        p(name_used="QIU, Amanda", organisation="BRYR Exec Search Ltd", phones=["020 7946 0000"]),
    )
    assert link is not None and link.strong
    assert [(e.kind, e.shown) for e in link.evidence] == [
        ("phone", "+44 20 7946 0000"),
        ("name + organisation", "Amanda Qiu / BR-YR Executive Search"),
    ]
