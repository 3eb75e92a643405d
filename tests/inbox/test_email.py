"""The email destination against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import logging

import pytest

from adapters.inbox.email import EmailInbox, message_id_for
from bot.destinations import DeliveryFailed, PermanentDeliveryFailure
from bot.inbox_events import EventKind, StatusChange, ThreadMessage
from bot.ports import MessageKind
from bot.report import Outcome, Status
from tests.factories import make_report
from tests.inbox.conftest import HOST, SMTP_PASSWORD, SMTP_USER, SmtpRecorder, StartSmtp, free_port
from tests.inbox.events import IDENTITY, IDENTITY_PARTS, entry_for, event

SENDER = "tipline@security.example"
TEAM = ["soc@security.example", "duty@security.example"]
HOSTILE = '<script>alert(1)</script><a href="https://evil.example/x">click</a>'


def _inbox(port: int, **overrides) -> EmailInbox:
    options = {
        "name": "email",
        "host": HOST,
        "port": port,
        "security": "none",
        "username": None,
        "password": None,
        "sender": SENDER,
        "recipients": TEAM,
        "timeout": 5.0,
    }
    options.update(overrides)
    return EmailInbox(**options)


async def test_a_new_report_arrives_once_threaded_and_without_the_reporter_in_any_header(
    smtp_server: StartSmtp,
) -> None:
    server = smtp_server()
    submitted = event(EventKind.SUBMITTED, make_report(reporter=IDENTITY, what_happened=HOSTILE))
    entry = entry_for(submitted, "email")

    await _inbox(server.port).deliver(entry)

    [received] = server.recorder.received
    assert (received.mail_from, received.rcpt_tos) == (SENDER, TEAM)
    message = received.message
    reference = submitted.report.reference
    assert message["Subject"] == f"[{reference}] New report (High severity)"
    assert message["Message-ID"] == f"<{reference.lower()}@tipline>" == f"<{submitted.thread_key}>"
    assert message["In-Reply-To"] is None and message["References"] is None
    assert message["X-Tipline-Delivery"] == entry.idempotency_key
    assert message["X-Tipline-Event"] == "report.submitted"
    assert message["Auto-Submitted"] == "auto-generated"
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    for part in IDENTITY_PARTS:
        assert part not in headers and part.encode() not in received.raw
    assert "script" not in headers and "evil" not in headers

    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    for field in (
        "Name used: Jane Smith",
        "Organisation: Acme Talent",
        "More about what was offered: £2,000",
    ):
        assert field in text
    assert ">Jane Smith</td>" in page and ">Acme Talent</td>" in page
    assert "<script" not in page and "<a " not in page and "https://" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;hxxps://evil[.]example/x&quot;&gt;" in page
    assert f"What happened: {HOSTILE.replace('https://evil.example', 'hxxps://evil[.]example')}" in text


async def test_later_events_thread_under_the_first_and_each_has_its_own_message_id(
    smtp_server: StartSmtp,
) -> None:
    server = smtp_server()
    report = make_report(reporter=IDENTITY)
    inbox = _inbox(server.port)
    answer = event(
        EventKind.MESSAGE,
        report,
        message=ThreadMessage(id=4, kind=MessageKind.ANSWER, body=HOSTILE, from_label="Reporter"),
    )
    closed = event(
        EventKind.STATUS,
        report,
        status_change=StatusChange(
            action="closed",
            by="cli:bob",
            from_status=Status.ACKNOWLEDGED,
            to_status=Status.CLOSED,
            outcome=Outcome.BENIGN,
        ),
    )
    await inbox.deliver(entry_for(answer, "email", suffix=":m4"))
    await inbox.deliver(entry_for(closed, "email", suffix=":closed"))

    first, second = (r.message for r in server.recorder.received)
    thread = f"<{report.reference.lower()}@tipline>"
    for message in (first, second):
        assert message["In-Reply-To"] == thread and message["References"] == thread
        assert message["Message-ID"] != thread
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Subject"] == f"[{report.reference}] Reply from the reporter"
    assert second["Subject"] == f"[{report.reference}] Closed: benign"
    assert "<script" not in first.get_body(("html",)).get_content()
    assert "&lt;script&gt;" in first.get_body(("html",)).get_content()


async def test_a_repeat_delivery_carries_the_same_message_id_so_the_receiver_can_drop_it(
    smtp_server: StartSmtp,
) -> None:
    server = smtp_server()
    entry = entry_for(event(EventKind.UPDATED), "email")
    inbox = _inbox(server.port)
    await inbox.deliver(entry)
    await inbox.deliver(entry)  # the worker died before recording the first delivery
    first, second = (r.message for r in server.recorder.received)
    assert first["Message-ID"] == second["Message-ID"] == message_id_for(entry.idempotency_key)
    assert first["X-Tipline-Delivery"] == second["X-Tipline-Delivery"] == entry.idempotency_key


def test_message_ids_are_valid_and_distinct_for_distinct_keys() -> None:
    assert (
        message_id_for("TIP-7K3Q9D:report.updated:r2:email")
        == "<TIP-7K3Q9D=3Areport=2Eupdated=3Ar2=3Aemail@tipline>"
    )
    assert message_id_for("a:b") != message_id_for("a=3Ab")  # "=" itself is encoded, so no collisions
    assert message_id_for("é") == "<=C3=A9@tipline>"


async def test_refused_recipients_are_a_permanent_failure(smtp_server: StartSmtp) -> None:
    server = smtp_server(recorder=SmtpRecorder(refuse_recipients="550 5.1.1 No such mailbox"))
    with pytest.raises(PermanentDeliveryFailure):
        await _inbox(server.port).deliver(entry_for(event(), "email"))
    assert server.recorder.received == []


async def test_a_message_accepted_for_some_recipients_is_delivered_and_not_sent_again(
    smtp_server: StartSmtp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters")
    recorder = SmtpRecorder(refuse_recipients="550 5.1.1 No such mailbox", refuse_only=frozenset({TEAM[1]}))
    server = smtp_server(recorder=recorder)
    await _inbox(server.port).deliver(entry_for(event(), "email"))  # no exception: a retry would duplicate
    [received] = server.recorder.received
    assert received.rcpt_tos == [TEAM[0]]
    [warning] = [r.getMessage() for r in caplog.records if r.name.startswith("adapters")]
    assert warning.endswith("for 1 of 2 recipients")
    assert all(address not in warning for address in TEAM)


async def test_recipients_refused_for_now_are_retried(smtp_server: StartSmtp) -> None:
    server = smtp_server(recorder=SmtpRecorder(refuse_recipients="451 4.3.0 Try again later"))
    with pytest.raises(DeliveryFailed) as caught:
        await _inbox(server.port).deliver(entry_for(event(), "email"))
    assert type(caught.value) is DeliveryFailed


async def test_a_server_that_is_down_is_a_retryable_failure() -> None:
    with pytest.raises(DeliveryFailed) as caught:
        await _inbox(free_port(), timeout=2.0).deliver(entry_for(event(), "email"))
    assert type(caught.value) is DeliveryFailed


async def test_login_with_a_password(smtp_server: StartSmtp) -> None:
    server = smtp_server(auth=True)
    inbox = _inbox(server.port, username=SMTP_USER, password=SMTP_PASSWORD)
    await inbox.deliver(entry_for(event(), "email"))
    [received] = server.recorder.received
    assert received.login == SMTP_USER.encode()
    assert SMTP_PASSWORD not in repr(inbox)


async def test_a_wrong_password_is_a_permanent_failure_and_is_never_logged(
    smtp_server: StartSmtp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = smtp_server(auth=True)
    wrong = "not-the-password-SENTINEL"
    with pytest.raises(PermanentDeliveryFailure) as caught:
        await _inbox(server.port, username=SMTP_USER, password=wrong).deliver(entry_for(event(), "email"))
    assert wrong not in str(caught.value)
    assert all(wrong not in r.getMessage() for r in caplog.records)
    assert server.recorder.received == []


async def test_starttls_with_a_certificate_from_our_own_ca_and_login(smtp_server: StartSmtp) -> None:
    server = smtp_server(auth=True, starttls=True)
    inbox = _inbox(
        server.port,
        security="starttls",
        username=SMTP_USER,
        password=SMTP_PASSWORD,
        tls_context=server.client_tls,
    )
    await inbox.deliver(entry_for(event(), "email"))
    [received] = server.recorder.received
    assert received.login == SMTP_USER.encode()


async def test_starttls_refuses_a_certificate_it_does_not_trust(smtp_server: StartSmtp) -> None:
    server = smtp_server(starttls=True)
    with pytest.raises(DeliveryFailed):
        await _inbox(server.port, security="starttls").deliver(entry_for(event(), "email"))
    assert server.recorder.received == []


async def test_a_server_without_starttls_is_not_used_in_clear(smtp_server: StartSmtp) -> None:
    server = smtp_server()  # offers no STARTTLS
    with pytest.raises(DeliveryFailed):
        await _inbox(server.port, security="starttls").deliver(entry_for(event(), "email"))
    assert server.recorder.received == []


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"security": "ssl"}, "security must be one of"),
        ({"recipients": []}, "recipient"),
        ({"recipients": ["not an address"]}, "recipient"),
        ({"sender": "nobody"}, "sender"),
        ({"username": "u", "password": None}, "both a username and a password"),
        ({"host": "smtp.example", "username": "u", "password": "p"}, "without TLS"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_a_bad_configuration_is_refused_at_start(overrides, complaint) -> None:
    with pytest.raises(ValueError, match=complaint):
        _inbox(25, **overrides)


async def test_a_payload_that_is_not_an_inbox_event_is_a_permanent_failure(smtp_server: StartSmtp) -> None:
    server = smtp_server()
    entry = entry_for(event(), "email")
    entry.payload = make_report().model_dump(mode="json")  # the old shape: a bare report
    with pytest.raises(PermanentDeliveryFailure):
        await _inbox(server.port).deliver(entry)
