"""The words of an export: the security team's summary of a subject, and a reporter's
narrative when the analyst asks for it. Plain text, every value we did not write made safe."""

from __future__ import annotations

from enum import Enum

from bot.sharing.subject import Narrative, Subject
from bot.sharing.text import defanged, shown

_WORDS = {
    "user-account": "profile",
    "email-addr": "email address",
    "domain-name": "domain",
    "url": "web address",
}


def words(value: Enum | str) -> str:
    """ "payment_offer" -> "payment offer"; a STIX type -> what it is in words."""
    text = str(value.value if isinstance(value, Enum) else value)
    return _WORDS.get(text, text.replace("_", " "))


def summary_text(subject: Subject) -> str:
    """What the team knows, from the structured fields only: nothing the reporter typed about
    themselves, nothing about what they did."""
    lines = [f"{shown(subject.title)}: a suspicious approach to staff."]
    lines.append(f"Persona: {shown(subject.name)}")
    if subject.organisations:
        lines.append("Claimed organisation: " + "; ".join(shown(o) for o in subject.organisations))
    _list(lines, "Kind of approach", subject.approach_kinds)
    _list(lines, "Made through", subject.channels)
    _list(lines, "Asked for", subject.asked_for)
    _list(lines, "Offered", subject.offered)
    indicators = [
        *(p.url for p in subject.profiles),
        *subject.emails,
        *subject.phones,
        *subject.websites,
    ]
    if indicators:
        lines.append("Indicators: " + ", ".join(defanged(i) for i in indicators))
    lines.append(
        f"Reported approaches: {subject.count}; first contact {subject.first_seen.date().isoformat()}, "
        f"latest report {subject.last_seen.date().isoformat()}"
    )
    lines.append(f"Severity: {words(subject.severity)}")
    _list(lines, "Status", subject.statuses)
    _list(lines, "Outcome", subject.outcomes)
    return "\n".join(lines)


def narrative_text(story: Narrative) -> str:
    """One reporter's account, in their words but without who they are."""
    lines = [f"What happened: {shown(story.what_happened, multiline=True)}"]
    optional = [
        ("How they described the contact", story.described_as),
        ("When it started, as told", story.first_contact_as_told),
        ("What was asked for, in detail", story.asked_for_detail),
        ("What was offered, in detail", story.offered_detail),
        ("Replied", story.replied),
        ("Shared information", story.shared_information),
        ("What was shared", story.shared_detail),
        ("Accepted something", story.accepted_something),
        ("What was accepted", story.accepted_detail),
        ("Met in person", story.met_in_person),
    ]
    lines += [f"{label}: {shown(value, multiline=True)}" for label, value in optional if value]
    if story.severity_reasons:
        lines.append("Why this severity: " + "; ".join(shown(r) for r in story.severity_reasons))
    return "\n".join(lines)


def _list(lines: list[str], label: str, values: tuple[Enum, ...]) -> None:
    if values:
        lines.append(f"{label}: " + ", ".join(words(v) for v in values))
