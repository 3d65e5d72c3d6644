"""Read exported mail (.eml files, Maildir folders, mbox files) as raw bytes + arrival time.

Offices that cannot grant IMAP export their mail instead; these messages then go through
the same store → classify → correlate path as polled ones. The arrival time is what our
side saw: a Maildir file's delivery stamp, an mbox ``From`` line, else the newest
``Received:`` header. Only a message with none of these (a file saved from a mail client
that dropped its trace headers) takes the sender's ``Date:``, which RFC 5322 §3.6 makes
mandatory; never the file's modification time, which a copy or an unzip resets. A message
with no date at all is still kept: it gets the time it was ingested (pipeline.store_found).
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from mailprobe.errors import InputError

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # larger files are recorded as skipped, not read


@dataclass(frozen=True)
class FoundMessage:
    source: str  # path, or path#n inside an mbox
    raw: bytes
    received_at: datetime | None  # None: no trace or Date header; stored with the ingest time


def iter_messages(paths: list[Path]) -> Iterator[FoundMessage]:
    """Every message under ``paths``, in a stable order; unreadable inputs raise InputError."""
    for path in paths:
        if path.is_dir():
            yield from _walk_dir(path)
        elif path.is_file():
            yield from _read_file(path)
        else:
            raise InputError(f"{path}: no such file or directory")


def message_files(paths: list[Path]) -> Iterator[Path]:
    """.eml files and Maildir cur/new files under ``paths`` (for `mailprobe classify`)."""
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if _is_message_file(p))
        else:
            raise InputError(f"{path}: no such file or directory")


def _is_message_file(path: Path) -> bool:
    return path.is_file() and (path.suffix.lower() == ".eml" or path.parent.name in ("cur", "new"))


def _walk_dir(root: Path) -> Iterator[FoundMessage]:
    for path in message_files([root]):
        yield from _read_file(path)


def _read_file(path: Path) -> Iterator[FoundMessage]:
    if path.stat().st_size > MAX_MESSAGE_BYTES:
        raise InputError(f"{path}: larger than {MAX_MESSAGE_BYTES >> 20} MB; not a message")
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From " and path.suffix.lower() != ".eml":
        yield from _read_mbox(path)
        return
    raw = path.read_bytes()
    yield FoundMessage(str(path), raw, arrival_time(raw, path))


def _read_mbox(path: Path) -> Iterator[FoundMessage]:
    box = mailbox.mbox(str(path), create=False)
    try:
        for n, key in enumerate(box.iterkeys()):
            raw = box.get_bytes(key)
            from_line = box.get_message(key).get_from()
            when = _mbox_from_date(from_line) or arrival_time(raw, path)
            yield FoundMessage(f"{path}#{n + 1}", raw, when)
    finally:
        box.close()


_MAILDIR_STAMP = re.compile(r"^(\d{9,11})\.")


def arrival_time(raw: bytes, path: Path) -> datetime | None:
    """When our side received ``raw``: Maildir stamp, newest Received header, else Date."""
    stamp = _MAILDIR_STAMP.match(path.name)
    if stamp and path.parent.name in ("cur", "new"):
        return datetime.fromtimestamp(int(stamp.group(1)), UTC)
    head = _header_block(raw)
    found = _header_time(head, r"^Received:(?:.*\n[ \t])*.*?;\s*(.+)$")
    return found or _header_time(head, r"^Date:[ \t]*(.+)$")


def _header_block(raw: bytes) -> str:
    normal = raw.replace(b"\r\n", b"\n")
    header_end = normal.find(b"\n\n")
    return normal[: header_end if header_end >= 0 else 65536].decode("latin-1")


def _header_time(head: str, pattern: str) -> datetime | None:
    """The date in the first header matching ``pattern`` (group 1), as aware UTC."""
    match = re.search(pattern, head, re.MULTILINE | re.IGNORECASE)
    if match is None:
        return None
    try:
        when = parsedate_to_datetime(match.group(1).strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _mbox_from_date(from_line: str) -> datetime | None:
    parts = from_line.split(None, 1)
    if len(parts) < 2:
        return None
    try:
        return datetime.strptime(parts[1].strip(), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
