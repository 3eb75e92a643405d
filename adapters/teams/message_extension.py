"""Report this message / Check this contact on any Teams message: the invokes answered at once
(Teams waits a few seconds for the dialog), the slow part after, in the reporter's private chat.

  Report this message   fetchTask: a dialog showing what will be kept; submitAction: "your
                        report has started", then, in the private chat, the report begins
                        with the message attached as evidence and the next question
  Check this contact    fetchTask: "the answer is in your private chat", then the check runs
                        there on the message's words, as "check …" typed there would

Refused kindly: a message in the security team's own inbox channel (it is already with them),
and anyone who has never opened their private chat with Tipline is given a link to it, since
the bot can only write first to a chat it has been in. A redelivered invoke changes nothing
twice (the service records each event once). Logs carry ids, never what the message says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from adapters.teams import inbound
from adapters.teams.addresses import INBOX_KEY, PLATFORM, key_for
from adapters.teams.endpoint import InvokeAnswer
from adapters.teams.message_actions import (
    CHECK,
    CHECKING,
    CONFIRM,
    FETCH,
    FROM_INBOX,
    REPORT,
    STARTED,
    UNREADABLE,
    FlaggedTeamsMessage,
    command_of,
    confirm_dialog,
    flagged_message,
    install_dialog,
    message_dialog,
)
from adapters.teams.personal import SORRY, render_with_prompts
from adapters.teams.sending import send_all
from adapters.teams.transport import Conversation, Transport
from bot.messages import Message, Text
from bot.ports import UnitOfWorkFactory
from bot.service import ReportingService
from bot.shared_message_report import report_shared_message
from bot.watchlist.shared_check import check_shared_message

log = logging.getLogger("tipline.teams")

SOURCE = "teams"


class MessageExtension:
    def __init__(
        self,
        service: ReportingService,
        unit_of_work: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        transport: Transport,
        app_id: str | None,
    ) -> None:
        self._service = service
        self._uow = unit_of_work
        self._clock = clock
        self._transport = transport
        self._app_id = app_id or ""

    async def invoke(self, body: Mapping[str, Any]) -> InvokeAnswer | None:
        """The answer to a message extension invoke (None: not one of ours)."""
        command = command_of(body)
        if command is None:
            return None
        name, command_id = command
        found, flagged = inbound.sender_of(body), flagged_message(body)
        if found is None or flagged is None:
            return InvokeAnswer(400, message_dialog(UNREADABLE))
        async with self._uow() as uow:
            inbox = await uow.addresses.get(PLATFORM, INBOX_KEY)
            address = await uow.addresses.get(PLATFORM, key_for(found.reporter))
        if inbox is not None and inbox.get("channel_id") == _channel_of(body):
            return InvokeAnswer(200, message_dialog(FROM_INBOX))
        if address is None:
            return InvokeAnswer(200, install_dialog(self._app_id))
        chat: dict[str, Any] = dict(address)
        conversation = chat.get("conversation")
        where = str(conversation["id"]) if isinstance(conversation, dict) else found.conversation_id
        if command_id == CHECK:
            return InvokeAnswer(
                200, message_dialog(CHECKING), lambda: self._check(found, flagged, chat), where
            )
        if name == FETCH:
            return InvokeAnswer(200, confirm_dialog(flagged))
        data = _map(_map(body.get("value")).get("data"))
        if data.get(CONFIRM) != REPORT:
            return InvokeAnswer(400, message_dialog(UNREADABLE))
        return InvokeAnswer(200, message_dialog(STARTED), lambda: self._report(found, flagged, chat), where)

    async def _report(
        self, found: inbound.Inbound, flagged: FlaggedTeamsMessage, chat: dict[str, Any]
    ) -> None:
        try:
            shown = await report_shared_message(
                self._service,
                found.key,
                found.reporter,
                flagged.evidence(found.conversation_id),
                SOURCE,
                found.dedupe_id,
            )
        except Exception as exc:
            log.error("teams: a flagged message could not be attached: %s", type(exc).__name__)
            await self._send(chat, [SORRY])
            return
        if shown is None:
            return
        quoted = Text(
            "You flagged this message; it goes with your report:\n\n" + (flagged.text or "(no text)")[:1500]
        )
        await self._send(chat, [*shown.opening, quoted, *shown.after])

    async def _check(
        self, found: inbound.Inbound, flagged: FlaggedTeamsMessage, chat: dict[str, Any]
    ) -> None:
        event = (SOURCE, f"{found.dedupe_id}:check")
        try:
            reply = await check_shared_message(self._service, found.key, found.reporter, flagged.text, event)
        except Exception as exc:
            log.error("teams: a contact check from a message failed: %s", type(exc).__name__)
            await self._send(chat, [SORRY])
            return
        if not reply.duplicate:
            await self._send(chat, reply.messages)

    async def _send(self, chat: dict[str, Any], messages: Sequence[Message]) -> None:
        payloads = render_with_prompts(messages)

        async def deliver(conversation: Conversation) -> None:
            await send_all(conversation, payloads)

        try:
            await self._transport.continue_conversation(chat, deliver)
        except Exception as exc:
            log.error("teams: could not write in a reporter's private chat: %s", type(exc).__name__)


def _channel_of(body: Mapping[str, Any]) -> str | None:
    data = _map(body.get("channelData"))
    channel = _map(data.get("channel")).get("id") or data.get("teamsChannelId")
    return str(channel) if channel else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
