"""Reports for the sharing tests: a canary in every place the reporter is, or speaks."""

from __future__ import annotations

from datetime import timedelta

from bot.report import (
    Contact,
    ContactMethod,
    ContactPreference,
    Evidence,
    EvidenceFile,
    Report,
    Reporter,
    ReporterActions,
    YesNoUnsure,
)
from tests.factories import CREATED_AT, make_report

# Who the reporter is: never in any export.
IDENTITY_CANARIES = {
    "reporter.user_id": "U0CANARY1",
    "reporter.display_name": "Canary Displayname",
    "reporter.workspace": "canary-workspace",
    "reporter_role": "Canary head of procurement",
    "contact_preference.detail": "canary-mobile 07700 900999",
    "evidence.kept_where": "Canary evidence folder",
    "evidence.files.name": "canary-screenshot.png",
    "evidence.files.stored_path": "/var/canary/stored",
    "evidence.files.text": "Dear Canaryreporter, forwarded",
    "evidence.files.sent_by": "canary-sender",
    "assigned_to": "Canary Analyst",
    "closing_message": "Canary closing words to the reporter",
}
# What the reporter told us: only with --include-narrative.
NARRATIVE_CANARIES = {
    "what_happened": "Canary-what-happened-4471",
    "actions.shared_detail": "Canary-shared-our-org-chart",
    "actions.accepted_detail": "Canary-accepted-a-voucher",
    "asked_for_detail": "Canary-asked-for-roadmap",
    "offered_detail": "Canary-offered-2000-pounds",
}


def canaried_report(**overrides) -> Report:
    fields = dict(
        reporter=Reporter(
            platform="slack",
            user_id=IDENTITY_CANARIES["reporter.user_id"],
            display_name=IDENTITY_CANARIES["reporter.display_name"],
            workspace=IDENTITY_CANARIES["reporter.workspace"],
        ),
        what_happened=f"A recruiter wrote. {NARRATIVE_CANARIES['what_happened']}",
        reporter_role=IDENTITY_CANARIES["reporter_role"],
        contact_preference=ContactPreference(
            may_contact=True,
            method=ContactMethod.PHONE,
            detail=IDENTITY_CANARIES["contact_preference.detail"],
        ),
        evidence=Evidence(
            kept_where=IDENTITY_CANARIES["evidence.kept_where"],
            files=[
                EvidenceFile(
                    id="f1",
                    name=IDENTITY_CANARIES["evidence.files.name"],
                    stored_path=IDENTITY_CANARIES["evidence.files.stored_path"],
                    text=IDENTITY_CANARIES["evidence.files.text"],
                    sent_by=IDENTITY_CANARIES["evidence.files.sent_by"],
                )
            ],
        ),
        actions=ReporterActions(
            replied=YesNoUnsure.YES,
            shared_information=YesNoUnsure.YES,
            shared_detail=NARRATIVE_CANARIES["actions.shared_detail"],
            accepted_something=YesNoUnsure.YES,
            accepted_detail=NARRATIVE_CANARIES["actions.accepted_detail"],
        ),
        asked_for_detail=NARRATIVE_CANARIES["asked_for_detail"],
        offered_detail=NARRATIVE_CANARIES["offered_detail"],
        assigned_to=IDENTITY_CANARIES["assigned_to"],
        closing_message=IDENTITY_CANARIES["closing_message"],
        updated_at=CREATED_AT + timedelta(days=2),
    )
    fields.update(overrides)
    return make_report(**fields)


def second_report_same_profile() -> Report:
    """Another approach by the same profile a week later, under another name and a new address."""
    return make_report(
        created_at=CREATED_AT + timedelta(days=7),
        updated_at=CREATED_AT + timedelta(days=8),
        contact=Contact(
            name_used="J. Smith",
            profile_urls=["linkedin.com/in/jane-smith/"],
            emails=["j.smith@gmail.com"],
        ),
    )
