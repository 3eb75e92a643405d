"""Real servers on 127.0.0.1 for the inbox destinations: an aiosmtpd SMTP server and an
aiohttp webhook receiver, each on a port of its own and always stopped after the test."""

from __future__ import annotations

import email
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
import trustme
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from tests.db_fixtures import engine, uow_factory

__all__ = ["engine", "uow_factory"]

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on (for a server that is down, or one started later)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --- SMTP ------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    login: bytes | None

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpRecorder:
    """An aiosmtpd handler that keeps what it receives, or refuses recipients when told to."""

    received: list[Received] = field(default_factory=list)
    refuse_recipients: str | None = None  # e.g. "550 5.1.1 No such mailbox"
    refuse_only: frozenset[str] = frozenset()  # refuse just these addresses (all when empty)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_recipients and (not self.refuse_only or address in self.refuse_only):
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.content, login)
        )
        return "250 Message accepted"


@dataclass
class SmtpServer:
    recorder: SmtpRecorder
    port: int
    client_tls: ssl.SSLContext | None = None


SMTP_USER = "tipline"
SMTP_PASSWORD = "correct horse battery staple"


def _authenticator(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


StartSmtp = Callable[..., SmtpServer]


@pytest.fixture
def smtp_server() -> Iterator[StartSmtp]:
    """start(auth=False, starttls=False, recorder=None) -> a running aiosmtpd server."""
    controllers: list[Controller] = []

    def start(
        *, auth: bool = False, starttls: bool = False, recorder: SmtpRecorder | None = None
    ) -> SmtpServer:
        recorder = recorder or SmtpRecorder()
        port = free_port()
        options: dict[str, Any] = {"server_hostname": "smtp.test", "ready_timeout": 5}
        client_tls = None
        if auth:
            options |= {"authenticator": _authenticator, "auth_require_tls": starttls}
        if starttls:
            ca = trustme.CA()
            server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert(HOST, "localhost").configure_cert(server_tls)
            client_tls = ssl.create_default_context()
            ca.configure_trust(client_tls)
            options |= {"tls_context": server_tls, "require_starttls": True}
        controller = Controller(recorder, hostname=HOST, port=port, **options)
        controller.start()
        controllers.append(controller)
        return SmtpServer(recorder, port, client_tls)

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


# --- Webhook receiver ------------------------------------------------------------------------


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next of `answers` (status, extra headers); 200 once they run out."""

    port: int
    requests: list[Request] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/hooks/tipline"

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(Request(dict(request.headers), await request.read()))
        status, headers = self.answers.pop(0) if self.answers else (200, {})
        return web.Response(status=status, headers=headers, text="ok" if status < 300 else "no")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hooks/tipline", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, HOST, self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[..., Receiver]]:
    """make(port=None) -> a Receiver (not started yet: `await receiver.start()`)."""
    made: list[Receiver] = []

    def make(port: int | None = None) -> Receiver:
        receiver = Receiver(port or free_port())
        made.append(receiver)
        return receiver

    try:
        yield make
    finally:
        for receiver in made:
            await receiver.stop()


@pytest.fixture
async def receiver(receivers: Callable[..., Receiver]) -> Receiver:
    started = receivers()
    await started.start()
    return started
