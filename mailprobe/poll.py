"""Fetch what arrived over IMAP (imapclient) above a per-folder UID high-water mark.

Read-only by construction (docs/reliability.md §2: never alter the evidence): folders are
EXAMINEd and bodies fetched with ``BODY.PEEK[]``, so no ``\\Seen`` flag is ever set. Messages
come in batches of explicit UIDs, each with the mark to store *together with* the batch, so a
cut connection loses nothing and repeats nothing.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from mailprobe import __version__
from mailprobe.config import ImapSettings, secret
from mailprobe.errors import AuthError, ServerUnreachable
from mailprobe.tls import client_context

log = logging.getLogger(__name__)
T = TypeVar("T")
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE before the server's 30-min timeout
NOOP_POLL_SECONDS = 30.0  # servers without IDLE are asked this often
_CUT = (IMAPClientAbortError, OSError)  # OSError covers socket, TLS and timeout errors


@dataclass(frozen=True)
class FolderMark:
    """The high-water mark of one folder: UIDs are only comparable within a UIDVALIDITY."""

    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    internaldate: datetime  # aware UTC: arrival at our server (docs/scoring.md, working time)
    raw: bytes


@dataclass(frozen=True)
class FetchBatch:
    """Messages fetched in one round trip and the mark to commit with them."""

    folder: str
    uidvalidity: int
    messages: list[FetchedMessage]
    mark: FolderMark


class ImapPoller:
    """One IMAP connection; use as a context manager (connects on enter)."""

    def __init__(self, settings: ImapSettings, *, password: str | None = None) -> None:
        self.settings = settings
        self._password = password
        self._client: imapclient.IMAPClient | None = None
        self.notes: list[str] = []  # skipped folders, UIDVALIDITY resets: for the summary

    @property
    def where(self) -> str:
        return f"imap {self.settings.host}:{self.settings.port}"

    def __enter__(self) -> ImapPoller:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connection ------------------------------------------------------------------------

    def connect(self) -> None:
        """Connect, negotiate TLS, log in and send ID; raise ServerUnreachable or AuthError."""
        self.close()
        client = self._open()
        self._login(client)
        if self.settings.send_id and client.has_capability("ID"):
            # Coremail/NetEase refuse SELECT ("Unsafe Login") until the client sends ID.
            self._guard(
                lambda: client.id_({"name": "mailprobe", "version": __version__}), "sending ID"
            )
        self._client = client

    def close(self) -> None:
        """Log out if still connected; never raises."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except (IMAPClientError, OSError):
            client.shutdown()

    def _open(self) -> imapclient.IMAPClient:
        # Loading the system CA store costs ~30 ms: only when TLS is in use.
        plain = self.settings.tls == "none"
        context = None if plain else client_context(self.settings.verify_tls)
        try:
            client = imapclient.IMAPClient(
                self.settings.host,
                port=self.settings.port,
                ssl=self.settings.tls == "implicit",
                ssl_context=context,
                timeout=self.settings.timeout,
            )
            if self.settings.tls == "starttls":
                client.starttls(context)
        except ssl.SSLError as err:
            raise ServerUnreachable(
                f"{self.where}: TLS handshake failed ({err}); {_tls_hint(err)}"
            ) from None
        except (IMAPClientError, OSError) as err:
            raise ServerUnreachable(
                f"cannot connect to {self.where}: {err}; check host, port and tls mode"
            ) from None
        client.normalise_times = False  # keep INTERNALDATE's offset; we convert to UTC
        return client

    def _login(self, client: imapclient.IMAPClient) -> None:
        password = self._password
        if password is None:
            password = secret(
                self.settings.password_env, self.settings.password_command, f"[imap] {self.where}"
            )
        try:
            client.login(self.settings.username, password)
        except LoginError as err:
            client.shutdown()
            raise AuthError(
                f"{self.where} refused login for {self.settings.username} "
                f"({err}); check the password (QQ/163/Exmail need an app "
                f"password, and IMAP enabled in the web settings)"
            ) from None
        except _CUT as err:
            raise ServerUnreachable(f"{self.where}: connection lost at login ({err})") from None

    def _conn(self) -> imapclient.IMAPClient:
        if self._client is None:
            self.connect()
        assert self._client is not None
        return self._client

    def _guard(self, call: Callable[[], T], doing: str) -> T:
        """Run one IMAP call; a cut line becomes ServerUnreachable and drops the client."""
        try:
            return call()
        except _CUT as err:
            client, self._client = self._client, None
            if client is not None:
                client.shutdown()
            raise ServerUnreachable(
                f"{self.where}: connection lost while {doing} ({err}); "
                f"run poll again to resume from the stored marks"
            ) from None

    # -- fetching --------------------------------------------------------------------------

    def has_folder(self, folder: str) -> bool:
        client = self._conn()
        return self._guard(lambda: bool(client.folder_exists(folder)), f"looking for {folder}")

    def junk_folders(self) -> list[str]:
        """Folders the server flags ``\\Junk`` (RFC 6154 special use), whatever their name:
        "Junk", "Spam", "垃圾邮件" differ per provider, and filtered replies still count."""
        client = self._conn()
        listed = self._guard(lambda: client.list_folders(), "listing folders")
        return [str(name) for flags, _delim, name in listed if b"\\Junk" in flags]

    def find_header(self, folder: str, name: str, value: str) -> bytes | None:
        """The header block of a message in ``folder`` whose ``name`` header contains
        ``value`` (SEARCH HEADER, RFC 3501 §6.4.4; EXAMINE, so nothing is marked seen)."""
        client = self._conn()
        self._guard(lambda: client.select_folder(folder, readonly=True), f"examining {folder}")
        uids = self._guard(lambda: client.search(["HEADER", name, value]), f"searching {folder}")
        if not uids:
            return None
        uid = max(uids)
        data = self._guard(lambda: client.fetch([uid], ["BODY.PEEK[HEADER]"]), "fetching")
        return bytes(data[uid][b"BODY[HEADER]"])

    def fetch_new(
        self, folder: str, mark: FolderMark | None, batch: int = 500
    ) -> Iterator[FetchBatch]:
        """Yield batches of messages with UID above ``mark`` (all of them if UIDVALIDITY
        changed); a folder that cannot be opened is skipped with a note."""
        uidvalidity = self._examine(folder)
        if uidvalidity is None:
            return
        last = 0
        if mark is not None and mark.uidvalidity == uidvalidity:
            last = mark.last_uid
        elif mark is not None:
            self._note(
                f"{folder}: UIDVALIDITY changed {mark.uidvalidity} -> {uidvalidity}; "
                f"reading the folder again (stored hashes drop the repeats)"
            )
        uids = self._new_uids(folder, last)
        for start in range(0, len(uids), max(1, batch)):
            chunk = uids[start : start + max(1, batch)]
            messages = self._fetch(folder, chunk)
            yield FetchBatch(folder, uidvalidity, messages, FolderMark(uidvalidity, chunk[-1]))

    def _examine(self, folder: str) -> int | None:
        client = self._conn()
        try:
            info = self._guard(
                lambda: client.select_folder(folder, readonly=True), f"opening {folder}"
            )
        except IMAPClientError as err:  # NO [NONEXISTENT], NO [NOPERM], ...
            self._note(f"{folder}: skipped, the server would not open it ({err})")
            return None
        return int(info[b"UIDVALIDITY"])

    def _new_uids(self, folder: str, last: int) -> list[int]:
        client = self._conn()
        found = self._guard(lambda: client.search(["UID", f"{last + 1}:*"]), f"searching {folder}")
        # "UID n:*" still matches the highest UID when n is above it (RFC 3501 §6.4.8).
        return sorted(uid for uid in found if uid > last)

    def _fetch(self, folder: str, uids: list[int]) -> list[FetchedMessage]:
        client = self._conn()
        # Explicit UIDs: imapclient 4.1's fetch() raises ValueError on "1:*"; PEEK never sets
        # \Seen (RFC 3501 §6.4.5).
        data = self._guard(
            lambda: client.fetch(uids, ["BODY.PEEK[]", "INTERNALDATE"]),
            f"fetching {len(uids)} messages from {folder}",
        )
        return [_message(uid, data[uid]) for uid in sorted(data) if b"BODY[]" in data[uid]]

    def _note(self, text: str) -> None:
        log.warning("%s: %s", self.where, text)
        self.notes.append(text)

    # -- waiting ---------------------------------------------------------------------------

    def idle_wait(self, folder: str, seconds: float, known_uid: int | None = None) -> bool:
        """Wait at most ``seconds`` for new mail in ``folder``; True if some arrived.

        Uses IDLE where the server offers it, otherwise NOOP every 30 s. With ``known_uid``
        (the caller's high-water mark), mail that arrived before the wait began counts too,
        so nothing waits out the timeout in the gap between a poll and the IDLE."""
        client = self._conn()
        info = self._guard(lambda: client.select_folder(folder, readonly=True), f"opening {folder}")
        uidnext = int(info.get(b"UIDNEXT", 0))
        if known_uid is not None and uidnext and uidnext - 1 > known_uid:
            return True
        deadline = time.monotonic() + max(0.0, seconds)
        exists = int(info.get(b"EXISTS", 0))
        if client.has_capability("IDLE"):
            return self._guard(lambda: _idle(client, exists, deadline), f"idling on {folder}")
        return self._guard(lambda: _noop_wait(client, exists, deadline), f"polling {folder}")


def folders_to_read(configured: Sequence[str], junk: Sequence[str]) -> list[str]:
    """The configured folders, then any folder the server flags as junk that they miss."""
    return list(configured) + [f for f in junk if f not in configured]


def _idle(client: imapclient.IMAPClient, exists: int, deadline: float) -> bool:
    client.idle()
    try:
        while (left := deadline - time.monotonic()) > 0:
            responses = client.idle_check(timeout=min(left, IDLE_RENEW_SECONDS))
            if _grew(responses, exists):
                return True
            if not responses and left > IDLE_RENEW_SECONDS:
                client.idle_done()
                client.idle()
        return False
    finally:
        client.idle_done()


def _noop_wait(client: imapclient.IMAPClient, exists: int, deadline: float) -> bool:
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, NOOP_POLL_SECONDS))
        _, responses = client.noop()
        if _grew(responses, exists):
            return True
    return False


def _grew(responses: list[Any], exists: int) -> bool:
    """True if an untagged ``n EXISTS`` reports more messages than ``exists``."""
    for response in responses:
        if len(response) >= 2 and response[1] == b"EXISTS" and int(response[0]) > exists:
            return True
    return False


def _message(uid: int, item: dict[bytes, Any]) -> FetchedMessage:
    internaldate = item[b"INTERNALDATE"]
    if internaldate.tzinfo is None:  # only if a server sent no offset; IMAP requires one
        internaldate = internaldate.replace(tzinfo=UTC)
    return FetchedMessage(uid, internaldate.astimezone(UTC), bytes(item[b"BODY[]"]))


def _tls_hint(err: ssl.SSLError) -> str:
    if isinstance(err, ssl.SSLCertVerificationError):
        return "install the server's CA, or set verify_tls = false for a test server"
    return "check the tls mode (implicit on 993, starttls on 143) and the port"
