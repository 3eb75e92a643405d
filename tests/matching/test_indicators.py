"""bot.matching on its own: which indicators two reports share, and what a typed one finds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.matching import Indicator, find, matches, shared_indicators
from bot.normalise import is_free_mail, organisation_key
from bot.report import Contact, Report, Status
from tests.factories import CREATED_AT, make_report


def about(hours: int = 0, **contact: Any) -> Report:
    """A report whose contact holds only what is given."""
    return make_report(contact=Contact(**contact), created_at=CREATED_AT + timedelta(hours=hours))


JANE = "https://www.linkedin.com/in/jane-smith"


@pytest.mark.parametrize(
    "typed",
    [
        "linkedin.com/in/jane-smith",
        "http://uk.linkedin.com/in/Jane-Smith/",
        "https://m.linkedin.com/in/jane-smith?trk=abc#top",
        "www.linkedin.com/in/jane-smith/detail/contact-info/",
    ],
)
def test_every_spelling_of_a_linkedin_profile_is_the_same_profile(typed):
    assert shared_indicators(about(profile_urls=[JANE]), about(profile_urls=[typed])) == [
        Indicator("profile", JANE)
    ]


def test_different_profiles_share_nothing():
    assert (
        shared_indicators(about(profile_urls=[JANE]), about(profile_urls=["linkedin.com/in/jane-smyth"]))
        == []
    )


def test_emails_and_phones_compare_as_normalised():
    mine = about(emails=["Jane@Acme-Talent.example"], phones=["+442079460000"])
    theirs = about(emails=["jane@acme-talent.example"], phones=["+44 20 7946 0000"])
    # The same address says the domain already; it is not listed twice.
    assert shared_indicators(mine, theirs) == [
        Indicator("email", "jane@acme-talent.example"),
        Indicator("phone", "+442079460000"),
    ]


def test_a_company_email_domain_links_two_people_at_it():
    mine, theirs = about(emails=["jane@acme-talent.example"]), about(emails=["bob@ACME-talent.example"])
    assert shared_indicators(mine, theirs) == [Indicator("email domain", "acme-talent.example")]


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "outlook.com", "proton.me", "mail.ru", "qq.com", "163.com", "gmx.de", "gmx.net",
     "yahoo.co.uk", "hotmail.fr", "web.de", "yandex.ru", "icloud.com"],
)  # fmt: skip
def test_a_free_mail_domain_links_nobody(domain):
    assert is_free_mail(domain)
    assert shared_indicators(about(emails=[f"jane@{domain}"]), about(emails=[f"bob@{domain}"])) == []


@pytest.mark.parametrize(
    "domain", ["acme-talent.example", "gmx-consulting.com", "outlook.acme.com", "acme.co.uk"]
)
def test_company_domains_are_not_free_mail(domain):
    assert not is_free_mail(domain)


def test_websites_compare_by_host_without_www():
    mine = about(websites=["https://www.acme-talent.example/careers"])
    theirs = about(websites=["http://acme-talent.example"])
    assert shared_indicators(mine, theirs) == [Indicator("website", "acme-talent.example")]


def test_organisations_compare_ignoring_case_and_spacing():
    mine, theirs = about(organisation="Acme  Talent Ltd"), about(organisation=" acme talent\tLTD ")
    assert shared_indicators(mine, theirs) == [Indicator("organisation", "Acme Talent Ltd")]


@pytest.mark.parametrize("vague", ["ABC", "n/a", "Unknown", "Self-employed", "LinkedIn", "  x  "])
def test_short_or_vague_organisations_link_nothing(vague):
    assert organisation_key(vague) is None
    assert shared_indicators(about(organisation=vague), about(organisation=vague.upper())) == []


def test_matches_are_the_others_newest_first_with_what_they_share():
    report = about(0, profile_urls=[JANE], organisation="Acme Talent")
    older = about(1, profile_urls=["linkedin.com/in/jane-smith/"])
    newer = about(5, organisation="ACME TALENT", emails=["x@gmail.com"])
    unrelated = about(3, profile_urls=["linkedin.com/in/someone-else"], organisation="Other Co")

    found = matches(report, [report, older, unrelated, newer])

    assert [m.reference for m in found] == [newer.reference, older.reference]
    assert found[0].indicators == (Indicator("organisation", "Acme Talent"),)
    assert found[1].indicators == (Indicator("profile", JANE),)
    assert (found[1].created_at, found[1].status) == (older.created_at, Status.NEW)


def test_a_report_sharing_nothing_has_no_matches():
    report = about(profile_urls=[JANE])
    assert matches(report, [report, about(emails=["a@gmail.com"])]) == []


# --- find -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["020 7946 0000", "+44 (0)20 7946-0000", "02079460000", "+442079460000"])
def test_find_a_phone_however_it_is_typed(typed):
    report = about(phones=["+442079460000"])
    [found] = find(typed, [report, about(phones=["+442079460001"])])
    assert (found.reference, found.indicators) == (report.reference, (Indicator("phone", "+442079460000"),))


def test_find_a_profile_email_and_website_as_the_model_stores_them():
    report = about(
        profile_urls=[JANE], emails=["jane@acme-talent.example"], websites=["https://www.acme-talent.example"]
    )
    others = [report, about(profile_urls=["https://x.com/jane"])]

    assert find("UK.LinkedIn.com/in/Jane-Smith/", others)[0].indicators == (Indicator("profile", JANE),)
    assert find("JANE@ACME-TALENT.EXAMPLE", others)[0].indicators == (
        Indicator("email", "jane@acme-talent.example"),
    )
    # A bare domain finds the company's site and everyone writing from it.
    assert find("acme-talent.example", others)[0].indicators == (
        Indicator("website", "acme-talent.example"),
        Indicator("email domain", "acme-talent.example"),
    )


def test_find_part_of_an_organisation_or_name_ignoring_case():
    report = about(organisation="Northbridge  Strategic Advisory", name_used="Jane Smith")
    [found] = find("northbridge strategic", [report, about(organisation="Acme")])
    assert found.indicators == (Indicator("organisation", "Northbridge Strategic Advisory"),)
    assert find("jane smi", [report])[0].indicators == (Indicator("name", "Jane Smith"),)


def test_find_newest_first_and_nothing_for_nothing():
    older, newer = about(0, organisation="Acme Talent"), about(2, organisation="Acme Talent")
    assert [m.reference for m in find("acme", [older, newer])] == [newer.reference, older.reference]
    assert find("   ", [older]) == []
    assert find("nobody@nowhere.example", [older, newer]) == []
