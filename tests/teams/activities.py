"""Activities in the shapes Microsoft Teams sends to a bot, and a helper that posts them to /api/messages.

Every builder returns a plain dict as it arrives on the wire (camelCase keys): a fresh unique "id"
unless one is given (reuse an id to test redelivery), "timestamp"/"localTimestamp", "channelId":
"msteams", "serviceUrl", "from" (with "aadObjectId"), "recipient" (the bot), "conversation",
"channelData" with the tenant, "locale" and a clientInfo entity.

Conversation ids follow Teams: a 1:1 chat is "a:1…" and is stable per user (the Connector double
answers create_conversation with the same id, as Teams does); a channel thread is
"19:…@thread.tacv2;messageid=<id of the thread's root post>".
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp

APP_ID = "3f0c8f5e-6b1a-4d2e-9a7c-1e5b2d4c6a80"
BOT_ID = f"28:{APP_ID}"
BOT_NAME = "Tipline"
TENANT = "9e1d7c3a-2b4f-4a6e-8c0d-5f7a9b1c3e2d"
TEAM_ID = "19:Q1kZ3bT0dGlwbGluZXRlYW0@thread.tacv2"  # a team's id is the id of its General channel
CHANNEL_ID = "19:8c2f4a6b1d3e5f7a9b0c2d4e6f8a1b3c@thread.tacv2"  # e.g. the security team's triage channel
LOCALE = "en-GB"
TIMEZONE = "Europe/London"

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"


@dataclass(frozen=True)
class Person:
    aad_object_id: str
    teams_id: str  # "29:…", the user's id in this bot's conversations
    name: str


ALICE = Person(
    "6a1e3c5b-7d9f-4b2a-8c4e-0f1a3b5c7d9e",
    "29:1Kq8TzAlice0Vb3xYtR5mWnP2sLdE7gHjC9fUoI4aZ6kQ",
    "Alice Archer",
)  # staff, reports things
SAM = Person(
    "2b4d6f8a-0c1e-4a3b-9d5f-7e9a1c3b5d7f",
    "29:1Xw4RySam00Nc8vBtL2pQmK6sHdF3gJaE9uZoT7iY5rW1",
    "Sam Singh",
)  # a security analyst
EVE = Person(
    "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
    "29:1Ev3OutsiderZz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9",
    "Eve Example",
)  # an outsider (e.g. a guest from another tenant, or not on the security team)

_last_id = 0


def new_message_id() -> str:
    """An id like Teams' message ids (milliseconds since the epoch), unique and increasing within a run."""
    global _last_id
    _last_id = max(_last_id + 1, int(time.time() * 1000))
    return str(_last_id)


def personal_conversation_id(teams_user_id: str) -> str:
    """The id of the bot's 1:1 chat with a user: "a:1…", the same every time for the same user."""
    digest = hashlib.sha256(f"{APP_ID}|{teams_user_id}".encode()).hexdigest()
    return f"a:1{digest[:48]}"


def thread_conversation_id(channel_id: str, root_message_id: str) -> str:
    return f"{channel_id};messageid={root_message_id}"


def _now() -> tuple[str, str]:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    local = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+00:00"
    return stamp, local


def _account(person: Person) -> dict[str, Any]:
    return {"id": person.teams_id, "name": person.name, "aadObjectId": person.aad_object_id}


def _base(
    kind: str,
    *,
    user: Person,
    service_url: str,
    conversation: dict[str, Any],
    channel_data: dict[str, Any],
    activity_id: str | None,
) -> dict[str, Any]:
    stamp, local = _now()
    return {
        "type": kind,
        "id": activity_id or new_message_id(),
        "timestamp": stamp,
        "localTimestamp": local,
        "localTimezone": TIMEZONE,
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": _account(user),
        "conversation": conversation,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "entities": [
            {"type": "clientInfo", "locale": LOCALE, "country": "GB", "platform": "Web", "timezone": TIMEZONE}
        ],
        "channelData": channel_data,
        "locale": LOCALE,
    }


def _personal_conversation(user: Person, tenant: str, conversation_id: str | None) -> dict[str, Any]:
    return {
        "conversationType": "personal",
        "tenantId": tenant,
        "id": conversation_id or personal_conversation_id(user.teams_id),
    }


def _channel_data(team_id: str, channel_id: str, tenant: str) -> dict[str, Any]:
    return {
        "teamsChannelId": channel_id,
        "teamsTeamId": team_id,
        "channel": {"id": channel_id},
        "team": {"id": team_id},
        "tenant": {"id": tenant},
    }


def _html(text: str) -> dict[str, Any]:
    return {"contentType": "text/html", "content": f"<p>{text}</p>"}


# ---- personal (1:1) chat -------------------------------------------------------------------------


def personal_message(
    text: str,
    *,
    user: Person = ALICE,
    service_url: str,
    activity_id: str | None = None,
    tenant: str = TENANT,
    attachments: list[dict[str, Any]] | None = None,
    html: bool = True,
    conversation_id: str | None = None,
) -> dict[str, Any]:
    """A message in the bot's 1:1 chat. Like Teams, it carries a text/html rendering of the message
    as an attachment (html=False leaves it out); `attachments` are added after it."""
    activity = _base(
        "message",
        user=user,
        service_url=service_url,
        conversation=_personal_conversation(user, tenant, conversation_id),
        channel_data={"tenant": {"id": tenant}},
        activity_id=activity_id,
    )
    activity["text"] = text
    activity["textFormat"] = "plain"
    all_attachments = ([_html(text)] if html else []) + list(attachments or [])
    if all_attachments:
        activity["attachments"] = all_attachments
    return activity


def card_submit(
    value: dict[str, Any],
    *,
    reply_to_id: str,
    user: Person = ALICE,
    service_url: str,
    conversation_id: str | None = None,
    tenant: str = TENANT,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """An Adaptive Card Action.Submit in the 1:1 chat: a message with no text, the card's inputs and
    the action's data merged in "value", and "replyToId" = the id of the bot's message holding the card."""
    activity = _base(
        "message",
        user=user,
        service_url=service_url,
        conversation=_personal_conversation(user, tenant, conversation_id),
        channel_data={
            "tenant": {"id": tenant},
            "source": {"name": "message"},
            "legacy": {"replyToId": reply_to_id},
        },
        activity_id=activity_id,
    )
    activity["replyToId"] = reply_to_id
    activity["value"] = dict(value)
    return activity


def install_personal(
    service_url: str, user: Person = ALICE, *, tenant: str = TENANT, activity_id: str | None = None
) -> dict[str, Any]:
    """The conversationUpdate a bot gets when a user installs it for themselves (membersAdded: the bot)."""
    activity = _base(
        "conversationUpdate",
        user=user,
        service_url=service_url,
        conversation=_personal_conversation(user, tenant, None),
        channel_data={"tenant": {"id": tenant}},
        activity_id=activity_id or f"f:{uuid.uuid4()}",
    )
    activity["membersAdded"] = [{"id": BOT_ID}]
    return activity


def file_share(
    name: str = "evidence.png",
    *,
    download_url: str,
    user: Person = ALICE,
    service_url: str,
    text: str = "",
    unique_id: str | None = None,
    file_type: str | None = None,
    content_url: str | None = None,
    tenant: str = TENANT,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """A file sent in the 1:1 chat (apps with supportsFiles): a FileDownloadInfo attachment whose
    content.downloadUrl is a pre-authenticated URL (fetch it without any Authorization header)."""
    unique = unique_id or str(uuid.uuid4()).upper()
    attachment = {
        "contentType": FILE_DOWNLOAD_INFO,
        "contentUrl": content_url
        or f"https://contoso-my.sharepoint.com/personal/alice/Documents/Applications/Tipline/{name}",
        "name": name,
        "content": {
            "downloadUrl": download_url,
            "uniqueId": unique,
            "fileType": file_type or (name.rsplit(".", 1)[-1].lower() if "." in name else ""),
            "etag": f'"{{{unique}}},1"',
        },
    }
    activity = personal_message(
        text,
        user=user,
        service_url=service_url,
        activity_id=activity_id,
        tenant=tenant,
        attachments=[attachment],
    )
    if not text:
        activity.pop("text")
    return activity


# ---- team channels --------------------------------------------------------------------------------


def channel_message(
    text: str,
    *,
    user: Person,
    service_url: str,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    mention_bot: bool = True,
    reply_to_message_id: str | None = None,
    tenant: str = TENANT,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """A channel post that @mentions the bot (bots only get channel messages that mention them).

    A new post starts its own thread: conversation.id = "<channel>;messageid=<this activity's id>".
    A reply in a thread (reply_to_message_id = the root post's id) has conversation.id
    "<channel>;messageid=<root id>" and replyToId = the root id."""
    message_id = activity_id or new_message_id()
    root = reply_to_message_id or message_id
    conversation = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": tenant,
        "id": thread_conversation_id(channel_id, root),
    }
    activity = _base(
        "message",
        user=user,
        service_url=service_url,
        conversation=conversation,
        channel_data=_channel_data(team_id, channel_id, tenant),
        activity_id=message_id,
    )
    mention = f"<at>{BOT_NAME}</at>"
    activity["text"] = f"{mention} {text}\n" if mention_bot else f"{text}\n"
    activity["textFormat"] = "plain"
    html_mention = f'<at id="0">{BOT_NAME}</at> ' if mention_bot else ""
    activity["attachments"] = [
        {"contentType": "text/html", "content": f"<div><div>{html_mention}{text}</div></div>"}
    ]
    if mention_bot:
        activity["entities"].insert(
            0, {"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
        )
    if reply_to_message_id:
        activity["replyToId"] = reply_to_message_id
    return activity


def channel_card_submit(
    value: dict[str, Any],
    *,
    reply_to_id: str,
    user: Person,
    service_url: str,
    channel_id: str = CHANNEL_ID,
    team_id: str = TEAM_ID,
    conversation_id: str | None = None,
    tenant: str = TENANT,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """An Action.Submit on a card the bot posted in a channel. The card is assumed to be the root of
    its thread (as when the bot started the thread with create_conversation); pass conversation_id
    for a card that is a reply inside someone else's thread."""
    conversation = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": tenant,
        "id": conversation_id or thread_conversation_id(channel_id, reply_to_id),
    }
    channel_data = _channel_data(team_id, channel_id, tenant)
    channel_data["source"] = {"name": "message"}
    channel_data["legacy"] = {"replyToId": reply_to_id}
    activity = _base(
        "message",
        user=user,
        service_url=service_url,
        conversation=conversation,
        channel_data=channel_data,
        activity_id=activity_id,
    )
    activity["replyToId"] = reply_to_id
    activity["value"] = dict(value)
    return activity


def install_team(
    service_url: str,
    *,
    user: Person,
    team_id: str = TEAM_ID,
    team_name: str = "Security",
    tenant: str = TENANT,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """The conversationUpdate a bot gets when it is added to a team (eventType teamMemberAdded)."""
    conversation = {"isGroup": True, "conversationType": "channel", "tenantId": tenant, "id": team_id}
    channel_data = {
        "team": {
            "id": team_id,
            "name": team_name,
            "aadGroupId": str(uuid.uuid5(uuid.NAMESPACE_URL, team_id)),
        },
        "eventType": "teamMemberAdded",
        "tenant": {"id": tenant},
    }
    activity = _base(
        "conversationUpdate",
        user=user,
        service_url=service_url,
        conversation=conversation,
        channel_data=channel_data,
        activity_id=activity_id or f"f:{uuid.uuid4()}",
    )
    activity["membersAdded"] = [{"id": BOT_ID}]
    return activity


# ---- delivering -----------------------------------------------------------------------------------


async def post_activity(
    session_or_base_url: aiohttp.ClientSession | str,
    activity: dict[str, Any],
    token: str | None,
    *,
    base_url: str | None = None,
) -> tuple[int, Any]:
    """POST an activity to {base}/api/messages as the Bot Connector does; returns (status, body), the
    body parsed as JSON when it is JSON, else text ("" when empty).

    Pass a base URL ("http://127.0.0.1:PORT") and a session is opened and closed here, or pass an
    open ClientSession with `base_url=` (or a session created with base_url and relative URLs)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(activity)
    if isinstance(session_or_base_url, str):
        async with aiohttp.ClientSession() as session:
            return await _post(session, session_or_base_url.rstrip("/") + "/api/messages", data, headers)
    url = (base_url.rstrip("/") if base_url else "") + "/api/messages"
    return await _post(session_or_base_url, url, data, headers)


async def _post(
    session: aiohttp.ClientSession, url: str, data: str, headers: dict[str, str]
) -> tuple[int, Any]:
    async with session.post(url, data=data, headers=headers) as response:
        raw = await response.text()
        if raw and "json" in (response.content_type or ""):
            return response.status, json.loads(raw)
        return response.status, raw


# ---- message extension invokes ---------------------------------------------------------------------

GROUP_CHAT_ID = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.v2"


def message_action(
    name: str,
    command_id: str,
    *,
    user: Person,
    service_url: str,
    html: str,
    sender: str = "Amanda Qiu",
    attachments: list[dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
    channel_id: str | None = None,
    activity_id: str | None = None,
    tenant: str = TENANT,
) -> dict[str, Any]:
    """A composeExtension/fetchTask or /submitAction invoke from a message's "…" menu: in a group
    chat, or in a channel when channel_id is given. Teams sends the message in messagePayload."""
    if channel_id:
        conversation = {"isGroup": True, "conversationType": "channel", "tenantId": tenant,
                        "id": thread_conversation_id(channel_id, "1700000000000")}  # fmt: skip
        channel_data = _channel_data(TEAM_ID, channel_id, tenant)
    else:
        conversation = {
            "isGroup": True,
            "conversationType": "groupChat",
            "tenantId": tenant,
            "id": GROUP_CHAT_ID,
        }
        channel_data = {"tenant": {"id": tenant}}
    activity = _base(
        "invoke", user=user, service_url=service_url, conversation=conversation,
        channel_data=channel_data, activity_id=activity_id,
    )  # fmt: skip
    activity["name"] = name
    value: dict[str, Any] = {
        "commandId": command_id,
        "commandContext": "message",
        "context": {"theme": "default"},
        "messagePayload": {
            "id": "1700000000123",
            "replyToId": None,
            "messageType": "message",
            "createdDateTime": "2026-12-02T09:15:00.000Z",
            "importance": "normal",
            "locale": "en-us",
            "linkToMessage": f"https://teams.microsoft.com/l/message/{GROUP_CHAT_ID}/1700000000123",
            "from": {"user": {"id": "8:orgid:5e6f", "displayName": sender, "userIdentityType": "aadUser"}},
            "body": {"contentType": "html", "content": html},
            "attachments": attachments or [],
            "mentions": [],
            "reactions": [],
        },
    }
    if data is not None:
        value["data"] = data
    activity["value"] = value
    return activity


def file_consent_invoke(
    action: str,
    context: dict[str, Any],
    upload_info: dict[str, Any] | None,
    *,
    user: Person,
    service_url: str,
    tenant: str = TENANT,
) -> dict[str, Any]:
    """The fileConsent/invoke Teams sends when someone allows or declines a FileConsentCard in
    their chat with the bot; on accept, uploadInfo says where to PUT the file."""
    activity = _base(
        "invoke",
        user=user,
        service_url=service_url,
        conversation=_personal_conversation(user, tenant, None),
        channel_data={"tenant": {"id": tenant}, "source": {"name": "message"}},
        activity_id=None,
    )
    activity["name"] = "fileConsent/invoke"
    value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
    if upload_info is not None:
        value["uploadInfo"] = upload_info
    activity["value"] = value
    return activity
