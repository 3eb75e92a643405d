"""When a name says "the same persona" without an account to go by: a distinctive full name, a
full name at the firm's own domain however many people the firm has, a name with two letters
swapped; and when it does not (a name two people with different firms go by)."""

from __future__ import annotations

from bot.campaigns.resolution import names_differ, persona
from bot.report import Contact
from tests.campaigns.support import arrives, campaigns_json, groups
from tests.factories import make_report

OLGA = "https://www.linkedin.com/in/olga-hanaka-c230"


def p(**contact):
    return persona(make_report(contact=Contact(**contact)))


async def test_a_bare_distinctive_full_name_joins_the_persona_known_by_it(uow_factory, run):
    a = await arrives(
        uow_factory, 0, name_used="Olga Hanaka", organisation="Global-Strategic Summit", profile_urls=[OLGA]
    )
    b = await arrives(uow_factory, 1, name_used="HANAKA, Olga", phones=["+86 10 1552 1429"])
    await arrives(uow_factory, 2, name_used="Olga Petrova", organisation="Northbridge Advisory")

    listed = await campaigns_json(run)

    assert groups(listed) == {frozenset({a.reference, b.reference})}
    [campaign] = listed
    assert campaign["title"].startswith("Olga Hanaka")


async def test_a_bare_name_two_people_with_different_firms_go_by_links_no_one(uow_factory, run):
    await arrives(uow_factory, 0, name_used="Olga Hanaka", organisation="Global-Strategic Summit")
    await arrives(uow_factory, 1, name_used="Olga Hanaka", organisation="Vector Crest Partners")
    await arrives(uow_factory, 2, name_used="Hanaka Olga")

    assert await campaigns_json(run) == []


async def test_a_full_name_at_a_large_firms_domain_links_typed_as_website_or_email(uow_factory, run):
    # Several people at one firm: its domain alone says nothing about which of them it was.
    await arrives(uow_factory, 0, name_used="James Wang", emails=["james.wang@deloitte.example"])
    await arrives(uow_factory, 1, name_used="Nina Petrova", websites=["https://www.deloitte.example/careers"])
    a = await arrives(uow_factory, 2, name_used="D. Zhang", websites=["https://www.deloitte.example/careers"])
    b = await arrives(uow_factory, 3, name_used="ZHANG, David", emails=["david.zhang@deloitte.example"])

    assert groups(await campaigns_json(run)) == {frozenset({a.reference, b.reference})}


def test_two_letters_swapped_in_a_name_are_a_slip_but_a_short_different_name_is_not():
    assert not names_differ(p(name_used="Sofia Rigudro"), p(name_used="S. Rigudor"))
    assert names_differ(p(name_used="Anna Lee"), p(name_used="Anna Lei"))
    assert names_differ(p(name_used="Sofia Rigudor"), p(name_used="Sofia Ridugor"))  # not neighbours
