"""A campaign's card for the security team's chat channels, and the notices posted under it:
neutral, so Slack and Teams only lay them out (as bot.inbox does for a report's card).

  "Amanda Qiu / BR-YR Executive Search — 7 staff approached over 12 days; LinkedIn;
   offered paid consultancy and trips"

Everything is decided here: the headline, the status, first and last seen, the channels and
kinds of approach, what was offered, the indicators, the references it holds and the actions.
The persona's name and organisation and the indicators came from reporters' words: they are
cleaned (bot.text_safety) and marked Theirs, so each renderer escapes them for its markup. Our
own words (labels, counts, dates) are plain `str`.

Nothing here names a reporter: staff are counted, never named, and the card is only ever posted
in the security team's channels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Final

from bot.campaigns.model import CampaignStatus
from bot.campaigns.views import CampaignView
from bot.inbox.card import Line, Theirs
from bot.inbox.labels import label
from bot.inbox.subject import when
from bot.report import ApproachKind, Offered, Report
from bot.text_safety import clean

MAX_REFERENCES: Final = 25  # listed on the card; the rest are counted ("and 12 more")
MAX_INDICATORS: Final = 10
MANAGE_HINT: Final = (
    "Rename, split or merge with the Tipline CLI: campaigns rename|split|merge ID "
    "(campaigns show ID for the evidence of every link)."
)
GONE_TEXT: Final = (
    "This campaign no longer exists: it was merged into another campaign. "
    "Its reports are shown on that campaign's card."
)

_STATUS = {
    CampaignStatus.OPEN: "Open: formed automatically, not yet looked at",
    CampaignStatus.CONFIRMED: "Confirmed by the security team",
    CampaignStatus.DISMISSED: "Dismissed: not one campaign; nothing joins it",
}
# What was offered, as the headline says it: from the offers and the kinds of approach.
_OFFER_WORDS: dict[Enum, str] = {
    ApproachKind.CONSULTANCY: "paid consultancy",
    ApproachKind.TRIP_OR_EVENT: "trips",
    ApproachKind.PAYMENT_OFFER: "money",
    Offered.MONEY: "money",
    Offered.CASH: "cash",
    Offered.CRYPTO: "cryptocurrency",
    Offered.TRAVEL: "trips",
    Offered.GIFTS: "gifts",
    Offered.JOB: "a job",
}


class CampaignAction(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    SHARE_STIX = "share_stix"  # the campaign's STIX bundle, reporter-free (bot.sharing)

    @classmethod
    def parse(cls, text: object) -> CampaignAction | None:
        try:
            return cls(text) if isinstance(text, str) else None
        except ValueError:
            return None


ACTION_TITLES: Final = {
    CampaignAction.CONFIRM: "Confirm campaign",
    CampaignAction.DISMISS: "Dismiss",
    CampaignAction.SHARE_STIX: "Share as STIX",
}


@dataclass(frozen=True)
class Indicator:
    kind: str  # our word: "profile", "email", ...
    value: str  # cleaned, theirs
    reports: int


@dataclass(frozen=True)
class CampaignCard:
    campaign_id: int
    name: str  # the persona / cover company, cleaned (theirs): "Amanda Qiu / BR-YR Executive Search"
    summary: str  # ours: "7 staff approached over 12 days; LinkedIn; offered paid consultancy and trips"
    status: CampaignStatus
    status_line: str
    seen_line: str  # "First seen 1 Dec 2026 09:00 UTC · last seen 12 Dec 2026 16:30 UTC"
    report_count: int
    channels: tuple[str, ...]  # labels, commonest first
    kinds: tuple[str, ...]  # kinds of approach, labels
    offered: tuple[str, ...]  # labels
    indicators: tuple[Indicator, ...]
    references: tuple[str, ...]  # at most MAX_REFERENCES, oldest first
    more_references: int  # how many more there are
    actions: tuple[CampaignAction, ...]
    notification: str  # what a pop-up shows: our words and the id only
    hint: str = MANAGE_HINT

    @property
    def heading(self) -> str:
        return f"Campaign {self.campaign_id} · {label(self.status)}"


@dataclass(frozen=True)
class GoneCard:
    """What a merged-away campaign's card becomes."""

    campaign_id: int
    text: str = GONE_TEXT

    @property
    def notification(self) -> str:
        return f"Campaign {self.campaign_id} was merged into another"


class NoticeKind(StrEnum):
    FORMED = "formed"
    ALERT = "alert"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    parts: Line  # our words and Theirs (the persona's name)
    notification: str  # ours only


def campaign_card(view: CampaignView, reports: Sequence[Report]) -> CampaignCard:
    """The card for a campaign as it is now; `reports`: its reports (any order)."""
    mine = [r for r in reports if r.reference in set(view.references)]
    staff = len({(r.reporter.platform, r.reporter.workspace, r.reporter.user_id) for r in mine})
    channels = _commonest(label(r.channel) for r in mine if r.channel is not None)
    kinds = _commonest(label(k) for r in mine for k in dict.fromkeys(r.approach_kinds))
    offers = _commonest(
        _OFFER_WORDS[v]
        for r in mine
        for v in dict.fromkeys([*r.approach_kinds, *r.offered])
        if v in _OFFER_WORDS
    )
    count = len(view.references)
    return CampaignCard(
        campaign_id=view.id,
        name=clean(view.title),
        summary=_summary(staff, view.first_seen, view.last_seen, channels, offers),
        status=view.status,
        status_line=_STATUS[view.status],
        seen_line=_seen(view.first_seen, view.last_seen),
        report_count=count,
        channels=tuple(channels),
        kinds=tuple(kinds),
        offered=tuple(_commonest(label(o) for r in mine for o in dict.fromkeys(r.offered))),
        indicators=tuple(
            Indicator(i.kind, clean(i.value), i.reports) for i in view.indicators[:MAX_INDICATORS]
        ),
        references=view.references[:MAX_REFERENCES],
        more_references=max(0, count - MAX_REFERENCES),
        actions=_actions(view.status),
        notification=f"Campaign {view.id}: {_plural(count, 'report')} about one persona",
    )


def formed_notice(card: CampaignCard) -> Notice:
    parts: Line = (
        f"New campaign {card.campaign_id}: ",
        Theirs(card.name),
        f" — {_plural(card.report_count, 'report')} about the same persona or cover company. "
        "Confirm it, or dismiss it if they are not one.",
    )
    return Notice(NoticeKind.FORMED, parts, f"New campaign {card.campaign_id}")


def alert_notice(card: CampaignCard, alert_at: int) -> Notice:
    parts: Line = (
        f"Campaign {card.campaign_id} (",
        Theirs(card.name),
        f") has reached {_plural(alert_at, 'report')}: {card.summary}.",
    )
    return Notice(NoticeKind.ALERT, parts, f"Campaign {card.campaign_id} has reached {alert_at} reports")


def _actions(status: CampaignStatus) -> tuple[CampaignAction, ...]:
    if status is CampaignStatus.DISMISSED:
        return (CampaignAction.SHARE_STIX,)
    first = (CampaignAction.CONFIRM,) if status is CampaignStatus.OPEN else ()
    return (*first, CampaignAction.DISMISS, CampaignAction.SHARE_STIX)


def _summary(
    staff: int, first: datetime | None, last: datetime | None, channels: Sequence[str], offers: Sequence[str]
) -> str:
    parts = [f"{_plural(staff, 'member')} of staff approached" if staff == 1 else f"{staff} staff approached"]
    if first is not None and last is not None:
        days = (last.date() - first.date()).days
        parts[0] += f" over {_plural(days, 'day')}" if days >= 1 else " on one day"
    if channels:
        parts.append(", ".join(channels))
    if offers:
        parts.append("offered " + _and(offers))
    return "; ".join(parts)


def _seen(first: datetime | None, last: datetime | None) -> str:
    if first is None or last is None:
        return "No reports left in it"
    return f"First seen {when(first)} · last seen {when(last)}"


def _commonest(values: Iterable[str]) -> list[str]:
    """Each once, the commonest first; between equals, the first met."""
    counted = Counter(values)
    order = {value: at for at, value in enumerate(counted)}
    return sorted(counted, key=lambda v: (-counted[v], order[v]))


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
