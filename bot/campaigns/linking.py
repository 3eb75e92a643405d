"""Linking a report as it is saved (submitted, updated or imported): in the caller's transaction.

Candidates come from the report index only (reports sharing an exact indicator, a full name,
or a name word with the organisation), never from a scan; each is compared on its document
(bot.campaigns.resolution). The report then joins the campaign of what it links to, forming
one when there is none, and bridges campaigns no one has decided about into one.

What the security team decided stands: a campaign someone confirmed, renamed, split or merged
may grow, but is never merged into another automatically, and none of its reports is moved
out; a dismissed campaign takes no one in, and what links only to it forms nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.campaigns.model import STRENGTH, STRONG, CampaignStatus, Evidence, Link, Membership
from bot.campaigns.resolution import links, name_links, persona
from bot.normalise import DEFAULT_PHONE_REGION, IndexKind, Normalised, contact_indicators
from bot.ports import AuditEvent, UnitOfWork
from bot.report import Report

log = logging.getLogger(__name__)

SYSTEM = "system"
# Kinds looked up to find candidates: the exact ones, and the blocks for name + organisation.
_LOOKED_UP: frozenset[IndexKind] = frozenset(
    {"profile", "email", "phone", "website", "domain", "organisation", "name", "name+organisation"}
)
_EVIDENCE_OF_KIND = {"profile": "profile", "email": "email", "phone": "phone"}
# At most this many candidates are read and compared, those sharing the most kinds first; past
# it (a firm's name shared by thousands), only what shares an account (profile, email, phone)
# links, read from the index.
CANDIDATES_READ = 60
# A word of a name held by more reports than this is a common one (a first name, a common
# surname): a full name links by itself only through a rarer word (bot.campaigns.resolution).
RARE_NAME_WORD = 6
_MIN_NAME_WORD = 3  # "Li" and initials say too little to find anyone by


@dataclass(frozen=True)
class Linked:
    """What linking one report did."""

    campaign_id: int | None
    formed: bool  # a new campaign was formed
    joined: bool  # the report went into a campaign (new or existing)
    size: int  # reports in its campaign now
    links: tuple[Link, ...]
    # The reports whose campaign changed (joined it, or came with a campaign merged into it), and
    # the campaigns merged away: their cards in the chat channels follow (bot.campaigns.news).
    moved: tuple[str, ...] = ()
    merged: tuple[int, ...] = ()


def linking_probes(report: Report, region: str) -> list[Normalised]:
    probes = [n for n in contact_indicators(report.contact, region) if n.kind in _LOOKED_UP]
    # A firm's own domain is one firm whether it was typed as a website or in an email address.
    crossed: dict[str, IndexKind] = {"website": "domain", "domain": "website"}
    probes += [Normalised(crossed[n.kind], n.value) for n in probes if n.kind in crossed]
    return list(dict.fromkeys(probes))


async def find_links(uow: UnitOfWork, report: Report, region: str = DEFAULT_PHONE_REGION) -> list[Link]:
    """Every other report linked to this one, strongest first, from the index."""
    probes = linking_probes(report, region)
    me = persona(report, region)
    words = [Normalised("word", w) for w in dict.fromkeys(me.name) if len(w) >= _MIN_NAME_WORD]
    hits = await uow.reports.indexed(probes, exclude=report.reference) if probes else {}
    holding = await uow.reports.holding_each(words, RARE_NAME_WORD, report.reference) if words else {}
    rare = {probe.value: refs for probe, refs in holding.items() if len(refs) <= RARE_NAME_WORD}
    if not hits and not any(rare.values()):
        return []
    # Most kinds shared first; references are random, so ties make a fair, stable pick.
    ordered = sorted(hits, key=lambda ref: (-len(hits[ref]), ref))
    wanted = list(
        dict.fromkeys([*ordered[:CANDIDATES_READ], *(ref for refs in rare.values() for ref in refs)])
    )
    read = {r.reference: persona(r, region) for r in await uow.reports.get_many(wanted)}
    found = links(me, (read[ref] for ref in ordered[:CANDIDATES_READ] if ref in read))
    for reference in ordered[CANDIDATES_READ:]:
        strong = sorted(k for k in hits[reference] if k in STRONG)
        if strong:
            found.append(Link(reference, tuple(Evidence(_EVIDENCE_OF_KIND[k], STRENGTH[k]) for k in strong)))
    linked = {link.reference for link in found}
    by_word = {word: [read[ref] for ref in refs if ref in read] for word, refs in rare.items()}
    found += [link for link in name_links(me, by_word) if link.reference not in linked]
    return found


async def link_report(
    uow: UnitOfWork, report: Report, now: datetime, region: str = DEFAULT_PHONE_REGION
) -> Linked:
    # Before anything is read: a report saved meanwhile in another transaction is then either
    # committed (and found here) or still waiting to find this one.
    await uow.campaigns.lock_linking()
    found = await find_links(uow, report, region)
    if not found:
        own = (await uow.campaigns.memberships([report.reference])).get(report.reference)
        return Linked(own.campaign_id if own else None, False, False, 0, ())
    await uow.campaigns.record_links(report.reference, found, now)
    refs = [link.reference for link in found]
    members = await uow.campaigns.memberships([report.reference, *refs])
    own = members.get(report.reference)
    if own is not None and own.status is CampaignStatus.DISMISSED:
        return Linked(own.campaign_id, False, False, 0, tuple(found))
    live = [(link, members.get(link.reference)) for link in found]
    live = [(link, m) for link, m in live if m is None or m.status is not CampaignStatus.DISMISSED]
    if not live:
        return Linked(None, False, False, 0, tuple(found))
    target, formed = await _target(uow, own, live, now)
    joining = [link.reference for link, m in live if m is None]
    if own is None:
        joining.insert(0, report.reference)
    merged: list[int] = []
    moved = list(joining)
    for m in [own, *(m for _, m in live)]:
        if m is not None and not m.decided and m.campaign_id != target and m.campaign_id not in merged:
            # Merges are rare: reading the campaign absorbed is what tells its cards to change.
            away = await uow.campaigns.get(m.campaign_id)
            moved += [ref for ref in (away.references if away else ()) if ref not in moved]
            merged.append(m.campaign_id)
    size = await uow.campaigns.absorb(target, merged, joining, SYSTEM, now)
    await _audit(uow, report, now, target, formed, joining, merged)
    changed = own is None or own.campaign_id != target
    return Linked(target, formed, changed, size, tuple(found), tuple(moved), tuple(merged))


async def _target(
    uow: UnitOfWork, own: Membership | None, live: Sequence[tuple[Link, Membership | None]], now: datetime
) -> tuple[int, bool]:
    """The campaign the report and what it links to end up in, and whether it is new: a decided
    one (its own first, else the one it links to most strongly), else an open one (likewise)."""
    campaigns = [m for m in [own, *(m for _, m in live)] if m is not None]
    for m in [*(m for m in campaigns if m.decided), *campaigns]:
        return m.campaign_id, False
    return await uow.campaigns.create(now), True


async def _audit(
    uow: UnitOfWork,
    report: Report,
    now: datetime,
    campaign_id: int,
    formed: bool,
    joining: Sequence[str],
    merged: Sequence[int],
) -> None:
    if not (formed or joining or merged):
        return
    action = "campaign.formed" if formed else "campaign.grown"
    await uow.audit.add(
        AuditEvent(
            at=now,
            actor=SYSTEM,
            platform=SYSTEM,
            action=action,
            report_reference=report.reference,
            detail={"campaign": campaign_id, "joined": list(joining), "merged": list(merged)},
        )
    )
    log.info("campaign %d: %s (%d joined, %d merged in)", campaign_id, action, len(joining), len(merged))
