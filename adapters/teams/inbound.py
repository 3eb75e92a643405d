"""Teams activities -> (conversation key, reporter, user action, dedupe id, files). Pure: no I/O.

Whose conversation it is comes from the tenant and the person's Microsoft Entra object id
(the id the security team is configured by), so a typed message, a card submit and a shared
file all land on one conversation. The Bot Framework redelivers an activity with the same
id; Teams' message ids are unique only within a conversation, so the dedupe id is the
conversation's id with the activity's. Activities come from outside and are often odd (a missing field,
a number where a string should be), so nothing here raises: what can't be read is None.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.teams.inbound_text import message_text
from adapters.teams.text import plain
from bot.conversation import ConversationKey
from bot.report import EvidenceFile, Reporter
from flows.actions import PickOptions, SubmitForm, TextAnswer, UserAction

PLATFORM = "teams"
FILE_SHARE = "application/vnd.microsoft.teams.file.download.info"
CHOSEN = 200  # how much of what was sent the read-only copy repeats

Payload = Mapping[str, Any]

_MIME = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "txt": "text/plain",
    "csv": "text/csv",
    "eml": "message/rfc822",
    "msg": "application/vnd.ms-outlook",
    "zip": "application/zip",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}


@dataclass(frozen=True)
class Inbound:
    key: ConversationKey
    reporter: Reporter
    action: UserAction | None  # None: nothing for the flow (e.g. only files, or an install)
    dedupe_id: str
    conversation_type: str  # "personal" | "channel" | "groupChat"
    conversation_id: str
    reply_to_id: str | None = None  # a card submit's replyToId: the card that was submitted
    chosen: str | None = None  # what a card submit chose, in words, for the read-only copy
    files: tuple[EvidenceFile, ...] = ()
    mentions_bot: bool = False
    installed: bool = False  # conversationUpdate that added the bot


def _map(value: Any) -> Payload:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def dedupe_id(conversation_id: str, activity_id: str) -> str:
    """Unique across conversations, and short enough to store (conversation ids can be long)."""
    joined = f"{conversation_id}|{activity_id}"
    return joined if len(joined) <= 160 else "sha256:" + hashlib.sha256(joined.encode()).hexdigest()


def _base(activity: Payload) -> Inbound | None:
    """Who, where and which activity, with no action yet; None without the ids a reply needs."""
    sender, conversation = _map(activity.get("from")), _map(activity.get("conversation"))
    user_id = _str(sender.get("aadObjectId")) or _str(sender.get("id"))
    activity_id, conversation_id = _str(activity.get("id")), _str(conversation.get("id"))
    if user_id is None or activity_id is None or conversation_id is None:
        return None
    tenant = _str(_map(_map(activity.get("channelData")).get("tenant")).get("id"))
    tenant = tenant or _str(conversation.get("tenantId")) or ""
    reporter = Reporter(
        platform=PLATFORM, user_id=user_id, display_name=_str(sender.get("name")), workspace=tenant
    )
    return Inbound(
        key=ConversationKey(PLATFORM, tenant, user_id),
        reporter=reporter,
        action=None,
        dedupe_id=dedupe_id(conversation_id, activity_id),
        conversation_type=_str(conversation.get("conversationType")) or "personal",
        conversation_id=conversation_id,
        reply_to_id=_str(activity.get("replyToId")),
    )


def sender_of(activity: Payload) -> Inbound | None:
    """Who sent any activity (an invoke too), where, and its dedupe id; no action."""
    try:
        return _base(activity) if isinstance(activity, Mapping) else None
    except (TypeError, ValueError, AttributeError):
        return None


def from_activity(activity: Payload) -> Inbound | None:
    """What the service needs from one activity; None for anything that isn't for it."""
    try:
        return _read(activity)
    except (TypeError, ValueError, AttributeError):  # a shape nobody foresaw: not ours to handle
        return None


def _read(activity: Payload) -> Inbound | None:
    if not isinstance(activity, Mapping):
        return None
    kind = activity.get("type")
    base = _base(activity)
    if base is None:
        return None
    if kind == "conversationUpdate":
        return _installed(activity, base)
    if kind != "message":
        return None
    value = activity.get("value")
    if isinstance(value, Mapping):
        return _submit(value, base)
    bot = _str(_map(activity.get("recipient")).get("id"))
    text, mentioned = message_text(activity.get("text"), activity.get("entities"), bot)
    return _replace(
        base, TextAnswer(text) if text else None, None, _files(activity, str(activity.get("id"))), mentioned
    )


def _replace(
    base: Inbound,
    action: UserAction | None,
    chosen: str | None,
    files: tuple[EvidenceFile, ...] = (),
    mentions_bot: bool = False,
) -> Inbound:
    return Inbound(
        base.key,
        base.reporter,
        action,
        base.dedupe_id,
        base.conversation_type,
        base.conversation_id,
        base.reply_to_id,
        chosen,
        files,
        mentions_bot,
    )


def _installed(activity: Payload, base: Inbound) -> Inbound | None:
    bot = _str(_map(activity.get("recipient")).get("id"))
    added = activity.get("membersAdded")
    members = added if isinstance(added, list) else []
    if bot is None or not any(_map(m).get("id") == bot for m in members):
        return None
    return Inbound(
        base.key,
        base.reporter,
        None,
        base.dedupe_id,
        base.conversation_type,
        base.conversation_id,
        installed=True,
    )


# ---- card submits ----------------------------------------------------------------------------------


def _submit(value: Payload, base: Inbound) -> Inbound:
    """One of our cards' submits; any other card's (a triage card in a channel) carries no action."""
    kind, token = value.get("tipline"), value.get("token")
    if kind not in ("pick", "form") or not isinstance(token, str):
        return base
    labels = _map(value.get("labels"))
    if kind == "pick":
        picked = str(value.get("value", ""))
        return _replace(base, PickOptions(token, (picked,)), _words(value.get("title") or picked))
    key = str(value.get("key") or "")
    if key == "edit":
        edit = str(value.get("edit", ""))
        return _replace(
            base, PickOptions(token, (edit,)), _words(f"Changing {labels.get(edit) or 'an answer'}")
        )
    if key == "choice" or ("choice" in value and key not in value):
        picked_values = tuple(v for v in (p.strip() for p in str(value.get("choice", "")).split(",")) if v)
        words = ", ".join(str(labels.get(v) or v) for v in picked_values) or "(nothing picked)"
        return _replace(base, PickOptions(token, picked_values), _words(words))
    typed = value.get(key, "")
    typed = "" if typed is None else str(typed)
    return _replace(base, SubmitForm(token, {key: typed}), _words(typed or "(nothing typed)"))


def _words(text: Any) -> str:
    return plain(str(text), CHOSEN)


# ---- files -----------------------------------------------------------------------------------------


def _files(activity: Payload, activity_id: str) -> tuple[EvidenceFile, ...]:
    raw = activity.get("attachments")
    found = [_evidence(_map(a), activity_id, i) for i, a in enumerate(raw if isinstance(raw, list) else [])]
    return tuple(f for f in found if f is not None)


def file_evidence_id(attachment: Payload) -> str | None:
    """The evidence id of a shared file: its unique id in Teams, else its address."""
    unique = _str(_map(attachment.get("content")).get("uniqueId")) or _str(attachment.get("contentUrl"))
    return f"teams-file:{unique}" if unique else None


def _evidence(attachment: Payload, activity_id: str, index: int) -> EvidenceFile | None:
    kind = _str(attachment.get("contentType")) or ""
    url = _str(attachment.get("contentUrl"))
    if kind == FILE_SHARE:
        content = _map(attachment.get("content"))
        evidence_id = file_evidence_id(attachment)
        if evidence_id is None:
            return None
        name = _str(attachment.get("name")) or "Shared file"
        file_type = (_str(content.get("fileType")) or name.rsplit(".", 1)[-1]).lower()
        return EvidenceFile(id=evidence_id, name=name, mime_type=_MIME.get(file_type), url=url)
    if kind.startswith("image/") and url is not None:
        mime = kind if "*" not in kind else None
        return EvidenceFile(
            id=f"teams-image:{activity_id}:{index}", name=f"Image {index + 1}", mime_type=mime, url=url
        )
    return None  # text/html (the body again), Adaptive Cards, anything else
