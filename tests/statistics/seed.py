"""Reports and checks with known counts, for the statistics tests (times relative to NOW)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.report import ApproachKind, Channel, Outcome, Reporter, Status
from bot.statistics import CheckFacts, ReportFacts
from tests.factories import make_report

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
THIS_WEEK = NOW.date() - timedelta(days=NOW.weekday())  # Monday 16 March 2026


def at(weeks_ago: int, day: int = 0, hour: int = 10) -> datetime:
    """A moment in the week `weeks_ago` weeks before this one (day 0 is its Monday)."""
    monday = datetime.combine(THIS_WEEK - timedelta(weeks=weeks_ago), datetime.min.time(), tzinfo=UTC)
    return monday + timedelta(days=day, hours=hour)


def facts(
    created: datetime,
    kinds: tuple[str, ...] = ("recruiter",),
    channel: str | None = "linkedin",
    ack_after: float | None = None,
    outcome_after: float | None = None,
    outcome: str = "benign",
    platform: str = "slack",
) -> ReportFacts:
    return ReportFacts(
        created_at=created,
        approach_kinds=kinds,
        channel=channel,
        reported_from=platform,
        acknowledged_at=None if ack_after is None else created + timedelta(hours=ack_after),
        closed_at=None if outcome_after is None else created + timedelta(hours=outcome_after),
        outcome=None if outcome_after is None else outcome,
    )


def check(moment: datetime, outcome: str = "questionnaire") -> CheckFacts:
    return CheckFacts(at=moment, outcome=outcome)


def stored_report(
    created: datetime,
    kinds: list[ApproachKind],
    channel: Channel | None,
    platform: str = "slack",
    ack_after: float | None = None,
    outcome_after: float | None = None,
    outcome: Outcome = Outcome.BENIGN,
):
    """A full report as the database keeps it, with its triage times in its document."""
    acknowledged = None if ack_after is None else created + timedelta(hours=ack_after)
    closed = None if outcome_after is None else created + timedelta(hours=outcome_after)
    status = Status.CLOSED if closed else Status.ACKNOWLEDGED if acknowledged else Status.NEW
    return make_report(
        created_at=created,
        updated_at=closed or acknowledged or created,
        reporter=Reporter(platform=platform, user_id=f"U-{created:%j%H}"),
        approach_kinds=kinds,
        channel=channel,
        status=status,
        acknowledged_at=acknowledged,
        closed_at=closed,
        outcome=outcome if closed else None,
    )
