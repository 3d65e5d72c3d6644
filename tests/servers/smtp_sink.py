"""An in-process aiosmtpd server with faults injected at the server, never in the client.

``sink.inject(stage, action)`` makes the next session(s) misbehave at one stage:

=========== ==========================================================================
stage       where the fault fires
=========== ==========================================================================
connect     instead of the 220 greeting (e.g. ``"421 4.3.2 busy"``)
mail        reply to MAIL FROM
rcpt        reply to RCPT TO (``"450 ..."``, ``"452 ..."``, ``"550 ..."``)
data_cmd    reply to the DATA command itself, before 354: nothing of the body is read
data        reply after the final dot (``"554 ..."``), i.e. the message was transferred
=========== ==========================================================================

An action is a reply line, :data:`DROP` (cut the connection), :data:`STALL` (say
nothing for ``stall_seconds``) or :data:`PASS` (behave normally once). Every accepted
message is recorded with its envelope and Message-ID; a message cut or refused after the
dot goes to ``unconfirmed``.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers.process import free_port

DROP = "<drop>"
STALL = "<stall>"
PASS = "<pass>"  # behave normally this once (to fault the second session, not the first)
STAGES = ("connect", "mail", "rcpt", "data_cmd", "data")


@dataclass(frozen=True)
class Received:
    """One message as the server saw it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message_id: str | None
    data: bytes


@dataclass
class _Fault:
    action: str
    times: int


@dataclass
class FaultHandler:
    """aiosmtpd handler: applies injected faults and records what arrived."""

    stall_seconds: float = 30.0
    received: list[Received] = field(default_factory=list)
    unconfirmed: list[Received] = field(default_factory=list)
    rcpt_seen: list[str] = field(default_factory=list)
    connections: int = 0
    faults: dict[str, list[_Fault]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, stage: str) -> str | None:
        """The action for ``stage`` in this session, consuming one use of it."""
        with self.lock:
            queue = self.faults.get(stage, [])
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return None if fault.action == PASS else fault.action

    async def apply(self, server: SMTP, action: str) -> str:
        if action == DROP:
            assert isinstance(server.transport, asyncio.Transport)
            server.transport.abort()
            return "421 4.4.2 connection dropped by the test sink"  # never reaches the client
        if action == STALL:
            await asyncio.sleep(self.stall_seconds)
            return "451 4.4.2 stalled by the test sink"
        return action

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        action = self.take("mail")
        if action is not None:
            return await self.apply(server, action)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        self.rcpt_seen.append(address)
        action = self.take("rcpt")
        if action is not None:
            return await self.apply(server, action)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = _received(envelope)
        action = self.take("data")
        if action is not None and not action.startswith("2"):
            self.unconfirmed.append(message)
            return await self.apply(server, action)
        self.received.append(message)
        return action or f"250 2.0.0 Ok: queued as Q{len(self.received):06d}"


def _received(envelope: Envelope) -> Received:
    data = envelope.original_content or b""
    headers = BytesHeaderParser().parsebytes(data)
    message_id = headers.get("Message-ID")
    return Received(
        envelope.mail_from or "",
        tuple(envelope.rcpt_tos),
        message_id.strip() if message_id else None,
        data,
    )


class FaultySMTP(SMTP):
    """aiosmtpd's SMTP plus the two stages it has no handler hook for."""

    event_handler: FaultHandler

    async def _handle_client(self) -> None:
        self.event_handler.connections += 1
        action = self.event_handler.take("connect")
        if action is None:
            await super()._handle_client()
        elif action == STALL:
            await asyncio.sleep(self.event_handler.stall_seconds)
        else:
            if action != DROP:
                await self.push(action)
            assert self.transport is not None
            self.transport.close()

    async def smtp_DATA(self, arg: str) -> None:
        action = (
            self.event_handler.take("data_cmd")
            if self.envelope and self.envelope.rcpt_tos
            else None
        )
        if action is None:
            await super().smtp_DATA(arg)
        else:
            await self.push(await self.event_handler.apply(self, action))


class _Controller(Controller):
    def factory(self) -> SMTP:
        return FaultySMTP(self.handler, **self.SMTP_kwargs)


class SmtpSink:
    """A started sink: ``host``, ``port``, ``received`` and :meth:`inject`."""

    def __init__(
        self,
        *,
        tls_files: tuple[Path, Path] | None = None,
        implicit_tls: bool = False,
        credentials: tuple[str, str] | None = None,
        hostname: str = "sink.test",
    ) -> None:
        self.handler = FaultHandler()
        self.host = "127.0.0.1"
        self.port = free_port()  # aiosmtpd's Controller cannot take port 0: its start-up
        # check connects to the given port (aio-libs/aiosmtpd, aiosmtpd/controller.py)
        self.credentials = credentials
        context = _server_context(tls_files) if tls_files else None
        kwargs: dict[str, Any] = {"ident": "mailprobe test sink"}
        if context is not None and not implicit_tls:
            kwargs["tls_context"] = context
        if credentials is not None:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        self.controller = _Controller(
            self.handler,
            hostname=self.host,
            port=self.port,
            ssl_context=context if implicit_tls else None,
            server_hostname=hostname,
            **kwargs,
        )

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def inject(self, stage: str, action: str, times: int = 1) -> None:
        """Make the next ``times`` sessions answer ``action`` at ``stage``."""
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}")
        with self.handler.lock:
            self.handler.faults.setdefault(stage, []).append(_Fault(action, times))

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def unconfirmed(self) -> list[Received]:
        return self.handler.unconfirmed

    @property
    def connections(self) -> int:
        return self.handler.connections - 1  # the Controller's own start-up probe

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and self.credentials == (
            auth_data.login.decode(),
            auth_data.password.decode(),
        )
        return AuthResult(success=ok, handled=False)


def _server_context(files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(files[0]), str(files[1]))
    return context
