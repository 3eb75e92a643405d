"""A campaign as the security team reads it: a title and its indicators, read from its reports.

Nothing here is stored: the title (unless the team gave one) and the indicators come from the
reports each time, so they follow every update of a report and the campaign tables hold none
of what reporters told us.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.campaigns.model import Campaign, CampaignStatus, Evidence
from bot.campaigns.resolution import Persona, compare, persona
from bot.normalise import DEFAULT_PHONE_REGION, clean_text, name_key
from bot.report import Report

# The title is read from the oldest reports only: what the campaign was first seen as, not
# whatever its latest reports say (the title stays put as the campaign grows), and naming a
# campaign on a report's card costs the same at 30 members as at 3,000.
TITLE_FROM = 25

# The order indicators are listed in: what identifies an account first.
KIND_ORDER = ("name", "organisation", "profile", "email", "phone", "website", "email domain")
_ONE_FORM = frozenset({"profile", "phone"})


@dataclass(frozen=True)
class Shown:
    kind: str
    value: str
    reports: int  # how many of the campaign's reports have it


@dataclass(frozen=True)
class ShownLink:
    reference_a: str
    reference_b: str
    strength: float
    evidence: tuple[Evidence, ...]  # with values, as the first report spells them


@dataclass(frozen=True)
class CampaignView:
    id: int
    title: str
    status: CampaignStatus
    decided: bool
    references: tuple[str, ...]
    indicators: tuple[Shown, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    links: tuple[ShownLink, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "references": list(self.references),
            "indicators": [{"kind": i.kind, "value": i.value} for i in self.indicators],
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


def view(
    campaign: Campaign,
    reports: Sequence[Report],
    linked_pairs: Sequence[tuple[str, str]] = (),
    region: str = DEFAULT_PHONE_REGION,
) -> CampaignView:
    """`reports`: the campaign's; `linked_pairs`: the links to show with their evidence."""
    by_reference = {r.reference: r for r in reports}
    # Oldest first, so that between equally common spellings the first report's is shown,
    # whatever order the campaign's members were stored in.
    members = sorted(
        (by_reference[ref] for ref in campaign.references if ref in by_reference),
        key=lambda r: (r.created_at, r.reference),
    )
    indicators = indicators_of(members, region)
    created = [r.created_at for r in members]
    personas = {r.reference: persona(r, region) for r in members}
    return CampaignView(
        id=campaign.id,
        title=campaign.title
        or title_of(_title_indicators(campaign, by_reference, indicators, region), campaign.id),
        status=campaign.status,
        decided=campaign.decided,
        references=tuple(r.reference for r in members),
        indicators=tuple(indicators),
        first_seen=min(created) if created else None,
        last_seen=max(created) if created else None,
        links=tuple(_shown_links(linked_pairs, personas)),
    )


def title_members(campaign: Campaign) -> tuple[str, ...]:
    """The reports a campaign's title is read from (its references are oldest first)."""
    return campaign.references[:TITLE_FROM]


def _title_indicators(
    campaign: Campaign, by_reference: dict[str, Report], indicators: list[Shown], region: str
) -> list[Shown]:
    if len(campaign.references) <= TITLE_FROM:
        return indicators  # read from every report already
    oldest = [by_reference[ref] for ref in title_members(campaign) if ref in by_reference]
    return indicators_of(oldest, region)


def title_of(indicators: Sequence[Shown], campaign_id: int) -> str:
    """ "Amanda Qiu / BR-YR Executive Search": the name and organisation most reports give."""
    first = {kind: next((i.value for i in indicators if i.kind == kind), None) for kind in KIND_ORDER}
    parts = [p for p in (first["name"], first["organisation"]) if p]
    if parts:
        return " / ".join(parts)
    for kind in ("profile", "email", "phone", "website", "email domain"):
        if first[kind]:
            return str(first[kind])
    return f"Campaign {campaign_id}"


def indicators_of(reports: Sequence[Report], region: str = DEFAULT_PHONE_REGION) -> list[Shown]:
    """Each indicator once (by its normal form), shown as most reports spell it (the earliest
    report's spelling between equals); the kinds in
    KIND_ORDER, the commonest first within each."""
    spellings: dict[tuple[str, str], Counter[str]] = {}
    reports_with: Counter[tuple[str, str]] = Counter()
    for report in reports:
        for key, spelling in _of(persona(report, region)):
            spellings.setdefault(key, Counter())[spelling] += 1
            reports_with[key] += 1
    found = [
        Shown(kind, spellings[(kind, k)].most_common(1)[0][0], reports_with[(kind, k)])
        for kind, k in spellings
    ]
    return sorted(found, key=lambda s: (KIND_ORDER.index(s.kind), -s.reports, s.value))


def _of(p: Persona) -> set[tuple[tuple[str, str], str]]:
    found: set[tuple[tuple[str, str], str]] = set()
    if p.name:
        found.add((("name", name_key(" ".join(p.name))), p.name_shown))
    if p.organisation:
        found.add((("organisation", p.organisation), p.organisation_shown))
    for kind, values in (
        ("profile", p.profiles),
        ("email", p.emails),
        ("phone", p.phones),
        ("website", p.hosts),
        ("email domain", p.domains),
    ):
        found |= {((kind, key), _clean(key if kind in _ONE_FORM else shown)) for key, shown in values.items()}
    return found


def _shown_links(pairs: Sequence[tuple[str, str]], personas: dict[str, Persona]) -> list[ShownLink]:
    """Each pair the older report first (personas are oldest first), in that order."""
    order = {reference: at for at, reference in enumerate(personas)}
    known = [sorted(p, key=order.__getitem__) for p in pairs if p[0] in order and p[1] in order]
    shown: list[ShownLink] = []
    for a, b in sorted(known, key=lambda p: (order[p[0]], order[p[1]])):
        link = compare(personas[a], personas[b])
        if link is not None:
            shown.append(ShownLink(a, b, link.strength, link.evidence))
    return shown


def _clean(text: str) -> str:
    return " ".join(clean_text(text, keep_newlines=False).split())
