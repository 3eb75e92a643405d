"""A campaign's title is what its first reports called the persona: it does not change as later
reports spell the firm another way, and a report's card names the campaign by the same title."""

from __future__ import annotations

from bot.campaigns.membership import campaign_of
from bot.campaigns.views import TITLE_FROM
from tests.campaigns.support import arrives, campaigns_json

AMANDA = "https://www.linkedin.com/in/amanda-qiu-4b1a"
FIRST, LATER = "BR-YR Executive Search", "BRYR Executive Search"


async def test_later_reports_spelling_the_firm_otherwise_leave_the_title_as_first_seen(uow_factory, run):
    early = TITLE_FROM * 3 // 5  # the first spelling is most of the oldest reports only
    for n in range(TITLE_FROM + early):
        await arrives(
            uow_factory,
            n,
            name_used="Amanda Qiu",
            organisation=FIRST if n < early else LATER,
            profile_urls=[AMANDA],
        )

    [campaign] = await campaigns_json(run)
    async with uow_factory() as uow:
        on_a_card = await campaign_of(uow, campaign["references"][-1])

    assert len(campaign["references"]) == TITLE_FROM + early  # all of them, one campaign
    assert {"kind": "organisation", "value": LATER} in campaign["indicators"]  # the commoner spelling overall
    assert campaign["title"] == f"Amanda Qiu / {FIRST}"
    assert on_a_card is not None and on_a_card.title == campaign["title"]
