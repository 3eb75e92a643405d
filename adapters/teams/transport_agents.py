"""The Teams transport on the Microsoft 365 Agents SDK (TEAMS_SDK=agents): the SDK's aiohttp
CloudAdapter and its Connector client, an aiohttp session per turn, so no Connector call blocks
the event loop (botbuilder's msrest client uses `requests`). Authentication: transport_agents_auth.

The SDK's adapter answers HTTP itself when asked to; Tipline's endpoint keeps answering (its 4xx
messages, 200 before the turn, invokes answered by Tipline) and hands the SDK only the verified
activity to run, as it does botbuilder.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity, ConversationParameters, ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AccessTokenProviderBase, ClaimsIdentity, TurnContext

from adapters.teams import settings as cloud
from adapters.teams.addresses import InboxChannel
from adapters.teams.settings import TeamsSettings
from adapters.teams.transport import (
    AGENTS,
    Work,
    channel_post_parameters,
    continuation_reference,
)
from adapters.teams.transport_agents_auth import EntraTokens, OneConnection, TokenChecks


class _NoValidationTraces(logging.Filter):
    """The SDK logs a body that is not an activity at ERROR with its traceback, before raising:
    that is a client's bad request (a 400, logged by the endpoint in one line), not an error of
    ours, and the trace could quote the body. The raise is kept; the record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Validation error for Activity")


logging.getLogger("microsoft_agents.activity.activity").addFilter(_NoValidationTraces())


def to_activity(payload: Mapping[str, Any]) -> Activity:
    return Activity.model_validate(dict(payload))


def wire(model: Any) -> dict[str, Any]:
    """A model of the SDK in the Bot Framework's wire shape (camelCase, nothing unset)."""
    return dict(model.model_dump(mode="json", by_alias=True, exclude_none=True))


@dataclass(frozen=True)
class _Verified:
    claims: ClaimsIdentity
    activity: Activity


class _TurnConversation:
    """transport.Conversation over the SDK's TurnContext."""

    def __init__(self, context: TurnContext) -> None:
        self._context = context

    async def send(self, payload: Mapping[str, Any]) -> str:
        response = await self._context.send_activity(to_activity(payload))
        return str(getattr(response, "id", "") or "")

    async def update(self, activity_id: str, payload: Mapping[str, Any]) -> None:
        activity = to_activity(payload)
        activity.id = activity_id
        await self._context.update_activity(activity)

    async def delete(self, activity_id: str) -> None:
        await self._context.delete_activity(activity_id)

    def reference(self) -> dict[str, Any]:
        return continuation_reference(wire(self._context.activity.get_conversation_reference()))


class AgentsTransport:
    """transport.Transport on the Agents SDK. `token`: how the bot gets its own token (default:
    Microsoft Entra with MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD; none when anonymous)."""

    sdk = AGENTS

    def __init__(self, settings: TeamsSettings, token: AccessTokenProviderBase | None = None) -> None:
        self._app_id = settings.app_id or ""
        self._checks = TokenChecks(settings)
        if token is None and settings.app_id and settings.app_password:
            token = EntraTokens(settings)
        self.adapter = CloudAdapter(connection_manager=OneConnection(token))
        # The SDK's default turn error handler sends the exception's text to the person: a failure
        # must reach the caller instead (the outbox retries; the endpoint logs a failed turn).
        self.adapter.on_turn_error = None

    async def authenticate(self, body: Mapping[str, Any], authorization: str | None) -> object:
        activity = to_activity(body)  # a body the SDK can't read is a 400, before any check
        return _Verified(await self._checks.identity(body, authorization), activity)

    async def run_turn(self, identity: object, body: Mapping[str, Any], work: Work) -> None:
        async def turn(context: TurnContext) -> None:
            await work(_TurnConversation(context))

        assert isinstance(identity, _Verified)
        await self.adapter.process_activity(identity.claims, identity.activity, turn)

    async def continue_conversation(self, reference: Mapping[str, Any], work: Work) -> None:
        async def turn(context: TurnContext) -> None:
            await work(_TurnConversation(context))

        stored = ConversationReference.model_validate(continuation_reference(reference))
        await self.adapter.continue_conversation(self._app_id, stored.get_continuation_activity(), turn)

    async def post_in_channel(self, channel: InboxChannel, payload: Mapping[str, Any]) -> str:
        posted: list[str] = []

        async def created(context: TurnContext) -> None:
            posted.append(str(context.activity.id or ""))

        parameters = ConversationParameters.model_validate(channel_post_parameters(channel, payload))
        await self.adapter.create_conversation(
            self._app_id, "msteams", channel.service_url, cloud.OAUTH_SCOPE, parameters, created
        )
        return posted[0]
