"""The Microsoft 365 Agents SDK's side of authentication, configured from Tipline's settings
(MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TYPE, MICROSOFT_APP_TENANT_ID,
TEAMS_OPENID_METADATA_URL, TEAMS_LOGIN_URL), the same ones botbuilder reads.

Incoming: the SDK's JwtTokenValidator checks the signature (RS256), expiry (5 minutes of skew, as
botbuilder), audience (our app id) and, opted in here, the issuer (the Bot Framework's). The SDK
picks the signing keys by the token's issuer from Microsoft's public addresses; Tipline instead
reads them from the OpenID metadata TEAMS_OPENID_METADATA_URL names (a sovereign cloud, or a local
stand-in), so both transports trust the same keys, and checks, as botbuilder does, that the key
is endorsed for the activity's channel. The serviceurl claim must name the activity's
serviceUrl exactly (the SDK only compares hosts, and only with its host validator on): the bot's
own token is never sent to an address a forged activity names.

Outgoing: the bot's token from Microsoft Entra through MSAL, as on botbuilder (entra_token.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from jwt import PyJWK, get_unverified_header
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

METADATA_FOR = 24 * 3600.0  # seconds: the OpenID metadata and keys are read once a day
REREAD_AFTER = 5 * 60.0  # seconds: a token signed with an unknown key rereads them, at most this often
METADATA_TIMEOUT = aiohttp.ClientTimeout(total=10)
NOT_ITSELF = "Tipline's bot has its own token only (no on-behalf-of or agentic tokens)"


class _PublishedKeys:
    """The signing keys the OpenID metadata names, read with aiohttp, for JwtTokenValidator (its
    key-manager seam: `get_signing_key(jwks_uri, header)`; the SDK's own jwks_uri is ignored,
    see the module). Each key's endorsements (the channels it may sign for) are kept beside it."""

    def __init__(self, metadata_url: str) -> None:
        self._metadata_url = metadata_url
        self._keys: dict[str, tuple[PyJWK, tuple[str, ...] | None]] = {}
        self._read_at: float | None = None
        self._reading = asyncio.Lock()

    async def _read(self, session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
        async with session.get(url) as response:
            response.raise_for_status()
            document = await response.json(content_type=None)
        if not isinstance(document, dict):
            raise Unauthenticated("the published keys are not readable")
        return document

    async def _refresh(self, kid: str) -> None:
        async with self._reading:
            read_at = self._read_at
            if kid in self._keys and read_at is not None and time.monotonic() - read_at < METADATA_FOR:
                return  # another request read them meanwhile
            if kid not in self._keys and read_at is not None and time.monotonic() - read_at < REREAD_AFTER:
                return  # an unknown kid rereads the keys at most this often
            async with aiohttp.ClientSession(timeout=METADATA_TIMEOUT) as session:
                jwks_uri = (await self._read(session, self._metadata_url)).get("jwks_uri")
                if not isinstance(jwks_uri, str):
                    raise Unauthenticated("the OpenID metadata names no jwks_uri")
                found = (await self._read(session, jwks_uri)).get("keys")
            keys: dict[str, tuple[PyJWK, tuple[str, ...] | None]] = {}
            for jwk in found if isinstance(found, list) else []:
                if isinstance(jwk, dict) and isinstance(jwk.get("kid"), str):
                    endorsed = jwk.get("endorsements")
                    channels = tuple(map(str, endorsed)) if isinstance(endorsed, list) else None
                    keys[jwk["kid"]] = (PyJWK(jwk, algorithm="RS256"), channels)
            self._keys, self._read_at = keys, time.monotonic()

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        kid = str(header.get("kid") or "")
        read_at = self._read_at
        if kid not in self._keys or read_at is None or time.monotonic() - read_at > METADATA_FOR:
            await self._refresh(kid)
        if kid not in self._keys:
            raise Unauthenticated("signed with a key that is not published")
        return self._keys[kid][0]

    def endorses(self, kid: str, channel: object) -> bool:
        """Whether the key may sign for `channel` (a key published without endorsements may)."""
        _, channels = self._keys.get(kid, (None, ()))
        return channels is None or channel in channels


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
        # The SDK's key manager is a class attribute; this validator's reads our metadata instead.
        self._keys = _PublishedKeys(settings.openid_metadata_url)
        validator._jwk_client_manager = self._keys  # type: ignore[assignment]
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
        kid = str(get_unverified_header(token.strip()).get("kid") or "")
        if not self._keys.endorses(kid, body.get("channelId")):
            raise Unauthenticated("the signing key is not endorsed for this channel")
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
