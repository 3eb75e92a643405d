"""The matching rule on its own: strong indicators and name + organisation match; a name or an
organisation alone is only possible; a look-alike who is someone else matches nothing."""

from __future__ import annotations

import pytest

from bot.watchlist.findings import IndicatorKind, Strength
from bot.watchlist.matching import WatchlistIndex
from tests.watchlist.support import QIU, SHEN, contact, entry

INDEX = WatchlistIndex(
    [
        entry(1, **QIU),
        entry(2, **SHEN),
        entry(3, emails=["recruit@br-yr.example"], phones=["+86 10 5555 0100"]),
        entry(4, email_domains=["insight-partners.example"], websites=["https://gip-insight.example/about"]),
    ]
)


def only(found):
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://uk.linkedin.com/in/Amanda-Qiu-BR-YR/?trk=public_profile",
        "linkedin.com/in/amanda-qiu-br-yr/details/experience/",
        "HTTP://CN.LINKEDIN.COM/IN/AMANDA-QIU-BR-YR",
    ],
)
def test_the_profile_alone_is_a_match(url):
    found = only(INDEX.match(contact(profile_urls=[url])))
    assert (found.entry_id, found.strength) == (1, Strength.MATCH)
    assert [(i.kind, i.score) for i in found.indicators] == [(IndicatorKind.PROFILE, 100)]


@pytest.mark.parametrize(
    ("name", "organisation"),
    [
        ("Amanda Qiu", "BR-YR Executive Search"),
        ("QIU Amanda", "BR YR Exec Search"),
        ("Qiu, Amanda", "BRYR Executive Search Ltd"),
        ("A. Qiu", "br-yr executive search (Beijing)"),
        ("Amánda Qiu", "BR-YR Executive Search Co., Ltd."),
    ],
)
def test_a_name_with_its_organisation_is_a_match(name, organisation):
    found = only(INDEX.match(contact(name_used=name, organisation=organisation)))
    assert (found.entry_id, found.strength) == (1, Strength.MATCH)
    assert {i.kind for i in found.indicators} == {IndicatorKind.NAME, IndicatorKind.ORGANISATION}


def test_a_name_alone_is_only_possible():
    found = only(INDEX.match(contact(name_used="Amanda Qiu")))
    assert found.strength is Strength.POSSIBLE


def test_an_organisation_alone_is_only_possible():
    found = only(INDEX.match(contact(organisation="InternshipUnion")))
    assert (found.entry_id, found.strength) == (2, Strength.POSSIBLE)


def test_a_look_alike_with_the_same_first_name_at_another_firm_matches_nothing():
    assert INDEX.match(contact(name_used="Amanda Chen", organisation="Northbridge Talent Partners")) == []
    assert INDEX.match(contact(name_used="Shirly Smith", organisation="Acme Recruitment Ltd")) == []


def test_the_same_name_at_another_firm_is_possible_never_a_match():
    found = only(INDEX.match(contact(name_used="Amanda Qiu", organisation="Northbridge Talent Partners")))
    assert found.strength is Strength.POSSIBLE


def test_email_phone_domain_and_website_are_strong():
    by_email = only(INDEX.match(contact(emails=["Recruit@BR-YR.example"])))
    by_phone = only(INDEX.match(contact(phones=["+86 (10) 5555-0100"])))
    by_domain = only(INDEX.match(contact(emails=["someone.else@insight-partners.example"])))
    by_site = only(INDEX.match(contact(websites=["www.gip-insight.example"])))
    assert [(f.entry_id, f.strength) for f in (by_email, by_phone, by_domain, by_site)] == [
        (3, Strength.MATCH),
        (3, Strength.MATCH),
        (4, Strength.MATCH),
        (4, Strength.MATCH),
    ]


def test_a_free_mail_address_at_the_same_provider_says_nothing():
    index = WatchlistIndex([entry(9, emails=["amanda.qiu.hr@gmail.com"])])
    assert index.match(contact(emails=["someone@gmail.com"])) == []
    assert only(index.match(contact(emails=["amanda.qiu.hr@gmail.com"]))).strength is Strength.MATCH


def test_names_and_firms_in_the_reporters_own_words_are_found():
    text = "A headhunter called Amanda Qiu from BR-YR Executive Search messaged me about a role."
    found = only(INDEX.match(contact(), [text]))
    assert (found.entry_id, found.strength) == (1, Strength.MATCH)


def test_retired_entries_are_not_matched():
    retired = entry(1, **QIU).retired("cli:alice", entry(1, **QIU).added_at)
    assert WatchlistIndex([retired]).match(contact(profile_urls=[QIU["profile_urls"][0]])) == []
