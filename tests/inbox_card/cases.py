"""The inbox events the golden files are made from: every kind of event, every kind of status
change, quick and full reports, hostile text in every field, and reports too large to show whole."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.inbox_events import CampaignRef, EventKind, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.ports import DeadlineKind, MessageKind
from bot.report import (
    Contact,
    ContactPreference,
    Evidence,
    EvidenceFile,
    LinkKind,
    Outcome,
    Report,
    Reporter,
    ReporterActions,
    ReportLink,
    Severity,
    Status,
    Timeline,
)
from bot.watchlist.findings import IndicatorKind, MatchedIndicator, Strength, WatchlistFinding
from tests.factories import CREATED_AT, make_report

REFERENCE = "TIP-7K3Q9D"
SLACK_REPORTER = Reporter(platform="slack", user_id="U0REPORTER1", display_name="Rita Reporter")
TEAMS_REPORTER = Reporter(platform="teams", user_id="aad-1", display_name="Tom Teams")
# Markup of every renderer: mrkdwn, Markdown, HTML, mentions, a web address, line-start markers,
# control, zero-width and direction-override characters.
HOSTILE = (
    "<!channel> <@U123> <https://example.org|click> & [Boss](https://evil.example) <at>Admin</at> "
    "**urgent** `code` <b>bold</b>\n# heading\n- item\n1. first\u202eevil\u200b\x07 www.bad.example/x"
)
NAMES = {"teams:aad-analyst": "Sam Singh"}
CAMPAIGN = CampaignRef(id=4, title="Amanda Qiu / BR-YR Executive Search", status="open")
# A persona's name is what reporters typed: every renderer's markup, and a mention.
HOSTILE_CAMPAIGN = CampaignRef(id=5, title=HOSTILE.replace("\n", " "), status="confirmed")


def _report(**overrides: Any) -> Report:
    overrides.setdefault("reference", REFERENCE)
    overrides.setdefault("reporter", SLACK_REPORTER)
    return make_report(**overrides)


def _quick() -> Report:
    return _report(
        reporter=TEAMS_REPORTER,
        detail_level="quick",
        approach_kinds=[],
        channel=None,
        contact=Contact(name_used="Anna"),
        asked_for=[],
        offered=[],
        asked_for_detail=None,
        offered_detail=None,
        reporter_role=None,
        contact_preference=ContactPreference(),
        severity=Severity.LOW,
        severity_reasons=[],
    )


def _hostile() -> Report:
    return _report(
        reporter=Reporter(platform="teams", user_id="aad-2", display_name=HOSTILE),
        what_happened=HOSTILE,
        contact=Contact(
            described_as=HOSTILE,
            name_used=HOSTILE,
            profile_urls=["https://www.linkedin.com/in/x", HOSTILE],
            organisation="<at>Ministry</at>",
            emails=["a@b.example"],
            websites=["http://c.example/path?q=1"],
        ),
        severity=Severity.CRITICAL,
        severity_reasons=[HOSTILE, "  ", "asked for secrecy"],
        status=Status.IN_PROGRESS,
        assigned_to="- " + HOSTILE,
        acknowledged_at=CREATED_AT,
        links=[ReportLink(reference="TIP-4M8N2P", kind=LinkKind.RELATED)],
        evidence=Evidence(
            kept_where=HOSTILE,
            files=[EvidenceFile(id="f1", name="a<b>.png", mime_type="image/png", url="https://x.example/f")],
        ),
        revision=3,
        updated_at=CREATED_AT + timedelta(days=1),
    )


def _closed() -> Report:
    return _report(
        status=Status.CLOSED,
        outcome=Outcome.LIKELY_HOSTILE,
        acknowledged_at=CREATED_AT,
        closed_at=CREATED_AT + timedelta(days=2),
        assigned_to="Sam Singh",
        closing_message="Thank you.\n> Keep <!here> it quiet & block them.",
        links=[
            ReportLink(reference="TIP-4M8N2P", kind=LinkKind.RELATED),
            ReportLink(reference="TIP-5Q9R3S", kind=LinkKind.DUPLICATE),
        ],
        severity=Severity.MEDIUM,
    )


def _huge() -> Report:
    huge = "x" * 30_000
    wide = "€" * 30_000
    return _report(
        what_happened=huge,
        asked_for_detail=wide,
        offered_detail="<" * 30_000,
        reporter_role=huge,
        severity_reasons=[huge] * 50,
        closing_message=wide,
        status=Status.CLOSED,
        outcome=Outcome.BENIGN,
        contact=Contact(
            name_used=huge, phones=[f"+44 20 7946 {n:04}" for n in range(200)], organisation=wide
        ),
        evidence=Evidence(
            files=[EvidenceFile(id=f"f{n}", name=f"file{n}.png", text=huge) for n in range(20)]
        ),
    )


def _enormous() -> Report:
    emoji = "😀" * 30_000
    return _report(
        what_happened=emoji,
        asked_for_detail=emoji,
        offered_detail=emoji,
        reporter_role=emoji,
        severity_reasons=[f"reason {n} " + "y" * 300 for n in range(2000)],
        contact=Contact(
            name_used=emoji,
            described_as=emoji,
            organisation=emoji,
            phones=[f"+44 {n:08}" for n in range(3000)],
        ),
        evidence=Evidence(kept_where=emoji, files=[EvidenceFile(id="f", name="a", text=emoji)] * 50),
        links=[ReportLink(reference="TIP-4M8N2P", kind=LinkKind.RELATED)] * 500,
        timeline=Timeline(first_contact_as_told=emoji),
        actions=ReporterActions(shared_detail=emoji, accepted_detail=emoji),
        contact_preference=ContactPreference(detail=emoji),
        assigned_to=emoji,
    )


def _change(action: str, by: str, to: Status, **more: Any) -> StatusChange:
    return StatusChange(action=action, by=by, from_status=Status.NEW, to_status=to, **more)


def _alerted() -> Report:
    """A contact named in a published alert, and another entry that only may be them."""
    match = WatchlistFinding(
        entry_id=3,
        label="Amanda Qiu, BR-YR Executive Search",
        source="MI5 espionage alert <!channel> & co",
        source_date=CREATED_AT.date(),
        strength=Strength.MATCH,
        indicators=(
            MatchedIndicator(kind=IndicatorKind.NAME, value="Amanda Qiu", score=100),
            MatchedIndicator(kind=IndicatorKind.ORGANISATION, value="BR-YR Executive Search", score=93),
        ),
    )
    possible = WatchlistFinding(
        entry_id=4,
        label="Shirly Shen",
        source="Partner advisory",
        strength=Strength.POSSIBLE,
        indicators=(MatchedIndicator(kind=IndicatorKind.NAME, value="Shirly Shen", score=90),),
    )
    return _report(severity=Severity.CRITICAL, watchlist=[match, possible])


def cards() -> dict[str, InboxEvent]:
    """Events whose card is the subject of a golden file."""
    submitted = EventKind.SUBMITTED
    return {
        "full": InboxEvent.about(
            submitted, _report(severity=Severity.CRITICAL, severity_reasons=["a", "b"]), CREATED_AT
        ),
        "teams_reporter": InboxEvent.about(submitted, _report(reporter=TEAMS_REPORTER), CREATED_AT),
        "bad_slack_id": InboxEvent.about(
            submitted, _report(reporter=Reporter(platform="slack", user_id="not-an-id")), CREATED_AT
        ),
        "quick": InboxEvent.about(submitted, _quick(), CREATED_AT),
        "hostile": InboxEvent.about(EventKind.UPDATED, _hostile(), CREATED_AT),
        "acknowledged": InboxEvent.about(
            submitted, _report(status=Status.ACKNOWLEDGED, acknowledged_at=CREATED_AT), CREATED_AT
        ),
        "closed": InboxEvent.about(
            EventKind.STATUS,
            _closed(),
            CREATED_AT,
            status_change=_change(
                "closed", "slack:U0MEMBER01", Status.CLOSED, outcome=Outcome.LIKELY_HOSTILE
            ),
        ),
        "huge": InboxEvent.about(submitted, _huge(), CREATED_AT),
        "alerted": InboxEvent.about(submitted, _alerted(), CREATED_AT),
        "enormous": InboxEvent.about(submitted, _enormous(), CREATED_AT),
        "in_campaign": InboxEvent.about(submitted, _report(), CREATED_AT, campaign=CAMPAIGN),
        "in_hostile_campaign": InboxEvent.about(
            EventKind.CAMPAIGN, _report(), CREATED_AT, campaign=HOSTILE_CAMPAIGN
        ),
    }


def threads() -> dict[str, InboxEvent]:
    """Events whose thread line (and subject) is the subject of a golden file."""
    report = _report()
    events: dict[str, InboxEvent] = {}
    for kind in MessageKind:
        message = ThreadMessage(id=3, kind=kind, body=HOSTILE + "\nsecond line", from_label="Sam <Lead>")
        events[f"message_{kind.value}"] = InboxEvent.about(
            EventKind.MESSAGE, report, CREATED_AT, message=message
        )
    events["message_reply"] = InboxEvent.about(
        EventKind.MESSAGE,
        report,
        CREATED_AT,
        message=ThreadMessage(
            id=4, kind=MessageKind.ANSWER, body="&" * 9000, from_label="Reporter", in_reply_to=3
        ),
    )
    changes = {
        "acknowledged_slack": _change("acknowledged", "slack:U0MEMBER01", Status.ACKNOWLEDGED),
        "acknowledged_teams": _change("acknowledged", "teams:aad-analyst", Status.ACKNOWLEDGED),
        "acknowledged_hostile": _change("acknowledged", "slack:<!channel>", Status.ACKNOWLEDGED),
        "acknowledged_bare": _change("acknowledged", "nobody", Status.ACKNOWLEDGED),
        "assigned": _change("assigned", "cli:alice", Status.IN_PROGRESS, assigned_to="- Bob <b> [x](y)"),
        "assigned_nobody": _change("assigned", "cli:alice", Status.IN_PROGRESS),
        "closed": _change("closed", "slack:U0MEMBER01", Status.CLOSED, outcome=Outcome.BENIGN),
        "closed_no_outcome": _change("closed", "teams:aad-x", Status.CLOSED),
        "reopened": _change("reopened", "slack:U0MEMBER01", Status.IN_PROGRESS),
        "linked": _change(
            "linked", "slack:U0MEMBER01", Status.NEW, linked_reference="TIP-4M8N2P", link_kind="related"
        ),
        "linked_bad": _change("linked", "cli:bob", Status.NEW, linked_reference="<b>not-a-ref"),
    }
    for name, change in changes.items():
        events[f"status_{name}"] = InboxEvent.about(
            EventKind.STATUS, report, CREATED_AT, status_change=change
        )
    reminders = {
        "near": Reminder(
            deadline=DeadlineKind.ACKNOWLEDGE, stage="near", due_at=CREATED_AT + timedelta(hours=3)
        ),
        "now": Reminder(deadline=DeadlineKind.ACKNOWLEDGE, stage="near", due_at=CREATED_AT),
        "days": Reminder(deadline=DeadlineKind.FEEDBACK, stage="near", due_at=CREATED_AT + timedelta(days=3)),
        "missed": Reminder(
            deadline=DeadlineKind.FEEDBACK, stage="missed", due_at=CREATED_AT - timedelta(hours=1)
        ),
    }
    for name, reminder in reminders.items():
        events[f"reminder_{name}"] = InboxEvent.about(
            EventKind.REMINDER, report, CREATED_AT, reminder=reminder
        )
    events["updated"] = InboxEvent.about(
        EventKind.UPDATED, report.model_copy(update={"revision": 2}), CREATED_AT
    )
    events["submitted"] = InboxEvent.about(EventKind.SUBMITTED, report, CREATED_AT)
    events["campaign"] = InboxEvent.about(EventKind.CAMPAIGN, report, CREATED_AT, campaign=CAMPAIGN)
    events["campaign_hostile"] = InboxEvent.about(
        EventKind.CAMPAIGN, report, CREATED_AT, campaign=HOSTILE_CAMPAIGN
    )
    return events
