"""A stand-in for the Bot Framework's token issuer: OpenID metadata + JWKS on 127.0.0.1, and RS256
tokens shaped like the ones the Bot Connector puts in "Authorization: Bearer …" on every activity.

botbuilder fetches the metadata with the synchronous `requests` library from inside the event loop,
so the server runs in its own thread (ThreadingHTTPServer), not on the test's loop.

JwtTokenExtractor caches metadata per URL in a class attribute for a day; each issuer's
metadata_url is unique (a per-instance query string) and stop() drops its cache entry, so tests
stay independent even when a port is reused.

Point botbuilder at it with `issuer.authentication(app_id, credential_factory)` (the same settings
an app would pass to BotFrameworkAuthenticationFactory.create) or use `issuer.metadata_url` and
ISSUER directly.
"""

from __future__ import annotations

import functools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from botframework.connector.auth import (
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    JwtTokenExtractor,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
)
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
OAUTH_SCOPE = "https://api.botframework.com"
LOGIN_URL = "https://login.microsoftonline.com/botframework.com"
ENDORSEMENTS = ("msteams", "webchat", "skype", "directline")


@functools.cache
def _key(number: int) -> rsa.RSAPrivateKey:
    """RSA keys, generated once per run (generation is slow); issuers tell theirs apart by kid."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TokenIssuer:
    """Start with `issuer.start()` (or `with TokenIssuer() as issuer:`), stop with `issuer.stop()`."""

    def __init__(self, endorsements: tuple[str, ...] | list[str] = ENDORSEMENTS) -> None:
        self.key = _key(0)
        self.kid = secrets.token_urlsafe(16)
        self.endorsements = list(endorsements)
        self.requests: list[str] = []  # paths fetched, in order (metadata, keys, …)
        self._instance = secrets.token_hex(8)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                issuer.requests.append(path)
                if path == "/v1/.well-known/openidconfiguration":
                    self._json(issuer.openid_configuration())
                elif path == "/v1/keys":
                    self._json(issuer.jwks())
                else:
                    self._json({"error": "not found"}, 404)

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="token-issuer", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.forget()

    def forget(self) -> None:
        """Drop botbuilder's cached metadata/keys for this issuer (next validation refetches)."""
        JwtTokenExtractor.metadataCache.pop(self.metadata_url, None)

    def __enter__(self) -> TokenIssuer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def metadata_url(self) -> str:
        """The OpenID configuration URL (to_bot_from_channel_open_id_metadata_url)."""
        return f"{self.url}v1/.well-known/openidconfiguration?instance={self._instance}"

    # ---- documents -------------------------------------------------------------------------------

    def openid_configuration(self) -> dict[str, Any]:
        return {
            "issuer": ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": f"{self.url}v1/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "x5t": self.kid, "endorsements": list(self.endorsements)})
        return {"keys": [jwk]}

    # ---- tokens ----------------------------------------------------------------------------------

    def token(
        self,
        app_id: str,
        service_url: str,
        *,
        expires_in: int = 3600,
        issuer: str = ISSUER,
        kid: str | None = None,
        sign_with_other_key: bool = False,
        not_before: int | None = None,
        extra_claims: dict[str, Any] | None = None,
        omit_claims: tuple[str, ...] = (),
    ) -> str:
        """A token as the Bot Connector sends it to a bot: iss, aud=app_id, serviceurl, nbf, exp, and
        header kid. Note botbuilder allows 5 minutes of clock skew: to be refused as expired a token
        needs expires_in < -300, and as not yet valid not_before > now + 300."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "serviceurl": service_url,
            "nbf": now - 300 if not_before is None else not_before,
            "exp": now + expires_in,
            "iss": issuer,
            "aud": app_id,
        }
        claims.update(extra_claims or {})
        for name in omit_claims:
            claims.pop(name, None)
        key = _key(1) if sign_with_other_key else self.key
        headers = {"kid": kid or self.kid, "x5t": kid or self.kid, "typ": "JWT"}
        return jwt.encode(claims, key, algorithm="RS256", headers=headers)

    def authentication(
        self,
        app_id: str,
        credential_factory: ServiceClientCredentialsFactory | None = None,
        password: str = "secret",
    ) -> BotFrameworkAuthentication:
        """botbuilder's real authentication, trusting this issuer for channel (Teams) tokens."""
        return BotFrameworkAuthenticationFactory.create(
            to_bot_from_channel_token_issuer=ISSUER,
            to_bot_from_channel_open_id_metadata_url=self.metadata_url,
            to_channel_from_bot_oauth_scope=OAUTH_SCOPE,
            to_channel_from_bot_login_url=LOGIN_URL,
            credential_factory=credential_factory or PasswordServiceClientCredentialFactory(app_id, password),
        )
