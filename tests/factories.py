"""Builders for test data that other test modules may reuse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.ports import OutboxEntry
from bot.report import (
    ApproachKind,
    AskedFor,
    Channel,
    Contact,
    ContactMethod,
    ContactPreference,
    DetailLevel,
    Evidence,
    EvidenceFile,
    EvidenceKind,
    Frequency,
    Offered,
    Report,
    Reporter,
    ReporterActions,
    Severity,
    Timeline,
    YesNoUnsure,
    new_reference,
)

CREATED_AT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def make_report(**overrides: Any) -> Report:
    """A valid report with every section filled in; keyword arguments replace top-level fields."""
    fields: dict[str, Any] = {
        "reference": new_reference(),
        "revision": 1,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "reporter": Reporter(platform="console", user_id="alice", display_name="Alice", workspace="hq"),
        "detail_level": DetailLevel.FULL,
        "what_happened": "A recruiter offered paid consultancy on our work.",
        "approach_kinds": [ApproachKind.RECRUITER, ApproachKind.PAYMENT_OFFER],
        "channel": Channel.LINKEDIN,
        "contact": Contact(
            described_as="recruiter",
            name_used="Jane Smith",
            profile_urls=["https://www.linkedin.com/in/jane-smith"],
            organisation="Acme Talent",
            emails=["jane@example.com"],
            phones=["+44 20 7946 0000"],
            websites=["https://acme-talent.example"],
        ),
        "timeline": Timeline(
            first_contact_on=date(2026, 3, 1),
            first_contact_as_told="two weeks ago",
            frequency=Frequency.A_FEW_TIMES,
            still_going_on=YesNoUnsure.YES,
        ),
        "asked_for": [AskedFor.WORK_DETAILS, AskedFor.PAID_REPORT],
        "asked_for_detail": "a short paper on our roadmap",
        "offered": [Offered.MONEY],
        "offered_detail": "£2,000",
        "actions": ReporterActions(
            replied=YesNoUnsure.YES,
            shared_information=YesNoUnsure.NO,
            accepted_something=YesNoUnsure.NO,
            met_in_person=YesNoUnsure.NO,
        ),
        "evidence": Evidence(
            kinds=[EvidenceKind.MESSAGE_SCREENSHOTS],
            kept_where="phone",
            files=[EvidenceFile(id="f1", name="chat.png", mime_type="image/png")],
        ),
        "reporter_role": "engineer",
        "contact_preference": ContactPreference(may_contact=True, method=ContactMethod.THIS_CHAT),
        "severity": Severity.HIGH,
        "severity_reasons": ["payment offered"],
    }
    fields.update(overrides)
    return Report(**fields)


class Clock:
    """A clock the test moves by hand; call it for the current (aware UTC) time."""

    def __init__(self, start: datetime = CREATED_AT) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def make_entry(report: Report | None = None, *, destination: str = "file", **overrides: Any) -> OutboxEntry:
    """An outbox entry carrying `report` (a new one by default), due at the report's creation time."""
    report = report or make_report()
    fields: dict[str, Any] = {
        "report_reference": report.reference,
        "destination": destination,
        "event": "report.submitted",
        "payload": report.model_dump(mode="json"),
        "idempotency_key": f"{report.reference}:report.submitted:r{report.revision}:{destination}",
        "created_at": report.created_at,
        "next_attempt_at": report.created_at,
    }
    fields.update(overrides)
    return OutboxEntry(**fields)
