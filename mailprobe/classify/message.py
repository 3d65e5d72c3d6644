"""Parse raw bytes into a message the detectors read; decode Chinese charsets honestly.

gb2312/gbk/cp936 labels lie (names like 喆 镕 堃 are GBK-only), so all three are decoded
as gb18030. Parsing never raises: a message that cannot be read yields ``None`` plus the error.
"""

from __future__ import annotations

import email
import email.policy
from email.header import decode_header, make_header
from email.message import Message

GB_ALIASES = {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "x-euc-cn"}


def charset_for(label: str | None) -> str:
    """Map a declared charset label to the codec that really decodes it."""
    label = (label or "utf-8").strip().strip('"').lower()
    return "gb18030" if label in GB_ALIASES else label


def parse_message(raw: bytes) -> tuple[Message | None, str | None]:
    """Parse ``raw``; return ``(message, None)`` or ``(None, error)``. Never raises."""
    try:
        return email.message_from_bytes(raw, policy=email.policy.compat32), None
    except Exception as err:  # the stdlib parser is lenient, but a hostile input must not escape
        return None, f"{type(err).__name__}: {err}"


def header_text(msg: Message, name: str) -> str:
    """A header decoded from RFC 2047 words (gb-labels as gb18030) or raw 8-bit bytes."""
    value = msg.get(name)
    if value is None:
        return ""
    try:
        parts = decode_header(str(value))
        return str(make_header([(b, charset_for(c) if c else None) for b, c in parts]))
    except Exception:
        return str(value)


def part_text(part: Message) -> str:
    """The decoded text of a leaf part (transfer encoding and charset both undone)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    codec = charset_for(part.get_content_charset())
    try:
        return payload.decode(codec, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")
