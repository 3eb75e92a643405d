"""The webhook destination: each inbox event POSTed as signed JSON to the security team's system.

What the receiver gets (docs/webhooks.md is the receiver's guide):
  body       the inbox event (bot.inbox_events.InboxEvent) as compact UTF-8 JSON
  headers    Content-Type: application/json
             X-Tipline-Event: report.submitted | report.updated | ...
             X-Tipline-Delivery / Idempotency-Key: the delivery's idempotency key
             X-Tipline-Timestamp: unix seconds when this attempt was signed
             X-Tipline-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

What its answer means here:
  2xx            delivered
  429            come back later: Retry-After (seconds or an HTTP date) is honoured
  408, 5xx       retried with backoff, as are timeouts and connection errors
  3xx, other 4xx the request will not get better: dead-lettered after this one attempt

Redirects are not followed (they would carry the signed report somewhere not configured).
Nothing here logs the body, the response or the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import aiohttp

from bot.delivery_failures import ServiceAnswer, delivery_failure
from bot.destinations import DeliveryFailed
from bot.net import is_loopback_host
from bot.ports import OutboxEntry
from bot.report import utcnow

SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = timedelta(minutes=5)
USER_AGENT = "Tipline-Webhook/1"


def signed_bytes(timestamp: str, body: bytes) -> bytes:
    """Exactly what is signed: the timestamp header's value, a dot, then the raw body."""
    return timestamp.encode("ascii") + b"." + body


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 that goes after "v1=" in X-Tipline-Signature."""
    return hmac.new(secret, signed_bytes(timestamp, body), hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> bool:
    """True only if the body was signed with `secret` at a time within `tolerance` of `now`.

    For receivers written in Python. The timestamp window is the replay protection: a captured
    request cannot be sent again later. The comparison takes constant time. Several signatures
    separated by commas are accepted (v1=<old>,v1=<new>), for a receiver rotating its secret.
    """
    if not secret or not timestamp_header or not signature_header:
        return False
    timestamp = timestamp_header.strip()
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return False
    sent_at = datetime.fromtimestamp(int(timestamp), UTC)
    if abs(now - sent_at) > tolerance:
        return False
    expected = sign(secret, timestamp, body).encode("ascii")
    matched = False
    for part in signature_header.split(","):
        version, _, value = part.strip().partition("=")
        if version == SIGNATURE_VERSION:
            # No early exit: every candidate is compared, in constant time.
            matched |= hmac.compare_digest(value.strip().encode("utf-8"), expected)
    return matched


def check_url(url: str) -> str:
    """The URL if it is safe to send a signed report to, else ValueError saying why."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError("the webhook URL is not a valid URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise ValueError(
            "the webhook URL must be an http(s) URL with a host, such as https://cases.example/tipline"
        )
    if scheme == "http" and not is_loopback_host(host):
        raise ValueError(
            "the webhook URL must use https (plain http is allowed only to 127.0.0.1, ::1 or localhost): "
            "reports and signatures must not cross a network in clear"
        )
    return url


class WebhookInbox:
    def __init__(
        self,
        name: str,
        url: str,
        secret: bytes,
        timeout: float,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if not secret:
            raise ValueError(f"webhook destination {name!r}: the signing secret is empty; set one")
        try:
            check_url(url)
        except ValueError as exc:
            raise ValueError(f"webhook destination {name!r}: {exc}") from None
        if timeout <= 0:
            raise ValueError(f"webhook destination {name!r}: timeout must be positive")
        self.name = name
        self.url = url
        self._secret = secret
        self._timeout = timeout
        self._clock = clock
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:  # never show the secret
        return f"WebhookInbox(name={self.name!r}, url={self.url!r})"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                headers={"User-Agent": USER_AGENT},
            )
        return self._session

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def request_parts(self, entry: OutboxEntry, now: datetime) -> tuple[bytes, dict[str, str]]:
        """The exact body and headers of one attempt (a new timestamp and signature each time)."""
        body = json.dumps(entry.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json",
            "X-Tipline-Event": entry.event,
            "X-Tipline-Delivery": entry.idempotency_key,
            "Idempotency-Key": entry.idempotency_key,
            "X-Tipline-Timestamp": timestamp,
            "X-Tipline-Signature": f"{SIGNATURE_VERSION}={sign(self._secret, timestamp, body)}",
        }
        return body, headers

    async def deliver(self, entry: OutboxEntry) -> None:
        body, headers = self.request_parts(entry, self._clock())
        try:
            async with self._client().post(
                self.url, data=body, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryFailed(f"webhook {self.name}: {type(exc).__name__}") from None
        if 200 <= status < 300:
            return
        raise delivery_failure(
            f"webhook {self.name}",
            ServiceAnswer(status, retry_after),
            self._clock(),
            service="the receiver",
            refused_for_good=lambda status: 300 <= status < 500 and status != 408,
            default_wait=timedelta(0),
            message=f"webhook {self.name}: the receiver answered {status}",
        )
