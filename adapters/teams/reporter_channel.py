"""Messages to a reporter in their personal chat with Tipline, sent first (proactively): the
security team's acknowledgement, questions and outcome (bot.reporter_push.ReporterChannel).

The reporter's conversation reference was stored when they last wrote to the bot. A failure
raises, so the outbox tries again later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from adapters.teams.addresses import PLATFORM, key_for
from adapters.teams.failures import delivery_failure
from adapters.teams.personal import render_with_prompts
from adapters.teams.sending import send_all
from adapters.teams.transport import Conversation, Transport
from bot.destinations import DeliveryFailed
from bot.messages import Message
from bot.ports import UnitOfWorkFactory
from bot.report import Reporter
from bot.reporter_push import ReporterChannel


class TeamsReporterChannel:
    """bot.reporter_push.AddressedChannel: the stored address is read first (its own read),
    then the push sends through it."""

    def __init__(self, transport: Transport, unit_of_work: UnitOfWorkFactory) -> None:
        self._transport = transport
        self._uow = unit_of_work

    async def addressed(self, reporter: Reporter) -> ReporterChannel:
        async with self._uow() as uow:
            address = await uow.addresses.get(PLATFORM, key_for(reporter))
        if address is None:
            raise DeliveryFailed("teams: no personal chat with this reporter is known yet")
        return _PersonalChatSender(self._transport, address)

    async def send(self, reporter: Reporter, messages: Sequence[Message]) -> None:
        await (await self.addressed(reporter)).send(reporter, messages)


class _PersonalChatSender:
    def __init__(self, transport: Transport, reference: dict[str, Any]) -> None:
        self._transport = transport
        self._reference = reference

    async def send(self, reporter: Reporter, messages: Sequence[Message]) -> None:
        payloads = render_with_prompts(messages)

        async def deliver(conversation: Conversation) -> None:
            await send_all(conversation, payloads)

        try:
            await self._transport.continue_conversation(self._reference, deliver)
        except Exception as exc:
            raise delivery_failure("teams: a message to a reporter", exc, datetime.now(UTC)) from None
