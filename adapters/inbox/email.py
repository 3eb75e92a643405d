"""The email destination: each inbox event as one message to the security team's mailbox.

- multipart/alternative: plain text and HTML, both from adapters.inbox.email_body (escaped,
  links defanged, no reporter identity in the subject or the body);
- idempotent: the Message-ID is derived from the delivery's idempotency key, so a receiving
  system that drops repeats drops a retried copy; X-Tipline-Delivery carries the key as is;
- threaded: the first event of a report (report.submitted) has Message-ID <thread_key> and
  every later event points at it with In-Reply-To and References;
- errors: a 5xx answer (sender or every recipient refused, bad credentials, message refused)
  will not get better by retrying: PermanentDeliveryFailure. Connection errors, timeouts and
  4xx answers are retried: DeliveryFailed.

Nothing here logs message content, addresses of recipients or credentials.
"""

from __future__ import annotations

import logging
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Literal

import aiosmtplib

from adapters.inbox import email_body
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure
from bot.inbox import subject
from bot.inbox_events import EventKind, InboxEvent
from bot.net import is_loopback_host
from bot.ports import OutboxEntry

log = logging.getLogger(__name__)

Security = Literal["starttls", "tls", "none"]
_SECURITY: tuple[Security, ...] = ("starttls", "tls", "none")

# RFC 5322 atext without "." (kept out so no "..", leading or trailing dot can appear).
_ATEXT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/?^_`{|}~")


def message_id_for(idempotency_key: str) -> str:
    """<key@tipline>, with every character that may not appear in a Message-ID written as =XX
    (so "TIP-7K3Q9D:report.submitted:r1:email" becomes "TIP-7K3Q9D=3Areport=2Esubmitted...")."""
    encoded = "".join(
        ch if ch in _ATEXT else "".join(f"={b:02X}" for b in ch.encode("utf-8")) for ch in idempotency_key
    )
    return f"<{encoded}@tipline>"


class EmailInbox:
    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        security: Security,
        username: str | None,
        password: str | None,
        sender: str,
        recipients: list[str],
        timeout: float,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in _SECURITY:
            raise ValueError(f"email destination {name!r}: security must be one of {', '.join(_SECURITY)}")
        if not host:
            raise ValueError(f"email destination {name!r}: no SMTP host")
        if not _is_address(sender):
            raise ValueError(f"email destination {name!r}: the sender is not an email address")
        if not recipients or not all(_is_address(r) for r in recipients):
            raise ValueError(f"email destination {name!r}: give one or more recipient email addresses")
        if (username is None) != (password is None):
            raise ValueError(f"email destination {name!r}: give both a username and a password, or neither")
        if username is not None and security == "none" and not is_loopback_host(host):
            raise ValueError(
                f"email destination {name!r}: refusing to send a password without TLS to {host}; "
                "use security starttls or tls"
            )
        if timeout <= 0:
            raise ValueError(f"email destination {name!r}: timeout must be positive")
        self.name = name
        self._host = host
        self._port = port
        self._security = security
        self._username = username
        self._password = password
        self._sender = sender
        self._recipients = list(recipients)
        self._timeout = timeout
        self._tls_context = tls_context

    def __repr__(self) -> str:  # never show the password
        return (
            f"EmailInbox(name={self.name!r}, host={self._host!r}, port={self._port}, "
            f"security={self._security!r})"
        )

    def build_message(self, entry: OutboxEntry) -> EmailMessage:
        event = InboxEvent.model_validate(entry.payload)
        msg = EmailMessage(policy=SMTP)
        msg["Subject"] = subject(event)
        msg["From"] = self._sender
        msg["To"] = ", ".join(self._recipients)
        msg["Date"] = format_datetime(event.occurred_at)
        thread = f"<{event.thread_key}>"
        if event.event == EventKind.SUBMITTED and entry.event == EventKind.SUBMITTED:
            msg["Message-ID"] = thread
        else:
            msg["Message-ID"] = message_id_for(entry.idempotency_key)
            msg["In-Reply-To"] = thread
            msg["References"] = thread
        msg["X-Tipline-Delivery"] = entry.idempotency_key
        msg["X-Tipline-Event"] = str(event.event)
        msg["X-Tipline-Reference"] = event.report.reference
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to this
        msg.set_content(email_body.plain_text(event))
        msg.add_alternative(email_body.html(event), subtype="html")
        return msg

    async def deliver(self, entry: OutboxEntry) -> None:
        try:
            message = self.build_message(entry)
        except ValueError as exc:  # a payload that is not an inbox event: no retry will fix it
            raise PermanentDeliveryFailure(f"email {self.name}: not an inbox event") from exc
        try:
            refused, _ = await aiosmtplib.send(
                message,
                sender=self._sender,
                recipients=self._recipients,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._security == "tls",
                start_tls=self._security == "starttls",
                tls_context=self._tls_context,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            if codes and all(code >= 500 for code in codes):
                raise PermanentDeliveryFailure(f"email {self.name}: every recipient refused") from exc
            raise DeliveryFailed(f"email {self.name}: recipients refused for now") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentDeliveryFailure(f"email {self.name}: server answered {exc.code}") from exc
            raise DeliveryFailed(f"email {self.name}: server answered {exc.code}") from exc
        except aiosmtplib.SMTPNotSupported as exc:  # e.g. an address needs SMTPUTF8 the server lacks
            raise PermanentDeliveryFailure(f"email {self.name}: the server lacks a needed extension") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryFailed(f"email {self.name}: {type(exc).__name__}") from exc
        if refused:
            # Accepted for some recipients: sending again would give them a second copy.
            log.warning(
                "email: %s accepted delivery %s for %d of %d recipients",
                self.name,
                entry.id,
                len(self._recipients) - len(refused),
                len(self._recipients),
            )


def _is_address(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(local and at and domain) and not any(ch.isspace() or ch in '<>,;"' for ch in value)
