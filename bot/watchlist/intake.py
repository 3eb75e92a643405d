"""The watchlist at intake: every report (and every draft, as the reporter types) checked
against the active entries, and what a match does to the report.

The index is rebuilt only when the watchlist changes (its revision, one small query), so
each check costs a lookup, not a load of every entry. Several replicas each keep their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.normalise import DEFAULT_PHONE_REGION
from bot.report import Report, Reporter, Severity
from bot.report_builder import build_report
from bot.watchlist.findings import WatchlistFinding
from bot.watchlist.matching import WatchlistIndex
from bot.watchlist.ports import WatchlistRepository

ALERT_REASON = "Matches a profile named in a security alert"


def alert_reason(finding: WatchlistFinding) -> str:
    return f"{ALERT_REASON}: {finding.source} (watchlist entry #{finding.entry_id})"


def report_texts(report: Report) -> list[str]:
    """What the reporter wrote in their own words, where names and firms hide among the rest."""
    return [t for t in (report.what_happened, report.contact.described_as) if t]


def with_findings(report: Report, findings: Sequence[WatchlistFinding]) -> Report:
    """The report carrying `findings` (replacing earlier findings for the same entries); a match
    makes it critical, with a reason naming the alert."""
    fresh = {f.entry_id for f in findings}
    kept = [f for f in report.watchlist if f.entry_id not in fresh]
    merged = sorted([*findings, *kept], key=lambda f: (not f.is_match, f.entry_id))
    reasons = [r for r in report.severity_reasons if not r.startswith(ALERT_REASON)]
    severity = report.severity
    matched = [f for f in merged if f.is_match]
    if matched:
        severity = Severity.CRITICAL
        reasons = [alert_reason(f) for f in matched] + reasons
    return report.model_copy(update={"watchlist": merged, "severity": severity, "severity_reasons": reasons})


@dataclass
class IntakeScreen:
    region: str = DEFAULT_PHONE_REGION
    _index: WatchlistIndex | None = field(default=None, init=False, repr=False)
    _revision: tuple[int, int, str] | None = field(default=None, init=False, repr=False)

    async def index(self, watchlist: WatchlistRepository) -> WatchlistIndex:
        revision = await watchlist.revision()
        if self._index is not None and revision == self._revision:
            return self._index
        if self._index is not None and self._revision is not None and revision[0] >= self._revision[0]:
            # Entries are only ever added or retired: take the retired out and index the new
            # ones, rather than every entry again (a second on a long list, in someone's turn).
            if revision[1] != self._revision[1]:
                self._index.retire(await watchlist.retired_ids())
            self._index.extend(await watchlist.list(after_id=self._index.last_id))
        else:
            self._index = WatchlistIndex(await watchlist.list(), self.region)
        self._revision = revision
        return self._index

    async def findings(self, watchlist: WatchlistRepository, report: Report) -> list[WatchlistFinding]:
        index = await self.index(watchlist)
        if not len(index):
            return []
        return index.match(report.contact, report_texts(report))

    async def screen(self, watchlist: WatchlistRepository, report: Report) -> Report:
        """The report as it should be stored: its findings on it, critical when one is a match."""
        findings = await self.findings(watchlist, report)
        return with_findings(report, findings) if findings or report.watchlist else report


# The answers that say who the contact is, and the first free-text message (what happened).
ABOUT_THE_CONTACT = (
    "what_happened", "who", "profile_url", "name_used", "organisation", "emails", "phones", "websites"
)  # fmt: skip
# A draft has no reference yet; the matcher needs a report-shaped thing to read.
_DRAFT_REFERENCE = "TIP-222222"


def about_the_contact_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    return any(before.get(step) != after.get(step) for step in ABOUT_THE_CONTACT)


async def new_matches(
    screen: IntakeScreen,
    watchlist: WatchlistRepository,
    answers: Mapping[str, Any],
    reporter: Reporter,
    now: datetime,
    told: Sequence[int],
) -> list[WatchlistFinding]:
    """Matches (never possibles) for the draft so far that the reporter has not been told of.
    The draft is read the way the report will be (bot.report_builder), so whatever it learns
    to pick out of the answers is matched too."""
    draft = build_report(answers, reporter, _DRAFT_REFERENCE, now, screen.region)
    return [f for f in await screen.findings(watchlist, draft) if f.is_match and f.entry_id not in told]
