"""Inbox events as Slack Block Kit: the report's card, and the lines in its thread.

Pure functions: an InboxEvent in, blocks (slack_sdk.models.blocks, checked against Slack's
limits) out. The content is adapters.inbox.rendering's `sections`, the same structure the
email shows, with Slack's own layout around it.

Rules that protect the security team (the channel is where they click):
  - Every piece of text that came from a reporter, a contact or an analyst is escaped for
    mrkdwn (& < > become &amp; &lt; &gt;), so "<!channel>", "<@U123>" or "<https://x|click>"
    in a report shows as those characters and never pings, mentions or links.
  - Every mrkdwn text object is `verbatim`: Slack does not turn bare web addresses, channel
    names or "@here" into links or mentions. Web addresses are also defanged
    (hxxps://evil[.]example), as in the email, so a copy-paste does not open them either.
  - The only mention we write is the reporter's, `<@U…>`, and only when the report came
    from Slack with a well-formed user id: the team sees the real person, not a name anyone
    could type.
  - Long text is cut below Slack's limits with a note saying so; the full text is in the
    report (the CLI, the file and webhook destinations).
  - The notification text (what a phone pop-up shows) is the email's subject line: the
    reference and our own words, no reporter text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.inbox.rendering import NOT_GIVEN, Field, Section, clean, label, sections, subject
from bot.inbox_events import EventKind, InboxEvent, Reminder, StatusChange, ThreadMessage
from bot.report import Report, Severity, Status

# Action ids of the triage buttons; each button's value is the report's reference.
ACK: Final = "triage:ack"
ASSIGN_ME: Final = "triage:assign_me"
ASK: Final = "triage:ask"
NOTE: Final = "triage:note"
CLOSE: Final = "triage:close"
REOPEN: Final = "triage:reopen"
ACTIONS_BLOCK_ID: Final = "triage"

SHORTENED: Final = "(shortened — the full text is in the report)"
SECTION_LIMIT: Final = 3000  # a section block's text
HEADER_LIMIT: Final = 150  # a header block's plain text
FIELD_LIMIT: Final = 1400  # one field of the card: two always fit in one section block
MAX_BLOCKS: Final = 50  # per message

_NOTHING = frozenset({NOT_GIVEN, "None given"})
_REPORT_META = "Report"  # rendering's first section: shown here as the header and status lines
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")

_SEVERITY_MARK = {
    Severity.CRITICAL: ":red_circle:",
    Severity.HIGH: ":large_orange_circle:",
    Severity.MEDIUM: ":large_yellow_circle:",
    Severity.LOW: ":white_circle:",
}

FOOTER: Final = (
    "Web addresses are shown as hxxp:// and [.] so that they cannot be opened by accident; "
    "the exact values are kept in the report."
)


# --- Text --------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text made inert for mrkdwn: Slack's three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe(text: str) -> str:
    """Text we did not write, for mrkdwn: control characters gone, web addresses defanged, escaped."""
    return escape(clean(text))


def shorten(text: str, limit: int) -> str:
    """`text` (already escaped) cut to at most `limit` characters, saying that it was cut.

    The cut never splits an entity such as &amp; (that would show a stray "&am").
    """
    if len(text) <= limit:
        return text
    note = f"\n_{SHORTENED}_"
    cut = text[: max(0, limit - len(note))]
    cut = _PARTIAL_ENTITY.sub("", cut)
    return cut.rstrip() + note


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def _plain(text: str, limit: int) -> PlainTextObject:
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return PlainTextObject(text=text, emoji=True)


def notification_text(event: InboxEvent) -> str:
    """What notifications show: the reference and what happened, no reporter text at all."""
    return subject(event)


def reporter_line(report: Report) -> str:
    """Who reported: a mention of the real Slack user, else their platform and name as text."""
    reporter = report.reporter
    if reporter.platform == "slack" and _SLACK_USER_ID.match(reporter.user_id):
        return f"<@{reporter.user_id}>"
    who = reporter.display_name or reporter.user_id
    return f"{safe(who)} (on {safe(reporter.platform)})"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC").lstrip("0")


# --- The card ----------------------------------------------------------------------------------


def card_blocks(event: InboxEvent) -> list[Block]:
    """The report's card: header, severity and why, status, who reported, every field given,
    and the triage buttons that apply to its status."""
    report = event.report
    blocks: list[Block] = [
        HeaderBlock(
            text=_plain(
                f"{_SEVERITY_MARK[report.severity]} {report.reference} · {label(report.severity)} severity",
                HEADER_LIMIT,
            ),
            block_id="header",
        ),
        SectionBlock(text=mrkdwn(_severity_text(report)), block_id="severity"),
        SectionBlock(text=mrkdwn(_status_text(report)), block_id="status"),
        ContextBlock(elements=[mrkdwn(_about_text(report))], block_id="about"),
        DividerBlock(),
    ]
    report_only = event.model_copy(update={"message": None, "status_change": None, "reminder": None})
    for index, section in enumerate(sections(report_only)):
        if section.title != _REPORT_META:
            blocks.extend(_section_blocks(section, f"s{index}"))
    blocks.append(ContextBlock(elements=[mrkdwn(FOOTER)], block_id="footer"))
    blocks.append(ActionsBlock(elements=triage_buttons(report), block_id=ACTIONS_BLOCK_ID))
    if len(blocks) > MAX_BLOCKS:  # cannot happen with today's sections; never send what Slack refuses
        blocks = [*blocks[: MAX_BLOCKS - 2], blocks[-2], blocks[-1]]
    return blocks


def _severity_text(report: Report) -> str:
    lines = [f"*Severity: {label(report.severity)}*"]
    reasons = [f"• {safe(reason)}" for reason in report.severity_reasons if reason.strip()]
    lines += reasons or ["No particular reason was recorded."]
    return shorten("\n".join(lines), SECTION_LIMIT)


def _status_text(report: Report) -> str:
    status = f"*Status: {label(report.status)}*"
    if report.status is Status.CLOSED:
        status += f" — {label(report.outcome)}" if report.outcome else ""
    lines = [status]
    if report.assigned_to:
        lines.append(f"Assigned to {safe(report.assigned_to)}")
    elif report.status is not Status.CLOSED:
        lines.append("Not assigned yet")
    if report.acknowledged_at:
        lines.append(f"Acknowledged {_when(report.acknowledged_at)}")
    if report.closed_at:
        lines.append(f"Closed {_when(report.closed_at)}")
    if report.links:
        linked = ", ".join(f"{safe(link.reference)} ({label(link.kind).lower()})" for link in report.links)
        lines.append(f"Linked to {linked}")
    text = "\n".join(lines)
    if report.closing_message:
        closing = "*Told the reporter:*\n" + _quote(safe(report.closing_message))
        text = f"{text}\n{shorten(closing, SECTION_LIMIT - len(text) - 1)}"
    return shorten(text, SECTION_LIMIT)


def _about_text(report: Report) -> str:
    detail = "Full report" if report.detail_level == "full" else "Quick report: the essentials only"
    parts = [
        f"Reported by {reporter_line(report)}",
        f"{_when(report.created_at)}",
        detail,
    ]
    if report.revision > 1:
        parts.append(f"revision {report.revision}, updated {_when(report.updated_at)}")
    return shorten(" · ".join(parts), SECTION_LIMIT)


def _section_blocks(section: Section, block_id: str) -> list[Block]:
    """One section block per report section; split between fields when it would be too long."""
    shown = [_field_text(f) for f in section.fields if not _is_empty(f)]
    if not shown:
        return []
    title = f"*{escape(section.title)}*"
    chunks: list[list[str]] = [[]]
    size = len(title)
    for text in shown:
        if chunks[-1] and size + 1 + len(text) > SECTION_LIMIT:
            chunks.append([])
            size = len(title)
        chunks[-1].append(text)
        size += 1 + len(text)
    return [
        SectionBlock(text=mrkdwn("\n".join([title, *chunk])), block_id=f"{block_id}.{n}")
        for n, chunk in enumerate(chunks)
    ]


def _is_empty(field: Field) -> bool:
    return isinstance(field.value, str) and field.value in _NOTHING


def _field_text(field: Field) -> str:
    name = f"*{escape(field.label)}:*"
    if isinstance(field.value, str):
        value = escape(field.value)
        text = f"{name} {value}" if "\n" not in value else f"{name}\n{value}"
    else:
        text = "\n".join([name, *(f"• {escape(item)}" for item in field.value)])
    return shorten(text, FIELD_LIMIT)


def _quote(text: str) -> str:
    return "\n".join(f">{line}" for line in text.splitlines() or [""])


# --- Buttons -----------------------------------------------------------------------------------


def triage_buttons(report: Report) -> list[ButtonElement]:
    """The buttons that apply: a closed report can take a note or be reopened, nothing else."""
    ref = report.reference
    if report.status is Status.CLOSED:
        return [
            _button("Add note…", NOTE, ref),
            _button(
                "Reopen",
                REOPEN,
                ref,
                confirm=ConfirmObject(
                    title="Reopen this report?",
                    text=f"{ref} goes back to in progress, with a new deadline for feedback.",
                    confirm="Reopen",
                    deny="Cancel",
                ),
            ),
        ]
    buttons = []
    if report.status is Status.NEW:
        buttons.append(_button("Acknowledge", ACK, ref, style="primary"))
    buttons += [
        _button("Assign to me", ASSIGN_ME, ref),
        _button("Ask reporter…", ASK, ref),
        _button("Add note…", NOTE, ref),
        _button("Close…", CLOSE, ref),
    ]
    return buttons


def _button(
    text: str,
    action_id: str,
    reference: str,
    *,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=text, emoji=True),
        action_id=action_id,
        value=reference,
        style=style,
        confirm=confirm,
    )


# --- The thread --------------------------------------------------------------------------------


def thread_blocks(event: InboxEvent) -> list[Block]:
    """What goes in the card's thread for this event (nothing for a new report: that is the card)."""
    if event.event is EventKind.MESSAGE and event.message is not None:
        return [SectionBlock(text=mrkdwn(message_text(event.message)), block_id="message")]
    if event.event is EventKind.STATUS and event.status_change is not None:
        return [SectionBlock(text=mrkdwn(status_text(event.status_change)), block_id="status")]
    if event.event is EventKind.REMINDER and event.reminder is not None:
        return [SectionBlock(text=mrkdwn(reminder_text(event, event.reminder)), block_id="reminder")]
    if event.event is EventKind.UPDATED:
        text = (
            f":pencil2: The reporter added detail (revision {event.report.revision}); "
            "the card above shows it."
        )
        return [SectionBlock(text=mrkdwn(text), block_id="updated")]
    return []


def message_text(message: ThreadMessage) -> str:
    """`*Question to the reporter* · Security team` and the words, quoted."""
    head = f"*{escape(label(message.kind))}* · {safe(message.from_label)}"
    return shorten(f"{head}\n{_quote(safe(message.body))}", SECTION_LIMIT)


def status_text(change: StatusChange) -> str:
    """One line: what changed, and who did it."""
    by = actor_text(change.by)
    if change.action == "closed":
        outcome = label(change.outcome) if change.outcome else "no outcome given"
        text = (
            f":white_check_mark: Closed by {by}: {outcome}. The reporter has been sent the closing message."
        )
    elif change.action == "assigned":
        who = safe(change.assigned_to) if change.assigned_to else "someone"
        text = f":bust_in_silhouette: Assigned to {who} by {by}."
    elif change.action == "linked":
        kind = f" ({change.link_kind})" if change.link_kind else ""
        text = f":link: Linked to {safe(change.linked_reference or 'another report')}{kind} by {by}."
    elif change.action == "acknowledged":
        text = f":eyes: Acknowledged by {by}. The reporter has been told the team has it."
    else:
        text = f":arrows_counterclockwise: Reopened by {by}."
    return shorten(text, SECTION_LIMIT)


def actor_text(actor_id: str) -> str:
    """An analyst's actor id ("slack:U123", "cli:alice") as the team reads it."""
    platform, _, user_id = actor_id.partition(":")
    if platform == "slack" and _SLACK_USER_ID.match(user_id):
        return f"<@{user_id}>"
    return safe(user_id or actor_id) + (f" ({safe(platform)})" if user_id else "")


def reminder_text(event: InboxEvent, reminder: Reminder) -> str:
    """`Reminder: acknowledgement due in 3 hours` / `Missed: acknowledgement was due …`."""
    what = subject(event).removeprefix(f"[{event.reference}] ")
    mark = ":alarm_clock:" if reminder.stage == "near" else ":warning:"
    return f"{mark} {escape(what)}"


# --- Serialising -------------------------------------------------------------------------------


def to_dicts(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    """The blocks as Slack's JSON, each checked against Block Kit's limits first."""
    out = []
    for block in blocks:
        block.validate_json()
        out.append(block.to_dict())
    return out


def all_text(blocks: Sequence[dict[str, Any]]) -> str:
    """Every text in some blocks, joined (for checks and tests)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(list(blocks))
    return "\n".join(found)
