"""Inbox events as Slack Block Kit: the report's card, and the lines in its thread.

Pure functions: an InboxEvent in, blocks (slack_sdk.models.blocks, checked against Slack's
limits) out. What the card and its thread say is decided once, in bot.inbox (InboxCard,
ThreadLine), for Slack, Teams and email alike; this module only lays it out in Block Kit.

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

from adapters.slack.blocks import escape
from bot.inbox import (
    NO_REASON,
    ActorRef,
    InboxCard,
    Line,
    LineKind,
    MessageLine,
    Section,
    Theirs,
    ThreadLine,
    inbox_card,
    subject,
    thread_line,
)
from bot.inbox_events import InboxEvent
from bot.report import Reporter, Severity
from bot.text_safety import clean
from bot.triage import TriageAction

PREFIX: Final = "triage:"  # a triage button's action id is PREFIX + the TriageAction


def action_id(action: TriageAction) -> str:
    return PREFIX + action.value


def triage_action(action_id: str) -> TriageAction | None:
    """The TriageAction a button's action id names (also the ids of cards posted earlier)."""
    return TriageAction.parse(action_id.removeprefix(PREFIX)) if action_id.startswith(PREFIX) else None


# Action ids of the triage buttons; each button's value is the report's reference.
ACK: Final = action_id(TriageAction.ACKNOWLEDGE)
ASSIGN_ME: Final = action_id(TriageAction.ASSIGN_TO_ME)
ASK: Final = action_id(TriageAction.ASK)
NOTE: Final = action_id(TriageAction.NOTE)
CLOSE: Final = action_id(TriageAction.CLOSE)
REOPEN: Final = action_id(TriageAction.REOPEN)
SHARE_STIX: Final = action_id(TriageAction.SHARE_STIX)
OLDER_ASSIGN_ME: Final = "triage:assign_me"  # on cards posted before TriageAction: still answered
ACTIONS_BLOCK_ID: Final = "triage"

SHORTENED: Final = "(shortened — the full text is in the report)"
SECTION_LIMIT: Final = 3000  # a section block's text
HEADER_LIMIT: Final = 150  # a header block's plain text
FIELD_LIMIT: Final = 1400  # one field of the card: two always fit in one section block
MAX_BLOCKS: Final = 50  # per message

_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")

_SEVERITY_MARK = {
    Severity.CRITICAL: ":red_circle:",
    Severity.HIGH: ":large_orange_circle:",
    Severity.MEDIUM: ":large_yellow_circle:",
    Severity.LOW: ":white_circle:",
}
_LINE_MARK = {
    LineKind.ACKNOWLEDGED: ":eyes:",
    LineKind.ASSIGNED: ":bust_in_silhouette:",
    LineKind.CLOSED: ":white_check_mark:",
    LineKind.LINKED: ":link:",
    LineKind.REOPENED: ":arrows_counterclockwise:",
    LineKind.REMINDER: ":alarm_clock:",
    LineKind.MISSED: ":warning:",
    LineKind.UPDATED: ":pencil2:",
    LineKind.CAMPAIGN: ":jigsaw:",
}
_LINE_BLOCK = {
    LineKind.REMINDER: "reminder",
    LineKind.MISSED: "reminder",
    LineKind.UPDATED: "updated",
    LineKind.CAMPAIGN: "campaign",
}


# --- Text --------------------------------------------------------------------------------------


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


def shorten_plain(text: str, limit: int) -> str:
    """Text not yet escaped, cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def _plain(text: str, limit: int) -> PlainTextObject:
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return PlainTextObject(text=text, emoji=True)


def notification_text(event: InboxEvent) -> str:
    """What notifications show: the reference and what happened, no reporter text at all."""
    return subject(event)


def reporter_line(reporter: Reporter) -> str:
    """Who reported: a mention of the real Slack user, else their platform and name as text."""
    if reporter.platform == "slack" and _SLACK_USER_ID.match(reporter.user_id):
        return f"<@{reporter.user_id}>"
    who = reporter.display_name or reporter.user_id
    return f"{safe(who)} (on {safe(reporter.platform)})"


def actor_text(actor_id: str) -> str:
    """An analyst's actor id ("slack:U123", "cli:alice") as the team reads it."""
    platform, _, user_id = actor_id.partition(":")
    if platform == "slack" and _SLACK_USER_ID.match(user_id):
        return f"<@{user_id}>"
    return safe(user_id or actor_id) + (f" ({safe(platform)})" if user_id else "")


def _line(parts: Line) -> str:
    """Our words as they are (they hold no mrkdwn), theirs escaped, the analyst as a mention."""
    return "".join(
        escape(p.text) if isinstance(p, Theirs) else actor_text(p.actor_id) if isinstance(p, ActorRef) else p
        for p in parts
    )


# --- The card ----------------------------------------------------------------------------------


def card_blocks(event: InboxEvent) -> list[Block]:
    """The report's card: header, severity and why, status, who reported, every field given,
    and the triage buttons that apply to its status."""
    card = inbox_card(event)
    blocks: list[Block] = [
        HeaderBlock(
            text=_plain(f"{_SEVERITY_MARK[card.severity]} {card.title}", HEADER_LIMIT), block_id="header"
        ),
        SectionBlock(text=mrkdwn(_severity_text(card)), block_id="severity"),
        SectionBlock(text=mrkdwn(_status_text(card)), block_id="status"),
        ContextBlock(elements=[mrkdwn(_about_text(card))], block_id="about"),
        DividerBlock(),
    ]
    for index, section in enumerate(card.sections, start=1):  # s0 was the report's bookkeeping
        blocks.extend(_section_blocks(section, f"s{index}"))
    blocks.append(ContextBlock(elements=[mrkdwn(card.footer)], block_id="footer"))
    blocks.append(ActionsBlock(elements=triage_buttons(card), block_id=ACTIONS_BLOCK_ID))
    if len(blocks) > MAX_BLOCKS:  # cannot happen with today's sections; never send what Slack refuses
        blocks = [*blocks[: MAX_BLOCKS - 2], blocks[-2], blocks[-1]]
    return blocks


def _severity_text(card: InboxCard) -> str:
    lines = [f"*{card.severity_line}*"]
    lines += [f"• {escape(reason)}" for reason in card.reasons] or [NO_REASON]
    return shorten("\n".join(lines), SECTION_LIMIT)


def _status_text(card: InboxCard) -> str:
    status = f"*{card.status_line}*" + (f" — {card.outcome}" if card.outcome else "")
    lines = [status, *(_line(line) for line in card.status_lines)]
    if card.links:
        linked = ", ".join(f"{escape(link.reference)} ({link.kind})" for link in card.links)
        lines.append(f"Linked to {linked}")
    if card.campaign is not None:
        c = card.campaign
        lines.append(f":jigsaw: *{c.label}* ({c.status}): {escape(shorten_plain(c.title, 200))}")
    text = "\n".join(lines)
    if card.closing_message:
        closing = "*Told the reporter:*\n" + _quote(escape(card.closing_message))
        text = f"{text}\n{shorten(closing, SECTION_LIMIT - len(text) - 1)}"
    return shorten(text, SECTION_LIMIT)


def _about_text(card: InboxCard) -> str:
    parts = [f"Reported by {reporter_line(card.reporter)}", *card.about]
    return shorten(" · ".join(parts), SECTION_LIMIT)


def _section_blocks(section: Section, block_id: str) -> list[Block]:
    """One section block per report section; split between fields when it would be too long."""
    shown = [_field_text(f.label, f.value) for f in section.fields]
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


def _field_text(label: str, value: str | Sequence[str]) -> str:
    name = f"*{escape(label)}:*"
    if isinstance(value, str):
        escaped = escape(value)
        text = f"{name} {escaped}" if "\n" not in escaped else f"{name}\n{escaped}"
    else:
        text = "\n".join([name, *(f"• {escape(item)}" for item in value)])
    return shorten(text, FIELD_LIMIT)


def _quote(text: str) -> str:
    return "\n".join(f">{line}" for line in text.splitlines() or [""])


# --- Buttons -----------------------------------------------------------------------------------

_BUTTON_TEXT = {
    TriageAction.ACKNOWLEDGE: "Acknowledge",
    TriageAction.ASSIGN_TO_ME: "Assign to me",
    TriageAction.ASK: "Ask reporter…",
    TriageAction.NOTE: "Add note…",
    TriageAction.CLOSE: "Close…",
    TriageAction.REOPEN: "Reopen",
    TriageAction.SHARE_STIX: "Share as STIX",
}


def triage_buttons(card: InboxCard) -> list[ButtonElement]:
    """A button for each action the card offers (bot.triage.actions_for decides which)."""
    return [_button(action, card.reference) for action in card.actions]


def _button(action: TriageAction, reference: str) -> ButtonElement:
    confirm = None
    if action is TriageAction.REOPEN:
        confirm = ConfirmObject(
            title="Reopen this report?",
            text=f"{reference} goes back to in progress, with a new deadline for feedback.",
            confirm="Reopen",
            deny="Cancel",
        )
    return ButtonElement(
        text=PlainTextObject(text=_BUTTON_TEXT[action], emoji=True),
        action_id=action_id(action),
        value=reference,
        style="primary" if action is TriageAction.ACKNOWLEDGE else None,
        confirm=confirm,
    )


# --- The thread --------------------------------------------------------------------------------


def thread_blocks(event: InboxEvent) -> list[Block]:
    """What goes in the card's thread for this event (nothing for a new report: that is the card)."""
    line = thread_line(event)
    if line is None:
        return []
    if isinstance(line, MessageLine):
        return [SectionBlock(text=mrkdwn(message_text(line)), block_id="message")]
    return [SectionBlock(text=mrkdwn(thread_text(line)), block_id=_LINE_BLOCK.get(line.kind, "status"))]


def message_text(message: MessageLine) -> str:
    """`*Question to the reporter* · Security team` and the words, quoted."""
    head = f"*{escape(message.title)}* · {escape(message.sender)}"
    return shorten(f"{head}\n{_quote(escape(message.body))}", SECTION_LIMIT)


def thread_text(line: ThreadLine) -> str:
    """One line: what changed (or is due), and who did it."""
    return shorten(f"{_LINE_MARK[line.kind]} {_line(line.parts)}", SECTION_LIMIT)


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
