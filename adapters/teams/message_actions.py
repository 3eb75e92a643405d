"""The message extension's two commands on any Teams message ("…" → Report this message, Check
this contact): the message read out of an invoke, and the dialogs and answers sent back. Pure:
invoke bodies in, response bodies out.

The message is kept as a reporter would want the security team to see it: its words (Teams'
HTML undone, each link's real target beside its label), who sent it and when, its link, and
the names of its attachments (their contents stay in Teams: the bot can't open them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from adapters.teams.card_parts import ADAPTIVE, SCHEMA, VERSION
from adapters.teams.inbound_text import message_text
from adapters.teams.text import escape, fit, plain
from bot.report import EvidenceFile

REPORT: Final = "reportMessage"
CHECK: Final = "checkContact"
FETCH: Final = "composeExtension/fetchTask"
SUBMIT: Final = "composeExtension/submitAction"
CONFIRM: Final = "tipline_flag"  # the dialog's submit carries {CONFIRM: REPORT}
MAX_TEXT: Final = 40_000  # as much of the words as a report keeps (EvidenceFile.text)
SHOWN_TEXT: Final = 1_500  # as much as the dialog shows

STARTED: Final = (
    "Thank you. Your report has started in your private chat with Tipline, with this message "
    'attached; the next questions are there. If they don\'t appear, open that chat and type "report".'
)
CHECKING: Final = "I'm checking the contact in this message; the answer is in your private chat with Tipline."
FROM_INBOX: Final = (
    "This message is in the security team's own channel, so it is already with them. To report "
    "something yourself, message Tipline privately."
)
UNREADABLE: Final = (
    "I couldn't read that message. Please try again, or copy its words into your chat with Tipline."
)


@dataclass(frozen=True)
class FlaggedTeamsMessage:
    message_id: str
    text: str  # plain, links' targets kept
    sender_id: str | None
    sender_name: str | None
    sent_at: str | None
    link: str | None
    attachments: tuple[str, ...]  # names

    def evidence(self, conversation_id: str) -> EvidenceFile:
        words = self.text
        if self.attachments:
            words += "\n\nAttachments: " + ", ".join(self.attachments)
        return EvidenceFile(
            id=f"teams-message:{conversation_id}:{self.message_id}"[:300],
            name="Teams message",
            mime_type="text/plain",
            url=self.link,
            text=words[:MAX_TEXT] or None,
            sent_by=f"teams:{self.sender_id}" if self.sender_id else None,
        )


def command_of(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(invoke name, command id) of a message extension invoke; None for any other."""
    name, value = body.get("name"), body.get("value")
    if name not in (FETCH, SUBMIT) or not isinstance(value, Mapping):
        return None
    command = value.get("commandId")
    return (str(name), str(command)) if command in (REPORT, CHECK) else None


def flagged_message(body: Mapping[str, Any]) -> FlaggedTeamsMessage | None:
    """The message the command was used on; None when the invoke doesn't carry one."""
    value = body.get("value")
    payload = value.get("messagePayload") if isinstance(value, Mapping) else None
    if not isinstance(payload, Mapping) or not isinstance(payload.get("id"), str):
        return None
    content = _map(payload.get("body")).get("content")
    text, _ = message_text(content if isinstance(content, str) else "", None, None)
    sender = _map(_map(payload.get("from")).get("user")) or _map(_map(payload.get("from")).get("application"))
    names = tuple(
        str(a.get("name"))
        for a in payload.get("attachments") or []
        if isinstance(a, Mapping) and isinstance(a.get("name"), str) and a.get("name")
    )
    return FlaggedTeamsMessage(
        message_id=str(payload["id"]),
        text=text,
        sender_id=_str(sender.get("id")),
        sender_name=_str(sender.get("displayName")),
        sent_at=_str(payload.get("createdDateTime")),
        link=_str(payload.get("linkToMessage")),
        attachments=names,
    )


def confirm_dialog(flagged: FlaggedTeamsMessage) -> dict[str, Any]:
    """What will be kept, shown before anything is: the reporter says yes in the dialog."""
    facts = [
        {"title": "From", "value": fit(flagged.sender_name or "(not shown by Teams)", 200)},
        {"title": "Sent", "value": fit(flagged.sent_at or "(not shown by Teams)", 100)},
    ]
    if flagged.attachments:
        facts.append({"title": "Attachments", "value": fit(", ".join(flagged.attachments), 500)})
    body = [
        _block(escape("This message will go to the security team with your report:"), weight="Bolder"),
        {
            "type": "Container",
            "style": "emphasis",
            "items": [_block(fit(flagged.text or "(no text)", SHOWN_TEXT))],
        },
        {"type": "FactSet", "facts": facts},
        _block(
            escape(
                "Links are kept with where they really go. Only the security team will see it; the "
                "sender is not told. Your private chat with Tipline asks a few questions next."
            ),
            isSubtle=True,
        ),
    ]
    card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "actions": [{"type": "Action.Submit", "title": "Report it", "data": {CONFIRM: REPORT}}],
    }
    return _continue("Report this message", {"contentType": ADAPTIVE, "content": card})


def install_dialog(app_id: str) -> dict[str, Any]:
    """For someone who has never opened their private chat with Tipline: a link to it."""
    card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": [
            _block(
                escape(
                    "Reports are made in your private chat with Tipline, so that what you tell it stays "
                    "between you and the security team. Open it once, then use this again on the message."
                )
            )
        ],
        "actions": [
            {
                "type": "Action.OpenUrl",
                "title": "Open Tipline",
                "url": f"https://teams.microsoft.com/l/app/{app_id}",
            }
        ],
    }
    return _continue("Open your chat with Tipline", {"contentType": ADAPTIVE, "content": card})


def message_dialog(text: str) -> dict[str, Any]:
    """A dialog that only says something (Teams shows it in place of the form)."""
    return {"task": {"type": "message", "value": plain(text, 500)}}


def _continue(title: str, card: dict[str, Any]) -> dict[str, Any]:
    return {
        "task": {
            "type": "continue",
            "value": {"title": title, "height": "medium", "width": "medium", "card": card},
        }
    }


def _block(escaped: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": escaped, "wrap": True, **extra}


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
