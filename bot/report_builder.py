"""From the answers of the reporting flow to a typed Report.

The mapping from step ids to report fields lives here, in one place: if the flow file
renames a step, this is the file to change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import phonenumbers

from bot.normalise import is_profile_like
from bot.report import (
    Contact,
    ContactMethod,
    ContactPreference,
    DetailLevel,
    Evidence,
    Report,
    Reporter,
    ReporterActions,
    Timeline,
)
from bot.severity import assess

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|uk|ru|cn|info|biz)(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def build_report(
    answers: Mapping[str, Any],
    reporter: Reporter,
    reference: str,
    now: datetime,
    phone_region: str,
    previous: Report | None = None,
) -> Report:
    """A new report, or the next revision of `previous` when the reporter adds detail."""
    who = _text(answers.get("who"))
    found_urls, found_emails, found_phones = extract_indicators(who or "", phone_region)
    profile_urls = _list(answers.get("profile_url")) + [u for u in found_urls if is_profile_like(u)]
    websites = _list(answers.get("websites")) + [u for u in found_urls if not is_profile_like(u)]

    method = _text(answers.get("contact_method"))
    contact_detail = _text(answers.get("contact_email")) or _first(answers.get("contact_phone"))
    may_contact = answers.get("may_contact")
    first = answers.get("first_contact")

    report = Report(
        reference=reference,
        revision=(previous.revision + 1) if previous else 1,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        reporter=reporter,
        detail_level=DetailLevel.FULL if answers.get("pace") == "add_detail" else DetailLevel.QUICK,
        what_happened=_text(answers.get("what_happened")) or "",
        approach_kinds=_list(answers.get("approach_kinds")),
        channel=answers.get("channel"),
        contact=Contact(
            described_as=who,
            name_used=_text(answers.get("name_used")),
            profile_urls=profile_urls,
            organisation=_text(answers.get("organisation")),
            emails=_list(answers.get("emails")) + found_emails,
            phones=_list(answers.get("phones")) + found_phones,
            websites=websites,
        ),
        timeline=Timeline(
            first_contact_on=date.fromisoformat(first["on"])
            if isinstance(first, dict) and first.get("on")
            else None,
            first_contact_as_told=first.get("as_told") if isinstance(first, dict) else None,
            frequency=answers.get("frequency"),
            still_going_on=answers.get("ongoing"),
        ),
        asked_for=_list(answers.get("asked_for")),
        asked_for_detail=_text(answers.get("asked_for_detail")),
        offered=_list(answers.get("offered")),
        offered_detail=_text(answers.get("offered_detail")),
        actions=ReporterActions(
            replied=answers.get("replied"),
            shared_information=answers.get("shared"),
            shared_detail=_text(answers.get("shared_detail")),
            accepted_something=answers.get("accepted"),
            accepted_detail=_text(answers.get("accepted_detail")),
            met_in_person=answers.get("met"),
        ),
        evidence=Evidence(
            kinds=_list(answers.get("evidence")),
            kept_where=_text(answers.get("evidence_location")),
            files=previous.evidence.files if previous else [],
        ),
        reporter_role=_text(answers.get("role")),
        contact_preference=ContactPreference(
            may_contact=None if may_contact is None else may_contact == "yes",
            method=ContactMethod(method) if method else None,
            detail=contact_detail,
        ),
    )
    if previous is not None:
        # Triage state belongs to the security team; the reporter's update never resets it.
        report = report.model_copy(
            update={
                k: getattr(previous, k)
                for k in (
                    "status",
                    "outcome",
                    "assigned_to",
                    "acknowledged_at",
                    "closed_at",
                    "closing_message",
                )
            }
        )
    severity, reasons = assess(report)
    return report.model_copy(update={"severity": severity, "severity_reasons": reasons})


def extract_indicators(text: str, phone_region: str) -> tuple[list[str], list[str], list[str]]:
    """Profile links, email addresses and phone numbers mentioned in free text."""
    emails = [e.lower() for e in _EMAIL.findall(text)]
    without_emails = _EMAIL.sub(" ", text)
    urls = [u.rstrip(".,;:)") for u in _URL.findall(without_emails)]
    # POSSIBLE rather than VALID so test and newly issued ranges still count; the digit floor
    # keeps years and short numbers in the text from being read as phone numbers.
    phones = [
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        for m in phonenumbers.PhoneNumberMatcher(
            without_emails, phone_region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        if sum(ch.isdigit() for ch in m.raw_string) >= 9
    ]
    return urls, emails, phones


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _first(value: Any) -> str | None:
    items = _list(value)
    return str(items[0]) if items else None
