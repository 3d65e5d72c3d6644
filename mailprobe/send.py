"""Deliver one probe over SMTP (aiosmtplib) and say what became of it, as a SendOutcome.

Where a failure happens decides what it means (docs/reliability.md §1, "at most once"): anything
that goes wrong before the final dot leaves the message undelivered (DEFERRED for 4xx and
cut lines, REJECTED for 5xx); a cut line or a timeout after the dot was written is
UNCERTAIN, because the server may have queued the message, and is never resent by us.
MAIL, RCPT, DATA and the message body are therefore driven as separate steps.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosmtplib

from mailprobe.config import SmtpSettings, secret
from mailprobe.errors import AuthError, ServerUnreachable
from mailprobe.model import SendOutcome, SendState
from mailprobe.tls import client_context

QUEUE_ID = re.compile(r"queued as:?\s+<?([0-9A-Za-z._-]+)", re.IGNORECASE)
_LINE_END = re.compile(rb"\r\n|\r|\n")
_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)
_CUT = (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError)


class _ConnectFailed(ServerUnreachable):
    """Refused, timed out or 4xx/5xx greeting: a per-probe deferral inside deliver()."""

    def __init__(self, message: str, code: int | None = None, reply: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.reply = reply or message


class _BeforeDot(aiosmtplib.SMTPServerDisconnected):
    """The line was gone before the body and final dot could be written."""


@dataclass
class _Failure:
    """A transaction that ended before an accepted reply."""

    stage: str  # mail | rcpt | data_cmd | data
    code: int | None
    reply: str
    is_cut: bool = False  # the line was dropped or timed out (vs. a reply code)


class SmtpClient:
    """One reused SMTP connection; ``deliver`` never raises for a per-message failure."""

    def __init__(self, settings: SmtpSettings, *, password: str | None = None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: aiosmtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"smtp {self.settings.host}:{self.settings.port}"

    async def __aenter__(self) -> SmtpClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        """Connect, negotiate TLS and log in; raise ServerUnreachable or AuthError."""
        await self.close()
        smtp = aiosmtplib.SMTP(
            hostname=self.settings.host,
            port=self.settings.port,
            local_hostname=self.settings.local_hostname,  # else getfqdn() on every connect
            timeout=self.settings.timeout,
            use_tls=self.settings.tls == "implicit",
            start_tls=False,
            tls_context=self._tls_context(),
        )
        await self._open(smtp)
        if self.settings.tls == "starttls":
            await self._starttls(smtp)
        if self.settings.username:
            await self._login(smtp)
        self._smtp = smtp

    async def close(self) -> None:
        """QUIT politely if still connected; never raises."""
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            smtp.close()

    async def deliver(self, envelope_from: str, recipient: str, message: bytes) -> SendOutcome:
        """Send ``message`` to one recipient; reconnect once if the idle connection died."""
        reused = self._smtp is not None and self._smtp.is_connected
        try:
            smtp = await self._connection()
        except _ConnectFailed as err:
            return _outcome(SendState.DEFERRED, err.code, err.reply, stage="connect")
        result = await self._transaction(smtp, envelope_from, recipient, message)
        if reused and isinstance(result, _Failure) and result.is_cut and result.stage == "mail":
            # The server closed our idle connection; nothing of this message was sent.
            try:
                smtp = await self._connection()
            except _ConnectFailed as err:
                return _outcome(SendState.DEFERRED, err.code, err.reply, stage="connect")
            result = await self._transaction(smtp, envelope_from, recipient, message)
        return result if isinstance(result, SendOutcome) else await self._failed(result)

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is None or not self._smtp.is_connected:
            await self.connect()
        assert self._smtp is not None
        return self._smtp

    # -- connection set-up -----------------------------------------------------------------

    def _tls_context(self) -> ssl.SSLContext | None:
        if self.settings.tls == "none":
            return None
        return client_context(self.settings.verify_tls)

    async def _open(self, smtp: aiosmtplib.SMTP) -> None:
        try:
            await smtp.connect()
        except ssl.SSLError as err:
            raise self._tls_error(err) from None
        except aiosmtplib.SMTPConnectResponseError as err:
            raise _ConnectFailed(
                f"{self.where} greeted with {err.code} {err.message}", err.code, err.message
            ) from None
        except aiosmtplib.SMTPResponseException as err:  # EHLO refused
            raise _ConnectFailed(
                f"{self.where} refused EHLO: {err.code} {err.message}", err.code, err.message
            ) from None
        except (aiosmtplib.SMTPException, OSError) as err:
            if isinstance(err.__cause__, ssl.SSLError):
                raise self._tls_error(err.__cause__) from None
            raise _ConnectFailed(
                f"cannot connect to {self.where}: {err}; check host, port and firewall"
            ) from None

    async def _starttls(self, smtp: aiosmtplib.SMTP) -> None:
        try:
            await smtp.starttls(server_hostname=self.settings.host,
                                tls_context=self._tls_context())
        except ssl.SSLError as err:
            raise self._tls_error(err) from None
        except aiosmtplib.SMTPException as err:
            if isinstance(err.__cause__, ssl.SSLError):
                raise self._tls_error(err.__cause__) from None
            smtp.close()
            raise ServerUnreachable(
                f"{self.where}: STARTTLS failed ({err}); use tls = "
                f'"implicit" or "none" if the server needs it'
            ) from None

    def _tls_error(self, err: ssl.SSLError) -> ServerUnreachable:
        hint = (
            "the certificate could not be verified; install its CA, or set "
            "verify_tls = false for a test server"
            if isinstance(err, ssl.SSLCertVerificationError)
            else "check the tls mode and port"
        )
        return ServerUnreachable(f"{self.where}: TLS handshake failed ({err}); {hint}")

    async def _login(self, smtp: aiosmtplib.SMTP) -> None:
        password = self._password
        if password is None:
            password = secret(
                self.settings.password_env, self.settings.password_command, f"[smtp] {self.where}"
            )
        try:
            await smtp.login(self.settings.username, password)
        except aiosmtplib.SMTPAuthenticationError as err:
            smtp.close()
            raise AuthError(
                f"{self.where} refused login for {self.settings.username} "
                f"({err.code} {err.message}); check username and password"
            ) from None
        except aiosmtplib.SMTPException as err:
            smtp.close()
            raise AuthError(
                f"{self.where}: cannot log in as {self.settings.username} "
                f"({err}); check that the server offers AUTH on this port"
            ) from None

    # -- the transaction -------------------------------------------------------------------

    async def _transaction(
        self, smtp: aiosmtplib.SMTP, envelope_from: str, recipient: str, message: bytes
    ) -> SendOutcome | _Failure:
        stage = "mail"
        try:
            await _mail(smtp, envelope_from, recipient, message)
            stage = "rcpt"
            await smtp.rcpt(recipient, encoding=_encoding(recipient))
            stage = "data_cmd"
            reply = await smtp.execute_command(b"DATA")
            if reply.code != 354:
                return _Failure(stage, reply.code, reply.message)
            stage = "data"
            reply = await _send_body(smtp, message, self.settings.timeout)
        except aiosmtplib.SMTPResponseException as err:
            if 200 <= err.code < 600:
                return _Failure(stage, err.code, err.message)
            return _Failure(stage, None, f"unreadable reply ({err.message})", is_cut=True)
        except _CUT as err:
            before_dot = isinstance(err, _BeforeDot) or stage != "data"
            return _Failure(stage if before_dot else "data", None, _describe(err), is_cut=True)
        return _reply_outcome(reply.code, reply.message, stage)

    async def _failed(self, failure: _Failure) -> SendOutcome:
        if failure.is_cut:
            self._drop()
            state = SendState.UNCERTAIN if failure.stage == "data" else SendState.DEFERRED
            return _outcome(state, None, f"{self.where}: {failure.reply}", stage=failure.stage)
        await self._rset()
        return _reply_outcome(failure.code or 0, failure.reply, failure.stage)

    async def _rset(self) -> None:
        """Clear a refused transaction; a connection that cannot do even that is dropped."""
        if self._smtp is None or not self._smtp.is_connected:
            self._smtp = None
            return
        try:
            await self._smtp.rset()
        except (aiosmtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None


async def _mail(smtp: aiosmtplib.SMTP, envelope_from: str, recipient: str, message: bytes) -> None:
    options = []
    if not message.isascii() and smtp.supports_extension("8BITMIME"):
        options.append("BODY=8BITMIME")
    if not (envelope_from + recipient).isascii() and smtp.supports_extension("SMTPUTF8"):
        options.append("SMTPUTF8")
    await smtp.mail(envelope_from, options=options, encoding=_encoding(envelope_from))


def _encoding(address: str) -> str:
    return "ascii" if address.isascii() else "utf-8"


async def _send_body(
    smtp: aiosmtplib.SMTP, message: bytes, timeout: float
) -> aiosmtplib.SMTPResponse:
    """Write body + final dot and read the reply; a cut before the write is _BeforeDot.

    aiosmtplib's ``data()`` does DATA and the body in one call, which would hide whether
    the dot went out; its protocol's ``write`` and ``read_response`` are used instead."""
    protocol = smtp.protocol
    if protocol is None or not protocol.is_connected:
        raise _BeforeDot("connection lost after 354")
    try:
        protocol.write(_dot_stuffed(message) + b".\r\n")
    except aiosmtplib.SMTPServerDisconnected:
        raise _BeforeDot("connection lost after 354") from None
    try:
        return await protocol.read_response(timeout=timeout)
    except _CUT:
        smtp.close()  # a reply we gave up on would be paired with the next command
        raise


def _dot_stuffed(message: bytes) -> bytes:
    body = _LEADING_DOT.sub(b"..", _LINE_END.sub(b"\r\n", message))
    return body if body.endswith(b"\r\n") else body + b"\r\n"


def _reply_outcome(code: int, reply: str, stage: str) -> SendOutcome:
    if 200 <= code < 300:
        match = QUEUE_ID.search(reply)
        return SendOutcome(
            SendState.ACCEPTED,
            code,
            reply,
            match.group(1) if match else None,
            datetime.now(UTC),
            extra={"stage": stage},
        )
    state = SendState.REJECTED if code >= 500 else SendState.DEFERRED
    return _outcome(
        state,
        code,
        reply,
        stage=stage,
        recipient_refused=state == SendState.REJECTED and stage == "rcpt",
    )


def _outcome(
    state: SendState, code: int | None, reply: str, *, stage: str, recipient_refused: bool = False
) -> SendOutcome:
    return SendOutcome(
        state,
        code,
        reply,
        None,
        datetime.now(UTC),
        recipient_refused=recipient_refused,
        extra={"stage": stage},
    )


def _describe(err: BaseException) -> str:
    if isinstance(err, TimeoutError):
        return f"timed out ({err})"
    return f"connection lost ({err or type(err).__name__})"
