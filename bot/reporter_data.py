"""A reporter's own data: "my data" gives them, in their chat, a copy of what Tipline holds
about them — their reports with everything they told us, the messages between them and the
security team, any draft they have open, and how often they asked to check a contact.

Only ever their own: reports are found by the reporter's platform and id, as every other
reporter-side read is. Left out, and said so: the security team's internal notes, and the
team's working view of a report (severity, assignment, links to other reports, published
alerts it matches) — the links in particular could tell a reporter that someone else
reported the same person. A reporter who wants those asks the security team, whose data
protection process handles a full subject access request.

The copy is plain text split into parts that fit a Slack section (3,000 characters) and a
Teams card, each part its own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.conversation import Envelope
from bot.messages import Message, Text
from bot.ports import AuditEvent, MessageKind, ReportMessage, UnitOfWork
from bot.report import Report, Reporter, Status

PART_LIMIT = 2800
MAX_PARTS = 40  # about 110,000 characters; past that the security team sends a file
_WORDS = frozenset(
    {
        "my data",
        "/mydata",
        "/my-data",
        "my-data",
        "mydata",
        "my personal data",
        "what do you hold about me",
        "what data do you hold about me",
        "what do you have on me",
    }
)
_STATUS = {
    Status.NEW: "received",
    Status.ACKNOWLEDGED: "seen by the security team",
    Status.IN_PROGRESS: "being looked into",
    Status.CLOSED: "closed",
}
_FROM_TEAM = {
    MessageKind.QUESTION: "question",
    MessageKind.ACKNOWLEDGEMENT: "acknowledgement",
    MessageKind.CLOSING: "closing message",
}
_FROM_YOU = {MessageKind.ANSWER: "your answer", MessageKind.REPORTER_UPDATE: "you added"}
LEFT_OUT = (
    "Not in this copy: the security team's internal notes and their working view of your reports "
    "(how serious they judge them, who is handling them, links to other reports). To ask for those, "
    "or to have your name and contact details taken out of a report, contact the security team."
)


def is_my_data(text: str) -> bool:
    return " ".join(text.lower().split()).rstrip("?") in _WORDS


def _words(value: str) -> str:
    return value.replace("_", " ")


def _day(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC").lstrip("0")
    return moment.strftime("%d %b %Y").lstrip("0")


def _field(label: str, value: Any) -> list[str]:
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, list):
        value = ", ".join(_words(str(v)) for v in value)
    return [f"{label}: {value}"]


def _report(report: Report, thread: Sequence[ReportMessage]) -> list[str]:
    status = _STATUS[report.status]
    if report.outcome is not None:
        status += f" ({_words(report.outcome.value)})"
    c, a, e, p = report.contact, report.actions, report.evidence, report.contact_preference
    lines = [f"━━ Report {report.reference} — sent {_day(report.created_at)}, {status}"]
    lines += _field("What happened", report.what_happened)
    lines += _field("Kind of approach", [k.value for k in report.approach_kinds])
    lines += _field("Where", _words(report.channel.value) if report.channel else None)
    lines += _field("The contact was described as", c.described_as)
    lines += _field("Name they used", c.name_used)
    lines += _field("Profile", c.profile_urls)
    lines += _field("Organisation", c.organisation)
    lines += _field("Email", [str(x) for x in c.emails])
    lines += _field("Phone", c.phones)
    lines += _field("Website", c.websites)
    lines += _field(
        "First contact", report.timeline.first_contact_as_told or report.timeline.first_contact_on
    )
    lines += _field("How often", report.timeline.frequency.value if report.timeline.frequency else None)
    lines += _field("Still going on", report.timeline.still_going_on)
    lines += _field("Asked for", [x.value for x in report.asked_for])
    lines += _field("What they asked for", report.asked_for_detail)
    lines += _field("Offered", [x.value for x in report.offered])
    lines += _field("What they offered", report.offered_detail)
    lines += _field("You replied", a.replied)
    lines += _field("You shared information", a.shared_information)
    lines += _field("What you shared", a.shared_detail)
    lines += _field("You accepted something", a.accepted_something)
    lines += _field("What you accepted", a.accepted_detail)
    lines += _field("You met them", a.met_in_person)
    lines += _field("Evidence", [k.value for k in e.kinds])
    lines += _field("Evidence kept", e.kept_where)
    lines += _field("Files", [f.name for f in e.files])
    lines += [f"Forwarded message: {f.text}" for f in e.files if f.text]
    lines += _field("Your role", report.reporter_role)
    if p.may_contact is not None:
        lines += _field("The security team may contact you", "yes" if p.may_contact else "no")
    lines += _field("How", p.method.value if p.method else None)
    lines += _field("Your contact details", p.detail)
    if report.closing_message:
        lines += _field("What you were told at closing", report.closing_message)
    shown = [m for m in thread if m.kind is not MessageKind.NOTE]
    if shown:
        lines.append("Messages:")
    for m in shown:
        if m.kind in _FROM_TEAM:
            who = f"{m.signed_by or 'the security team'}, {_FROM_TEAM[m.kind]}"
        else:
            who = _FROM_YOU.get(m.kind, m.kind.value)
        lines.append(f"  {_day(m.created_at)} · {who}: {m.body}")
    return lines


def _draft(envelope: Envelope) -> list[str]:
    state = envelope.state
    if state is None or not envelope.flow_running:
        return []
    lines = [f"━━ Your draft report, not sent (started {_day(state.started_at)})"]
    for key, value in state.answers.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        lines += _field(_words(key).capitalize(), shown if not isinstance(shown, dict) else str(shown))
    names = [str(f.get("name")) for f in envelope.files if isinstance(f, dict) and f.get("name")]
    lines += _field("Files waiting for it", names)
    return lines


def split(lines: Iterable[str], limit: int = PART_LIMIT) -> list[str]:
    """Whole lines per part where they fit; a line longer than a part is cut at spaces."""
    parts: list[str] = []
    current = ""
    for line in lines:
        for piece in _pieces(line, limit):
            if current and len(current) + 1 + len(piece) > limit:
                parts.append(current)
                current = ""
            current = f"{current}\n{piece}" if current else piece
    if current:
        parts.append(current)
    return parts


def _pieces(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(line[:cut])
        line = line[cut:].lstrip()
    return [*pieces, line]


_SPACES = re.compile(r"[ \t]+")


async def data_copy(uow: UnitOfWork, reporter: Reporter, envelope: Envelope, now: datetime) -> list[Message]:
    reports = await uow.reports.list_for_reporter(reporter.platform, reporter.user_id)
    who = f"{reporter.platform} user {reporter.user_id}"
    if reporter.display_name:
        who += f" ({reporter.display_name})"
    lines = [
        "What Tipline holds about you",
        f"You, as Tipline knows you: {who}.",
        f"Reports you have sent: {len(reports)}.",
    ]
    checks = await uow.watchlist.checks_since(
        f"{reporter.platform}:{reporter.user_id}", datetime.min.replace(tzinfo=UTC)
    )
    if checks:
        lines.append(
            f"Times you asked to check a contact: {checks} (only that you asked and the result are kept, "
            "not what you checked)."
        )
    for report in reports:
        lines.append("")
        lines += _report(report, await uow.messages.for_report(report.reference))
    draft = _draft(envelope)
    if draft:
        lines += ["", *draft]
    lines += ["", LEFT_OUT]
    parts = split(_SPACES.sub(" ", line) for line in lines)
    if len(parts) > MAX_PARTS:
        parts = [
            *parts[: MAX_PARTS - 1],
            f"That is the first {MAX_PARTS - 1} parts; the rest is too long for a chat. Ask the security "
            "team for your full copy as a file.",
        ]
    await uow.audit.add(
        AuditEvent(
            at=now,
            actor=f"{reporter.platform}:{reporter.user_id}",
            platform=reporter.platform,
            action="reporter.data_copy",
            detail={"reports": len(reports), "parts": len(parts)},
        )
    )
    total = len(parts)
    if total == 1:
        return [Text(parts[0])]
    return [Text(f"({n} of {total})\n{part}") for n, part in enumerate(parts, start=1)]
