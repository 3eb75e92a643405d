"""The Microsoft 365 Agents SDK's side of authentication, configured from Tipline's settings
(MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TYPE, MICROSOFT_APP_TENANT_ID,
TEAMS_OPENID_METADATA_URL, TEAMS_LOGIN_URL), the same ones botbuilder reads.

Incoming: the SDK's JwtTokenValidator checks the signature (RS256), expiry (5 minutes of skew, as
botbuilder), audience (our app id) and, opted in here, the issuer (the Bot Framework's). The SDK
picks the signing keys by the token's issuer from Microsoft's public addresses; Tipline instead
reads them from the OpenID metadata TEAMS_OPENID_METADATA_URL names (a sovereign cloud, or a local
stand-in), so both transports trust the same keys. The serviceurl claim must name the activity's
serviceUrl exactly (the SDK only compares hosts, and only with its host validator on): the bot's
own token is never sent to an address a forged activity names.

Outgoing: the bot's token from Microsoft Entra through MSAL, as on botbuilder (entra_token.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from jwt import PyJWK, PyJWKClient
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ClaimsIdentity,
    Connections,
    JwtTokenValidator,
)

from adapters.teams import settings as cloud
from adapters.teams.entra_token import EntraToken, TokenUnavailable
from adapters.teams.settings import TeamsSettings
from adapters.teams.transport import Unauthenticated

log = logging.getLogger("tipline.teams")

METADATA_FOR = 24 * 3600.0  # seconds: the OpenID metadata (where the keys are) is read once a day
METADATA_TIMEOUT = aiohttp.ClientTimeout(total=10)
NOT_ITSELF = "Tipline's bot has its own token only (no on-behalf-of or agentic tokens)"


class _PublishedKeys:
    """The signing keys the OpenID metadata names, for JwtTokenValidator (its key-manager seam:
    `get_signing_key(jwks_uri, header)`; the SDK's own jwks_uri is ignored, see the module)."""

    def __init__(self, metadata_url: str) -> None:
        self._metadata_url = metadata_url
        self._client: PyJWKClient | None = None
        self._read_at = 0.0
        self._reading = asyncio.Lock()

    async def _keys(self) -> PyJWKClient:
        async with self._reading:
            if self._client is None or time.monotonic() - self._read_at > METADATA_FOR:
                async with (
                    aiohttp.ClientSession(timeout=METADATA_TIMEOUT) as session,
                    session.get(self._metadata_url) as response,
                ):
                    response.raise_for_status()
                    metadata = await response.json(content_type=None)
                jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
                if not isinstance(jwks_uri, str):
                    raise Unauthenticated("the OpenID metadata names no jwks_uri")
                self._client = PyJWKClient(jwks_uri)
                self._read_at = time.monotonic()
            return self._client

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        client = await self._keys()
        # PyJWKClient fetches synchronously (urllib): off the event loop, as the SDK does.
        return await asyncio.to_thread(client.get_signing_key, str(header.get("kid") or ""))


class TokenChecks:
    """Who sent a request: the SDK's validator with our keys, then the serviceurl claim."""

    def __init__(self, settings: TeamsSettings) -> None:
        self._anonymous = settings.anonymous
        self._config = AgentAuthConfiguration(
            client_id=settings.app_id,
            tenant_id=settings.tenant_id,
            issuers=[cloud.TOKEN_ISSUER],
            validate_issuer=True,
            anonymous_allowed=settings.anonymous,
        )
        validator = JwtTokenValidator(self._config)
        # One key manager per process, as the SDK's class attribute is, but reading our metadata.
        validator._jwk_client_manager = _PublishedKeys(settings.openid_metadata_url)  # type: ignore[assignment]
        self._validator = validator

    async def identity(self, body: Mapping[str, Any], authorization: str | None) -> ClaimsIdentity:
        if not authorization:
            if self._anonymous:
                return self._validator.get_anonymous_claims()
            raise Unauthenticated("no token")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("not a bearer token")
        try:
            identity = await self._validator.validate_token(token.strip())
        except Unauthenticated:
            raise
        except Exception as exc:
            raise Unauthenticated(type(exc).__name__) from None
        if identity.get_claim_value("serviceurl") != body.get("serviceUrl"):
            raise Unauthenticated("the token is for another service URL")
        return identity


class EntraTokens(AccessTokenProviderBase):
    """The bot's own token from Microsoft Entra, one entra_token.EntraToken per scope: the same
    MSAL client, cache, off-loop fetch and retries as on botbuilder (the SDK's MsalAuth would ask
    Microsoft's instance discovery even for an authority TEAMS_LOGIN_URL names)."""

    def __init__(self, settings: TeamsSettings) -> None:
        self._app_id = settings.app_id or ""
        self._password = settings.app_password or ""
        self._authority = settings.login_url
        self._trusted = settings.login_url_setting is not None
        self._configuration = AgentAuthConfiguration(
            client_id=self._app_id, tenant_id=settings.tenant_id, authority=self._authority
        )
        self._tokens: dict[str, EntraToken] = {}

    def __repr__(self) -> str:  # never print the secret
        return f"EntraTokens(app_id={self._app_id!r})"

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    def _token(self, scopes: list[str]) -> EntraToken:
        scope = scopes[0] if scopes else cloud.OAUTH_SCOPE
        token = self._tokens.get(scope)
        if token is None:
            token = EntraToken(self._app_id, self._password, scope, self._authority, self._trusted)
            self._tokens[scope] = token
        return token

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return await self._token(scopes or [resource_url]).ready()

    def get_token_credential(self) -> AsyncTokenCredential:
        return _EntraCredential(self)

    # Tipline's bot acts as itself only: no user sign-in (on-behalf-of), no agentic identities.
    # The SDK asks for these only for activities that carry such identities; refused plainly.

    async def acquire_token_on_behalf_of(self, scopes: list[str], user_assertion: str) -> str:
        raise TokenUnavailable(NOT_ITSELF)

    async def get_agentic_application_token(self, tenant_id: str, agent_app_instance_id: str) -> str | None:
        raise TokenUnavailable(NOT_ITSELF)

    async def get_agentic_instance_token(self, tenant_id: str, agent_app_instance_id: str) -> tuple[str, str]:
        raise TokenUnavailable(NOT_ITSELF)

    async def get_agentic_user_token(
        self, tenant_id: str, agent_app_instance_id: str, agentic_user_id: str, scopes: list[str]
    ) -> str | None:
        raise TokenUnavailable(NOT_ITSELF)


class _EntraCredential:
    """azure-core's AsyncTokenCredential over EntraTokens, for the SDK's parts that want one."""

    def __init__(self, tokens: EntraTokens) -> None:
        self._tokens = tokens

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token = self._tokens._token(list(scopes))
        value = await token.ready()
        return AccessToken(value, int(time.time() + token.seconds_left()))

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> _EntraCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class OneConnection(Connections):
    """The SDK's connection manager for a bot with one identity: the same token provider for every
    service URL (anonymous: none, as the Emulator and Agents Playground expect)."""

    def __init__(self, provider: AccessTokenProviderBase | None) -> None:
        self._provider: AccessTokenProviderBase = provider or AnonymousTokenProvider()

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider(
        self, claims_identity: ClaimsIdentity, service_url: str
    ) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._provider.configuration
