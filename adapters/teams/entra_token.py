"""The bot's own token (for replies and proactive messages), from Microsoft Entra: asked for
once, kept until shortly before it expires, and fetched off the event loop, for either transport
(credentials.py wraps it for botbuilder, transport_agents_auth.py for the Agents SDK).

One MSAL client per app id and scope. `ready()`, awaited before every Connector call, makes sure a
token good for a while yet is held, fetching it in a worker thread (one fetch at a time, shared by
every turn that needs it). A token near its end is renewed in the background while it is still
used. A failed fetch is retried with backoff and logged with MSAL's error code or the exception's
class, never the secret. An authority the operator set (TEAMS_LOGIN_URL) is trusted as given:
MSAL asks no instance discovery of Microsoft for it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from msal import ConfidentialClientApplication

log = logging.getLogger("tipline.teams.credentials")

RENEW_BEFORE = 5 * 60.0  # seconds before expiry: renew in the background, still using the old one
USABLE_UNTIL = 60.0  # seconds before expiry: no longer handed out; wait for the new one
ATTEMPTS = 4
# Seconds, doubled after each failure, ±20%. MSAL itself replays a 5xx or 429 for its Retry-After
# (5 s without one) rather than asking again, so a quicker retry would only see that replay.
FIRST_BACKOFF = 1.0
FETCH_TIMEOUT = 20.0  # seconds for one request to Entra


class TokenUnavailable(Exception):
    """Entra did not give the bot a token (after retries). The message names no secret."""


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # time.monotonic()

    def seconds_left(self) -> float:
        return self.expires_at - time.monotonic()


class EntraToken:
    """One app id's token for one scope: its MSAL client and its current token."""

    def __init__(
        self,
        app_id: str,
        password: str,
        oauth_scope: str,
        authority: str,
        trusted: bool,
    ) -> None:
        self.app_id = app_id
        self._password = password
        self.oauth_scope = oauth_scope
        self.authority = authority
        self._trusted = trusted
        self._msal: ConfidentialClientApplication | None = None
        self._token: _Token | None = None
        self._fetching = threading.Lock()
        self._renewal: asyncio.Task[None] | None = None
        self.fetches = 0  # token requests sent to Entra, for the logs and the tests

    def __repr__(self) -> str:  # never print the secret
        return f"EntraToken(app_id={self.app_id!r}, scope={self.oauth_scope!r})"

    def now(self, force_refresh: bool = False) -> str:
        """The token, synchronously (msrest asks so, on the event loop): normally the one `ready` got."""
        token = self._token
        if token is not None and not force_refresh and token.seconds_left() > USABLE_UNTIL:
            return token.value
        # Only when a caller skipped create_credentials: fetch here, as botbuilder would have.
        log.warning("teams: fetching the bot's token on the event loop (no token was ready)")
        return self._fetch().value

    async def ready(self) -> str:
        """A token good for more than a minute (or TokenUnavailable)."""
        token = self._token
        left = token.seconds_left() if token is not None else 0.0
        if token is not None and left > RENEW_BEFORE:
            return token.value
        if self._renewal is None or self._renewal.done():
            self._renewal = asyncio.create_task(self._renew())
        if token is not None and left > USABLE_UNTIL:
            return token.value  # the current one still serves while the new one is fetched
        await asyncio.shield(self._renewal)
        return self.now()

    def seconds_left(self) -> float:
        """How long the token held now is good for (0 without one)."""
        return self._token.seconds_left() if self._token is not None else 0.0

    async def _renew(self) -> None:
        delay = FIRST_BACKOFF
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await asyncio.to_thread(self._fetch)
                return
            except Exception as exc:
                reason = _reason(exc)
                if attempt == ATTEMPTS:
                    log.error("teams: no token for the bot after %d attempts: %s", ATTEMPTS, reason)
                    raise TokenUnavailable(reason) from None
                log.warning(
                    "teams: the bot's token request failed (attempt %d of %d), retrying: %s",
                    attempt,
                    ATTEMPTS,
                    reason,
                )
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret
            delay *= 2

    def _fetch(self) -> _Token:
        with self._fetching:
            token = self._token
            if token is not None and token.seconds_left() > RENEW_BEFORE:
                return token  # another thread fetched it while this one waited
            scope = (
                self.oauth_scope if self.oauth_scope.endswith("/.default") else self.oauth_scope + "/.default"
            )
            self.fetches += 1
            answer: dict[str, Any] = self._client().acquire_token_for_client(scopes=[scope])
            if "access_token" not in answer:
                # The error code only (invalid_client, unauthorized_client...): the description may
                # quote the request.
                raise TokenUnavailable(f"Entra answered {answer.get('error', 'without a token')}")
            expires_in = float(answer.get("expires_in") or 3600)
            self._token = _Token(str(answer["access_token"]), time.monotonic() + expires_in)
            log.info("teams: got the bot's token, good for %d minutes", expires_in // 60)
            return self._token

    def _client(self) -> ConfidentialClientApplication:
        if self._msal is None:
            self._msal = ConfidentialClientApplication(
                client_id=self.app_id,
                client_credential=self._password,
                authority=self.authority,
                timeout=FETCH_TIMEOUT,
                # An authority the operator set (TEAMS_LOGIN_URL) is trusted as given; Microsoft's
                # own hosts need no discovery either.
                instance_discovery=False if self._trusted else None,
            )
        return self._msal


def _reason(exc: Exception) -> str:
    """What went wrong, safe to log: MSAL's error code or the exception's class, never a message
    that might quote the request."""
    if isinstance(exc, TokenUnavailable):
        return str(exc)
    code = getattr(exc, "error", None)
    return (
        f"{type(exc).__name__} ({code})"
        if isinstance(code, str) and code.isidentifier()
        else type(exc).__name__
    )
