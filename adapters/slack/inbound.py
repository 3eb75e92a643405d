"""Slack events and interactions -> (conversation key, reporter, user action, dedupe id). Pure: no I/O.

Whose conversation it is comes from the workspace (team id) and the member id, the same way
for events, clicks, forms, /report and the message shortcut, so they all land on one
conversation. Events are deduplicated by Slack's event_id (redeliveries carry the same one);
interactions, which Slack doesn't redeliver, by an id made from what makes a click unique.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack import blocks as ui
from bot.conversation import ConversationKey
from bot.report import EvidenceFile, Reporter
from flows.actions import PickOptions, SubmitForm, TextAnswer, UserAction

PLATFORM = "slack"
PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")

Payload = Mapping[str, Any]


@dataclass(frozen=True)
class Inbound:
    key: ConversationKey
    reporter: Reporter
    action: UserAction | None  # None: nothing for the service (a checkbox ticked, a form to open)
    dedupe_id: str
    channel: str | None = None  # the DM to answer in, when the payload says
    message_ts: str | None = None  # the message that was clicked
    chosen: str | None = None  # what the click chose, in words, for the answered message
    files: tuple[EvidenceFile, ...] = ()


def who(team_id: str, user_id: str, display_name: str | None = None) -> tuple[ConversationKey, Reporter]:
    reporter = Reporter(platform=PLATFORM, user_id=user_id, display_name=display_name, workspace=team_id)
    return ConversationKey(PLATFORM, team_id, user_id), reporter


# ---- typed text ------------------------------------------------------------------------------------

_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def unformat(text: str) -> str:
    """Slack's message markup back to what the person typed: links to their text, mentions to
    @name, and &amp; &lt; &gt; back to & < >."""

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return target[0] + (label or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        address = target.removeprefix("mailto:").removeprefix("tel:")
        if label and _bare(label) != _bare(address):
            # A link can say one thing and go elsewhere; the real target is the indicator that counts.
            return f"{label} ({address})"
        return label or address

    return _MARKUP.sub(plain, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _bare(address: str) -> str:
    """An address as Slack shows it when it links what was typed: no scheme, no trailing slash."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://", "", address.strip(), flags=re.IGNORECASE).rstrip("/").lower()


def evidence(file: Payload) -> EvidenceFile | None:
    file_id = file.get("id")
    if not isinstance(file_id, str) or not file_id:
        return None
    name = file.get("name") or file.get("title") or file_id
    url = file.get("permalink") or file.get("url_private")
    return EvidenceFile(
        id=f"slack-file:{file_id}",
        name=str(name),
        mime_type=file.get("mimetype") or None,
        url=str(url) if url else None,
    )


def from_message(body: Payload) -> Inbound | None:
    """A message.im event from a person; None for bots, edits, deletions and anything not a DM."""
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("bot_id") or event.get("subtype") not in PERSON_SUBTYPES or event.get("hidden"):
        return None
    user = event.get("user")
    team = body.get("team_id") or event.get("team")
    event_id = body.get("event_id")
    if not user or not team or not event_id:
        return None
    key, reporter = who(team, user)
    files = tuple(f for f in (evidence(raw) for raw in event.get("files") or []) if f is not None)
    text = unformat(event.get("text") or "")
    action = TextAnswer(text) if text.strip() else None
    return Inbound(key, reporter, action, event_id, channel=event.get("channel"), files=files)


# ---- interactions ----------------------------------------------------------------------------------


def _person(payload: Payload) -> tuple[str, str] | None:
    user = payload.get("user") or {}
    team = (payload.get("team") or {}).get("id") or user.get("team_id")
    if not user.get("id") or not team:
        return None
    return team, user["id"]


def _label(action: Payload) -> str:
    text = action.get("text")
    if isinstance(text, Mapping):
        return str(text.get("text") or "")
    selected = action.get("selected_option")
    if isinstance(selected, Mapping):
        return str((selected.get("text") or {}).get("text") or "")
    return ""


def _selected(state: Payload, block: str) -> tuple[tuple[str, ...], str]:
    """The values (and their labels, in words) ticked in a checkboxes/multi-select block."""
    element = ((state.get("values") or {}).get(block) or {}).get(ui.CHOOSE) or {}
    options = element.get("selected_options") or []
    values = tuple(str(o.get("value", "")) for o in options)
    labels = ", ".join(str((o.get("text") or {}).get("text") or o.get("value", "")) for o in options)
    return values, labels


def from_block_actions(payload: Payload) -> Inbound | None:
    """A click on one of the reporter's buttons; None when it isn't ours or isn't a click."""
    person = _person(payload)
    actions = payload.get("actions") or []
    if person is None or not actions:
        return None
    action = actions[0]
    action_id = str(action.get("action_id") or "")
    if not ui.ACTION_IDS.match(action_id):
        return None
    key, reporter = who(*person)
    channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
    message_ts = (payload.get("container") or {}).get("message_ts") or (payload.get("message") or {}).get(
        "ts"
    )
    dedupe = f"action:{person[1]}:{action.get('action_ts') or payload.get('trigger_id')}:{action_id}"
    block = str(action.get("block_id") or "")
    token = ui.token_of(block)
    base = Inbound(key, reporter, None, dedupe, channel=channel, message_ts=message_ts)
    if action_id in (ui.CHOOSE, ui.REPLY) or action_id.startswith("home:"):
        return base  # a tick, a form to open, or App Home: the app decides (nothing for the service yet)
    if action_id == ui.DONE:
        values, labels = _selected(payload.get("state") or {}, block)
        return _with(base, PickOptions(token, values), labels or "(nothing picked)")
    if action_id == ui.SELECT:
        selected = action.get("selected_option") or {}
        return _with(base, PickOptions(token, (str(selected.get("value", "")),)), _label(action))
    if action_id.startswith(ui.EDIT):
        return _with(base, PickOptions(token, (str(action.get("value", "")),)), "Changing an answer")
    return _with(base, PickOptions(token, (str(action.get("value", "")),)), _label(action))


def _with(base: Inbound, action: UserAction, chosen: str) -> Inbound:
    return Inbound(
        base.key, base.reporter, action, base.dedupe_id, base.channel, base.message_ts, chosen, base.files
    )


def modal_metadata(raw: str) -> tuple[str, str | None]:
    """(token, DM channel) from a reply form's private_metadata (a bare token is accepted too)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw, None
    if not isinstance(data, Mapping):
        return raw, None
    channel = data.get("channel")
    return str(data.get("token") or ""), str(channel) if channel else None


def form_fields(state: Payload) -> dict[str, str]:
    """view.state.values as {block_id: what was typed or picked} (several picks comma-separated)."""
    fields: dict[str, str] = {}
    for block, elements in (state.get("values") or {}).items():
        for element in (elements or {}).values():
            if "selected_options" in element:
                value = ",".join(str(o.get("value", "")) for o in element.get("selected_options") or [])
            elif "selected_option" in element:
                value = str((element.get("selected_option") or {}).get("value", ""))
            else:
                value = str(element.get("value") or "")
            fields[str(block)] = value
            break
    return fields


def from_view_submission(payload: Payload) -> Inbound | None:
    person = _person(payload)
    view = payload.get("view") or {}
    if person is None or view.get("callback_id") != ui.REPLY_MODAL:
        return None
    token, channel = modal_metadata(str(view.get("private_metadata") or ""))
    key, reporter = who(*person)
    fields = form_fields(view.get("state") or {})
    dedupe = f"view:{person[1]}:{view.get('id')}:{view.get('hash') or payload.get('trigger_id')}"
    return Inbound(key, reporter, SubmitForm(token, fields), dedupe, channel=channel)


def from_command(form: Payload) -> Inbound | None:
    """/report: who asked (the conversation starts in their DM, not where they typed it)."""
    user, team = form.get("user_id"), form.get("team_id")
    if not user or not team:
        return None
    key, reporter = who(str(team), str(user))
    return Inbound(key, reporter, None, f"command:{user}:{form.get('trigger_id')}")


@dataclass(frozen=True)
class FlaggedMessage:
    """The message a reporter flagged with the "Report this message" shortcut."""

    channel: str
    ts: str
    text: str
    author: str | None


def from_message_action(payload: Payload) -> tuple[Inbound, FlaggedMessage] | None:
    person = _person(payload)
    message = payload.get("message") or {}
    channel = (payload.get("channel") or {}).get("id")
    ts = message.get("ts") or payload.get("message_ts")
    if person is None or not channel or not ts:
        return None
    key, reporter = who(*person)
    inbound = Inbound(key, reporter, None, f"shortcut:{person[1]}:{payload.get('trigger_id') or ts}")
    flagged = FlaggedMessage(
        str(channel), str(ts), unformat(str(message.get("text") or "")), message.get("user")
    )
    return inbound, flagged


def flagged_evidence(flagged: FlaggedMessage, permalink: str | None) -> EvidenceFile:
    return EvidenceFile(
        id=f"message:{flagged.channel}:{flagged.ts}",
        name="Slack message",
        mime_type="text/plain",
        url=permalink,
        text=flagged.text[:40000] or None,
        sent_by=f"slack:{flagged.author}" if flagged.author else None,
    )
