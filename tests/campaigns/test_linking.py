"""Reports about one persona form a campaign as they arrive, however each was typed; reports
about different people never do, on a real database, read back through `campaigns list`."""

from __future__ import annotations

from bot.campaigns.model import CampaignStatus
from tests.campaigns.support import arrives, arrives_linked, campaigns_json, groups

AMANDA = "https://www.linkedin.com/in/amanda-qiu-4b1a"


async def test_the_same_profile_typed_three_ways_forms_one_campaign(uow_factory, run):
    first = await arrives(uow_factory, 0, name_used="Amanda Qiu", profile_urls=[AMANDA])
    second = await arrives(
        uow_factory, 1, profile_urls=["uk.linkedin.com/in/Amanda-Qiu-4B1A/details/experience/"]
    )
    third = await arrives(
        uow_factory, 2, profile_urls=["https://m.linkedin.com/in/amanda-qiu-4b1a?originalSubdomain=cn"]
    )

    [campaign] = await campaigns_json(run)

    assert set(campaign) == {"id", "title", "status", "references", "indicators", "first_seen", "last_seen"}
    assert campaign["references"] == [first.reference, second.reference, third.reference]
    assert campaign["status"] == "open"
    assert campaign["title"] == "Amanda Qiu"
    assert {"kind": "profile", "value": AMANDA} in campaign["indicators"]
    assert campaign["first_seen"] == first.created_at.isoformat()
    assert campaign["last_seen"] == third.created_at.isoformat()


async def test_a_name_spelled_and_ordered_differently_with_its_firm_links(uow_factory, run):
    a = await arrives(uow_factory, 0, name_used="Amanda Qiu", organisation="BR-YR Executive Search")
    b = await arrives(uow_factory, 1, name_used="QIU, Amanda", organisation="BRYR Exec Search Ltd")
    c = await arrives(uow_factory, 2, name_used="Amanda Qui", organisation="BR YR Executive Search")
    d = await arrives(uow_factory, 3, name_used="邱曼达", organisation="BR-YR Executive Search (Beijing)")
    e = await arrives(uow_factory, 4, name_used="Manda Qiu", organisation="BRYR Executive Search")

    [campaign] = await campaigns_json(run)

    assert set(campaign["references"]) == {a.reference, b.reference, c.reference, d.reference, e.reference}
    assert campaign["title"] == "Amanda Qiu / BR-YR Executive Search"


async def test_links_are_transitive_and_each_report_is_in_one_campaign(uow_factory, run):
    a = await arrives(uow_factory, 0, profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA], phones=["+86 138 0013 8000"])
    c = await arrives(uow_factory, 2, phones=["0086 138-0013-8000"], emails=["hr@bryr-search.example"])
    d = await arrives(uow_factory, 3, emails=["HR@bryr-search.example"])

    listed = await campaigns_json(run)

    assert groups(listed) == {frozenset({a.reference, b.reference, c.reference, d.reference})}


async def test_a_new_report_bridging_two_campaigns_joins_them_into_one(uow_factory, run):
    a = await arrives(uow_factory, 0, profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA])
    c = await arrives(uow_factory, 2, emails=["amanda@bryr-search.example"])
    d = await arrives(uow_factory, 3, emails=["amanda@bryr-search.example"])
    assert len(await campaigns_json(run)) == 2

    e = await arrives(uow_factory, 4, profile_urls=[AMANDA], emails=["amanda@bryr-search.example"])

    everyone = {a.reference, b.reference, c.reference, d.reference, e.reference}
    assert groups(await campaigns_json(run)) == {frozenset(everyone)}


async def test_two_recruiters_of_one_large_firm_are_not_one_campaign(uow_factory, run):
    firm = {"organisation": "Hays Recruitment plc", "websites": ["https://www.hays.co.uk/jobs"]}
    await arrives(uow_factory, 0, name_used="Sarah Jones", emails=["sarah.jones@hays.co.uk"], **firm)
    await arrives(uow_factory, 1, name_used="Tom Baker", emails=["tom.baker@hays.co.uk"], **firm)
    await arrives(uow_factory, 2, name_used="Priya Patel", emails=["p.patel@hays.co.uk"], **firm)

    assert await campaigns_json(run) == []


async def test_the_same_person_at_a_large_firm_still_links(uow_factory, run):
    a = await arrives(uow_factory, 0, name_used="Sarah Jones", emails=["sarah.jones@hays.co.uk"])
    b = await arrives(
        uow_factory, 1, name_used="Sarah Jones", organisation="Hays", emails=["sjones@hays.co.uk"]
    )
    await arrives(uow_factory, 2, name_used="Tom Baker", emails=["tom.baker@hays.co.uk"])

    assert groups(await campaigns_json(run)) == {frozenset({a.reference, b.reference})}


async def test_a_first_name_free_mail_or_a_generic_organisation_never_links(uow_factory, run):
    await arrives(uow_factory, 0, name_used="Amanda", organisation="BR-YR Executive Search")
    await arrives(uow_factory, 1, name_used="Amanda", organisation="Northbridge Advisory")
    await arrives(uow_factory, 2, name_used="Amanda")
    await arrives(uow_factory, 3, name_used="David Chen", emails=["david.chen@gmail.com"])
    await arrives(uow_factory, 4, name_used="Li Wei", emails=["liwei88@gmail.com"])
    await arrives(uow_factory, 5, name_used="Amanda Chen", organisation="Recruitment agency")
    await arrives(uow_factory, 6, name_used="Amanda Chen", organisation="recruitment agency")
    await arrives(uow_factory, 7, name_used="Amanda Chen", organisation="LinkedIn")

    assert await campaigns_json(run) == []


async def test_a_report_naming_only_the_cover_company_joins_its_campaign(uow_factory, run):
    a = await arrives(uow_factory, 0, name_used="Amanda Qiu", organisation="BR-YR Executive Search")
    b = await arrives(uow_factory, 1, organisation="BRYR Executive Search Co., Ltd.")
    c = await arrives(uow_factory, 2, name_used="Amanda", organisation="BR YR EXECUTIVE SEARCH")

    assert groups(await campaigns_json(run)) == {frozenset({a.reference, b.reference, c.reference})}


async def test_a_firm_seen_with_two_peoples_names_links_no_one_by_itself(uow_factory, run):
    await arrives(uow_factory, 0, name_used="Sarah Jones", organisation="Hays", emails=["s.jones@hays.co.uk"])
    await arrives(uow_factory, 1, name_used="Tom Baker", organisation="Hays", emails=["t.baker@hays.co.uk"])
    await arrives(uow_factory, 2, organisation="Hays", websites=["hays.co.uk"])
    await arrives(uow_factory, 3, name_used="Sarah", organisation="HAYS", emails=["recruit@hays.co.uk"])

    assert await campaigns_json(run) == []


async def test_linking_says_what_it_did(uow_factory):
    _, alone = await arrives_linked(uow_factory, 0, profile_urls=[AMANDA])
    _, formed = await arrives_linked(uow_factory, 1, profile_urls=[AMANDA])
    _, grown = await arrives_linked(uow_factory, 2, profile_urls=[AMANDA + "/"])

    assert (alone.campaign_id, alone.joined) == (None, False)
    assert (formed.formed, formed.joined, formed.size) == (True, True, 2)
    assert (grown.campaign_id, grown.formed, grown.size) == (formed.campaign_id, False, 3)
    assert [e.kind for e in grown.links[0].evidence] == ["profile"]
    async with uow_factory() as uow:
        campaign = await uow.campaigns.get(formed.campaign_id)
    assert campaign is not None and campaign.status is CampaignStatus.OPEN and not campaign.decided


async def test_reports_show_names_the_campaign_a_report_is_in(uow_factory, run):
    a = await arrives(uow_factory, 0, profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA])
    alone = await arrives(uow_factory, 2, phones=["+44 20 7946 0000"])
    [campaign] = await campaigns_json(run)

    _, shown, _ = await run("reports", "show", b.reference)
    _, unlinked, _ = await run("reports", "show", alone.reference)

    cid = campaign["id"]
    assert shown.splitlines()[-2:] == [
        "Campaign",
        f"  Campaign {cid} (open, 2 reports): see `campaigns show {cid}`",
    ]
    assert f"  {a.reference}  (received" in shown
    assert unlinked.splitlines()[-2:] == ["Campaign", "  In none yet."]
