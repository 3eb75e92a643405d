"""Campaigns the golden files are drawn from: the issue's own example, a campaign of hostile
text in every field a reporter fills (the persona's name, organisation, profiles, addresses),
one with more reports than a card lists, a dismissed one, and one merged away."""

from __future__ import annotations

from datetime import timedelta

from bot.campaigns.card import CampaignCard, GoneCard, campaign_card
from bot.campaigns.model import Campaign, CampaignStatus
from bot.campaigns.views import view
from bot.report import ApproachKind, Channel, Contact, Offered, Report, Reporter
from tests.factories import CREATED_AT, make_report
from tests.inbox_card.cases import HOSTILE

AMANDA = Contact(
    name_used="Amanda Qiu",
    organisation="BR-YR Executive Search",
    profile_urls=["https://uk.linkedin.com/in/amanda-qiu-3b/?trk=x"],
)


_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference(n: int) -> str:
    """TIP-22ABCD, TIP-23ABCD, ...: the n-th report of a case."""
    return f"TIP-{_ALPHABET[n // len(_ALPHABET)]}{_ALPHABET[n % len(_ALPHABET)]}ABCD"


def _staff(n: int) -> Reporter:
    return Reporter(platform="slack", user_id=f"U0STAFF{n:03d}", display_name=f"Staff Member {n}")


def _members(count: int, contact: Contact, **overrides: object) -> list[Report]:
    days = overrides.pop("days", 12)
    assert isinstance(days, int)
    step = timedelta(days=days) / max(1, count - 1)
    return [
        make_report(
            reference=reference(n),
            reporter=_staff(n),
            created_at=CREATED_AT + step * n,
            updated_at=CREATED_AT + step * n,
            contact=contact,
            **overrides,
        )
        for n in range(count)
    ]


def _card(
    campaign_id: int, status: CampaignStatus, reports: list[Report], title: str | None = None
) -> CampaignCard:
    campaign = Campaign(
        id=campaign_id,
        status=status,
        title=title,
        decided=status is not CampaignStatus.OPEN,
        created_at=CREATED_AT,
        updated_at=CREATED_AT,
        references=tuple(r.reference for r in reports),
    )
    return campaign_card(view(campaign, reports), reports)


def amanda() -> CampaignCard:
    reports = _members(
        7,
        AMANDA,
        channel=Channel.LINKEDIN,
        approach_kinds=[ApproachKind.RECRUITER, ApproachKind.CONSULTANCY],
        offered=[Offered.TRAVEL],
    )
    return _card(12, CampaignStatus.OPEN, reports)


def hostile() -> CampaignCard:
    contact = Contact(
        name_used=HOSTILE.replace("\n", " ")[:120],
        organisation="<!here> & *Bold* Ltd [x](https://evil.example)",
        profile_urls=["https://www.linkedin.com/in/<@U999>"],
        emails=["boss@corp.example"],
    )
    return _card(13, CampaignStatus.CONFIRMED, _members(2, contact, days=0))


def crowded() -> CampaignCard:
    return _card(14, CampaignStatus.OPEN, _members(40, AMANDA, days=30), title="Renamed: the BR-YR network")


def dismissed() -> CampaignCard:
    return _card(
        15, CampaignStatus.DISMISSED, _members(2, AMANDA, channel=None, approach_kinds=[], offered=[])
    )


def cards() -> dict[str, CampaignCard | GoneCard]:
    return {
        "amanda": amanda(),
        "hostile": hostile(),
        "crowded": crowded(),
        "dismissed": dismissed(),
        "gone": GoneCard(16),
    }
