"""send.py against a real aiosmtpd server; faults are injected at the server (smtp_sink)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mailprobe.config import SmtpSettings
from mailprobe.errors import AuthError, ServerUnreachable
from mailprobe.model import SendOutcome, SendState
from mailprobe.send import SmtpClient
from tests.servers.process import free_port
from tests.servers.smtp_sink import DROP, PASS, STALL, SmtpSink

MESSAGE_ID = "<mp.abcdefghjk@probe.test>"
MESSAGE = (
    b"From: probe@probe.test\r\nTo: office@unit.test\r\nSubject: t\r\n"
    b"Message-ID: " + MESSAGE_ID.encode() + b"\r\n\r\n.a line with a dot\r\nbye\r\n"
)


def settings(sink: SmtpSink, **kwargs: Any) -> SmtpSettings:
    base = SmtpSettings(host=sink.host, port=sink.port, tls="none", timeout=0.5)
    return replace(base, **kwargs)


def deliver(config: SmtpSettings, times: int = 1, **kwargs: Any) -> list[SendOutcome]:
    async def run() -> list[SendOutcome]:
        client = SmtpClient(config, **kwargs)
        try:
            return [
                await client.deliver("probe@probe.test", "office@unit.test", MESSAGE)
                for _ in range(times)
            ]
        finally:
            await client.close()

    return asyncio.run(run())


def test_accepted_message_arrives_once_with_queue_id(smtp_sink: SmtpSink) -> None:
    (outcome,) = deliver(settings(smtp_sink))
    assert (outcome.state, outcome.code, outcome.queue_id) == (SendState.ACCEPTED, 250, "Q000001")
    assert outcome.at is not None and outcome.at.utcoffset() is not None
    assert [m.message_id for m in smtp_sink.received] == [MESSAGE_ID]
    assert smtp_sink.received[0].rcpt_tos == ("office@unit.test",)


def test_dot_stuffing_keeps_the_body_intact(smtp_sink: SmtpSink) -> None:
    deliver(settings(smtp_sink))
    assert smtp_sink.received[0].data.endswith(b"\r\n.a line with a dot\r\nbye\r\n")


def test_connection_is_reused_for_the_next_message(smtp_sink: SmtpSink) -> None:
    outcomes = deliver(settings(smtp_sink), times=3)
    assert [o.state for o in outcomes] == [SendState.ACCEPTED] * 3
    assert smtp_sink.connections == 1


def test_450_at_rcpt_is_deferred_and_nothing_is_received(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("rcpt", "450 4.2.0 greylisted, try again later")
    (outcome,) = deliver(settings(smtp_sink))
    assert (outcome.state, outcome.code) == (SendState.DEFERRED, 450)
    assert smtp_sink.received == []


def test_450_then_accept_on_the_next_attempt(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("rcpt", "450 4.2.0 greylisted")
    outcomes = deliver(settings(smtp_sink), times=2)
    assert [o.state for o in outcomes] == [SendState.DEFERRED, SendState.ACCEPTED]
    assert len(smtp_sink.received) == 1


def test_452_at_rcpt_is_deferred(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("rcpt", "452 4.2.2 mailbox full, try later")
    (outcome,) = deliver(settings(smtp_sink))
    assert (outcome.state, outcome.code, outcome.recipient_refused) == (
        SendState.DEFERRED,
        452,
        False,
    )


def test_550_at_rcpt_is_rejected_as_recipient_refused(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("rcpt", "550 5.1.1 <office@unit.test>: user unknown")
    (outcome,) = deliver(settings(smtp_sink))
    assert (outcome.state, outcome.code, outcome.recipient_refused) == (
        SendState.REJECTED,
        550,
        True,
    )
    assert "user unknown" in outcome.reply and smtp_sink.received == []


def test_554_after_data_is_rejected_with_reply_text(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("data", "554 5.7.1 DT:SPM message rejected as spam")
    (outcome,) = deliver(settings(smtp_sink))
    assert (outcome.state, outcome.code, outcome.recipient_refused) == (
        SendState.REJECTED,
        554,
        False,
    )
    assert "DT:SPM" in outcome.reply and smtp_sink.received == []


def test_refusal_leaves_the_connection_usable(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("rcpt", "550 5.1.1 unknown")
    outcomes = deliver(settings(smtp_sink), times=2)
    assert [o.state for o in outcomes] == [SendState.REJECTED, SendState.ACCEPTED]
    assert smtp_sink.connections == 1


def test_421_at_connect_is_deferred(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("connect", "421 4.3.2 service not available, closing channel")
    (outcome,) = deliver(settings(smtp_sink))
    assert (outcome.state, outcome.code) == (SendState.DEFERRED, 421)


def test_refused_connection_is_deferred() -> None:
    config = SmtpSettings(host="127.0.0.1", port=free_port(), tls="none", timeout=0.5)
    (outcome,) = deliver(config)
    assert outcome.state == SendState.DEFERRED and "127.0.0.1" in outcome.reply


def test_line_dropped_after_the_dot_is_uncertain(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("data", DROP)
    (outcome,) = deliver(settings(smtp_sink))
    assert outcome.state == SendState.UNCERTAIN
    assert [m.message_id for m in smtp_sink.unconfirmed] == [MESSAGE_ID]


def test_line_dropped_before_the_dot_is_deferred(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("data_cmd", DROP)
    (outcome,) = deliver(settings(smtp_sink))
    assert outcome.state == SendState.DEFERRED
    assert smtp_sink.received == [] and smtp_sink.unconfirmed == []


def test_stall_at_rcpt_times_out_as_deferred(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("rcpt", STALL)
    (outcome,) = deliver(settings(smtp_sink, timeout=0.3))
    assert outcome.state == SendState.DEFERRED and "timed out" in outcome.reply


def test_stall_after_the_dot_times_out_as_uncertain(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("data", STALL)
    (outcome,) = deliver(settings(smtp_sink, timeout=0.3))
    assert outcome.state == SendState.UNCERTAIN and "timed out" in outcome.reply


def test_next_deliver_reconnects_once_after_a_cut(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("data", DROP)
    outcomes = deliver(settings(smtp_sink), times=2)
    assert [o.state for o in outcomes] == [SendState.UNCERTAIN, SendState.ACCEPTED]
    assert smtp_sink.connections == 2 and len(smtp_sink.received) == 1


def test_idle_connection_closed_by_server_is_reopened(smtp_sink: SmtpSink) -> None:
    smtp_sink.inject("mail", PASS)
    smtp_sink.inject("mail", DROP)  # as if the server timed the idle session out
    outcomes = deliver(settings(smtp_sink), times=2)
    assert [o.state for o in outcomes] == [SendState.ACCEPTED, SendState.ACCEPTED]
    assert smtp_sink.connections == 2 and len(smtp_sink.received) == 2


def test_auth_with_the_right_password_sends(make_smtp_sink: Any) -> None:
    sink = make_smtp_sink(credentials=("probe", "right"))
    (outcome,) = deliver(settings(sink, username="probe"), password="right")
    assert outcome.state == SendState.ACCEPTED


def test_auth_failure_raises_auth_error_naming_the_server(make_smtp_sink: Any) -> None:
    sink = make_smtp_sink(credentials=("probe", "right"))
    with pytest.raises(AuthError, match=f"127.0.0.1:{sink.port}.*password"):
        deliver(settings(sink, username="probe"), password="wrong")
    assert sink.received == []


def test_starttls_with_unverifiable_cert_raises(
    make_smtp_sink: Any, tls_files: tuple[Path, Path]
) -> None:
    sink = make_smtp_sink(tls_files=tls_files)
    with pytest.raises(ServerUnreachable, match="TLS handshake failed.*verify_tls"):
        deliver(settings(sink, tls="starttls"))
    assert sink.received == []


def test_starttls_without_verification_sends(
    make_smtp_sink: Any, tls_files: tuple[Path, Path]
) -> None:
    sink = make_smtp_sink(tls_files=tls_files)
    (outcome,) = deliver(settings(sink, tls="starttls", verify_tls=False))
    assert outcome.state == SendState.ACCEPTED and len(sink.received) == 1


def test_implicit_tls_without_verification_sends(
    make_smtp_sink: Any, tls_files: tuple[Path, Path]
) -> None:
    sink = make_smtp_sink(tls_files=tls_files, implicit_tls=True)
    (outcome,) = deliver(settings(sink, tls="implicit", verify_tls=False))
    assert outcome.state == SendState.ACCEPTED


def test_starttls_against_a_server_without_it_raises(smtp_sink: SmtpSink) -> None:
    with pytest.raises(ServerUnreachable, match="STARTTLS"):
        deliver(settings(smtp_sink, tls="starttls"))


def test_connect_raises_for_an_unreachable_server() -> None:
    config = SmtpSettings(host="127.0.0.1", port=free_port(), tls="none", timeout=0.5)
    with pytest.raises(ServerUnreachable, match=f"127.0.0.1:{config.port}"):
        asyncio.run(SmtpClient(config).connect())


def test_implicit_tls_with_unverifiable_cert_raises(
    make_smtp_sink: Any, tls_files: tuple[Path, Path]
) -> None:
    sink = make_smtp_sink(tls_files=tls_files, implicit_tls=True)
    with pytest.raises(ServerUnreachable, match="TLS handshake failed.*verify_tls"):
        deliver(settings(sink, tls="implicit"))
