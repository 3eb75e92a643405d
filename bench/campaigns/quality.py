"""Pairwise precision and recall of campaign linking on a labelled set (bench.campaigns.generator).

Every report goes through what a submitted report goes through (stored, so indexed, then
linked into its campaign, one transaction each) on a fresh SQLite database; the campaigns that
result are compared with the labels pair by pair: a pair of reports in one campaign is right
when both are about one persona. Side by side: the exact pairwise matching Tipline had before
(two reports are related when they share a normalised profile, email, phone, website, company
email domain or organisation), on the same reports.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

from bench.campaigns.generator import Labelled, make_personas, make_reports
from bench.keys import BENCH_SEALER
from bot.campaigns.linking import link_report
from bot.campaigns.resolution import names_differ, persona
from bot.normalise import (
    company_hosts,
    email_domain,
    is_free_mail,
    normalise_email,
    organisation_key,
    phone_key,
)
from bot.report import Contact, Report, Reporter, new_reference
from storage.db import create_engine, unit_of_work_factory, upgrade_database

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    true_pairs: int
    found_pairs: int


def report_of(item: Labelled, at: datetime) -> Report:
    reporter = Reporter(platform="slack", user_id=f"U{random.getrandbits(32):08X}")
    return Report(
        reference=new_reference(),
        created_at=at,
        updated_at=at,
        reporter=reporter,
        what_happened="A recruiter got in touch.",
        contact=Contact.model_validate(item.contact),
        routed_to=["file"],
    )


async def linked_groups(reports: list[Report]) -> dict[str, int]:
    """Each report's campaign (reports in none are left out), as Tipline forms them."""
    with tempfile.TemporaryDirectory() as workdir:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(workdir) / 'quality.db'}")
        try:
            await upgrade_database(engine)
            uow_factory = unit_of_work_factory(engine, BENCH_SEALER)
            for report in reports:
                async with uow_factory() as uow:
                    await uow.reports.add(report)
                    await link_report(uow, report, report.created_at)
                    await uow.commit()
            async with uow_factory() as uow:
                members = await uow.campaigns.memberships([r.reference for r in reports])
            return {ref: m.campaign_id for ref, m in members.items()}
        finally:
            await engine.dispose()


def pairs_in(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def score(truth: set[tuple[int, int]], found: set[tuple[int, int]]) -> Scores:
    right = len(truth & found)
    precision = right / len(found) if found else 1.0
    recall = right / len(truth) if truth else 1.0
    return Scores(precision, recall, len(truth), len(found))


def exact_keys(contact: Contact) -> set[tuple[str, str]]:
    """The indicators the old pairwise matching compared, in its normal forms."""
    keys = {("profile", u) for u in contact.profile_urls}
    keys |= {("email", normalise_email(e)) for e in contact.emails}
    keys |= {("phone", phone_key(p)) for p in contact.phones}
    keys |= {("website", h) for h in company_hosts(contact.websites)}
    keys |= {("domain", d) for d in (email_domain(e) for e in contact.emails) if not is_free_mail(d)}
    organisation = organisation_key(contact.organisation)
    if organisation:
        keys.add(("organisation", organisation))
    return keys


def exact_pairwise(reports: list[Report]) -> set[tuple[int, int]]:
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, report in enumerate(reports):
        for key in exact_keys(report.contact):
            by_key[key].append(i)
    return pairs_in(by_key.values())


def connected_pairs(reports: list[Report], truth_groups: Iterable[list[int]]) -> set[tuple[int, int]]:
    """The true pairs the reports themselves connect: through the persona's own reports, each
    step two reports sharing a profile, email, phone, firm domain or organisation (the old exact
    keys) or giving the same full name. Not the aim (which counts every true pair): what is left
    out is a pair no reader could join from what staff wrote (a report giving only a first name,
    or nothing, or an account no other report of the persona gives)."""
    keys = [exact_keys(r.contact) for r in reports]
    people = [persona(r) for r in reports]

    def joined(a: int, b: int) -> bool:
        if keys[a] & keys[b]:
            return True
        full = len(people[a].name) >= 2 and len(people[b].name) >= 2
        return full and not names_differ(people[a], people[b])

    connected: set[tuple[int, int]] = set()
    for group in truth_groups:
        parts: list[set[int]] = []
        for i in group:
            touching = [part for part in parts if any(joined(i, j) for j in part)]
            merged = {i}.union(*touching)
            parts = [part for part in parts if part not in touching] + [merged]
        connected |= pairs_in(parts)
    return connected


async def measure(seed: int, personas: int) -> tuple[Scores, Scores, int]:
    """(Tipline, the old exact pairwise matching, how many reports)."""
    mine, old, count, _ = await measure_all(seed, personas)
    return mine, old, count


async def measure_all(seed: int, personas: int) -> tuple[Scores, Scores, int, Scores]:
    """(Tipline, the old exact pairwise matching, how many reports, Tipline scored on the true
    pairs the reports connect: `connected_pairs`)."""
    rng = random.Random(seed)
    labelled = make_reports(make_personas(personas, rng), rng)
    reports = [report_of(item, START + timedelta(minutes=7 * i)) for i, item in enumerate(labelled)]
    truth_groups: dict[int, list[int]] = defaultdict(list)
    for i, item in enumerate(labelled):
        truth_groups[item.persona].append(i)
    truth = pairs_in(truth_groups.values())
    campaign_of = await linked_groups(reports)
    found_groups: dict[int, list[int]] = defaultdict(list)
    for i, report in enumerate(reports):
        if report.reference in campaign_of:
            found_groups[campaign_of[report.reference]].append(i)
    found = pairs_in(found_groups.values())
    connected = connected_pairs(reports, list(truth_groups.values()))
    return score(truth, found), score(truth, exact_pairwise(reports)), len(reports), score(connected, found)
