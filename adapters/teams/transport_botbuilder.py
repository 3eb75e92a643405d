"""The Teams transport on botbuilder (TEAMS_SDK=botbuilder, the default): CloudAdapter and the
Bot Framework's authentication. botbuilder-python is archived (support ended 31 December 2025)
and its Connector client makes blocking `requests` calls on the event loop; docs/teams.md
recommends TEAMS_SDK=agents for new deployments.

botbuilder checks every request's JWT: its signature against the published keys (endorsed for
the channel), its issuer, its audience (our app id) and its serviceurl claim against the
activity's serviceUrl, so the bot never sends its own token to an address a forged activity names.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ConversationParameters, ConversationReference
from botframework.connector.auth import BotFrameworkAuthentication, ServiceClientCredentialsFactory

from adapters.teams import msrest_speed
from adapters.teams import settings as cloud
from adapters.teams.addresses import InboxChannel
from adapters.teams.credentials import EntraCredentialFactory
from adapters.teams.settings import TeamsSettings
from adapters.teams.transport import (
    BOTBUILDER,
    Unauthenticated,
    Work,
    channel_post_parameters,
    continuation_reference,
)

log = logging.getLogger("tipline.teams")
msrest_speed.apply()


def authentication(
    settings: TeamsSettings, credentials: ServiceClientCredentialsFactory | None = None
) -> BotFrameworkAuthentication:
    """The Bot Framework's checks, with every endpoint named (the public cloud's unless
    TEAMS_OPENID_METADATA_URL says otherwise). `credentials` gets the bot's own token for
    replies; by default from Microsoft Entra with the app id and secret, one cached token."""
    if credentials is None and settings.app_id and settings.app_password:
        credentials = EntraCredentialFactory(
            settings.app_id,
            settings.app_password,
            settings.tenant_id,
            trusted_login_url=settings.login_url_setting is not None,
        )
    config = SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.tenant_id,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.openid_metadata_url,
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=cloud.EMULATOR_OPENID_METADATA_URL,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=cloud.TOKEN_ISSUER,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=settings.login_url,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=cloud.OAUTH_SCOPE,
        OAUTH_URL=cloud.OAUTH_SCOPE,
        VALIDATE_AUTHORITY=True,
    )
    return ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials, logger=log)


def to_activity(payload: Mapping[str, Any]) -> Activity:
    return Activity().deserialize(dict(payload))


@dataclass(frozen=True)
class _Verified:
    result: Any  # botbuilder's AuthenticateRequestResult
    activity: Activity


class _TurnConversation:
    """transport.Conversation over a botbuilder TurnContext."""

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
        reference = TurnContext.get_conversation_reference(self._context.activity).serialize()
        return continuation_reference(reference)


class BotbuilderTransport:
    """transport.Transport on botbuilder's CloudAdapter. No on_turn_error: a failure must reach
    the caller (a proactive send that failed is retried by the outbox; a failed turn is logged
    by the endpoint), never be swallowed."""

    sdk = BOTBUILDER

    def __init__(self, settings: TeamsSettings, credentials: ServiceClientCredentialsFactory | None = None):
        self._app_id = settings.app_id or ""
        self.auth = authentication(settings, credentials)
        self.adapter = CloudAdapter(self.auth)

    async def authenticate(self, body: Mapping[str, Any], authorization: str | None) -> object:
        activity = to_activity(body)  # a body botbuilder can't read is a 400, before any check
        try:
            result = await self.auth.authenticate_request(activity, authorization)
        except Exception as exc:
            raise Unauthenticated(type(exc).__name__) from None
        return _Verified(result, activity)

    async def run_turn(self, identity: object, body: Mapping[str, Any], work: Work) -> None:
        async def turn(context: TurnContext) -> None:
            await work(_TurnConversation(context))

        assert isinstance(identity, _Verified)
        await self.adapter.process_activity(identity.result, identity.activity, turn)

    async def continue_conversation(self, reference: Mapping[str, Any], work: Work) -> None:
        async def turn(context: TurnContext) -> None:
            await work(_TurnConversation(context))

        stored = ConversationReference().deserialize(continuation_reference(reference))
        await self.adapter.continue_conversation(stored, turn, self._app_id)

    async def post_in_channel(self, channel: InboxChannel, payload: Mapping[str, Any]) -> str:
        posted: list[str] = []

        async def created(context: TurnContext) -> None:
            posted.append(str(context.activity.id or ""))

        parameters = ConversationParameters().deserialize(channel_post_parameters(channel, payload))
        await self.adapter.create_conversation(
            self._app_id, created, parameters, "msteams", channel.service_url, None
        )
        return posted[0]
