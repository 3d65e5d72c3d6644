"""Parse raw bytes into a message the detectors read; decode Chinese charsets honestly.

gb2312/gbk/cp936 labels lie (names like 喆 镕 堃 are GBK-only), so all three are decoded
as gb18030. Parsing never raises: a message that cannot be read yields ``None`` plus the error.

Parsing builds a compat32 tree (about six times faster than ``policy.default``) with
mimeparse.py's splitter, which gives the stdlib parser's tree at about half its cost and hands
it the input it does not copy. The tree is a :class:`Mail`, a ``Message`` whose expensive
views (decoded body text, the delivery-status fields, the returned original) are computed
once, on first use, and shared by every detector. Size bounds: at most ``MAX_PARSE_BYTES``
are parsed, at most ``MAX_PARTS`` MIME boundaries are kept, at most ``MAX_PARTS_WALKED``
parts are walked and at most ``MAX_TEXT`` characters of text are decoded, so hostile input
costs bounded time and memory.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html import unescape
from typing import Any, Generic, TypeVar, overload

from mailprobe.classify.mimeparse import parse_text

GB_ALIASES = {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "x-euc-cn", "gb_2312"}

MAX_PARSE_BYTES = 4_000_000  # a bounce's evidence sits in its first part; the rest is the original
MAX_PARTS = 2_000  # MIME delimiter lines kept before the input is cut
MAX_PARTS_WALKED = 64
MAX_PART_BYTES = 256_000  # decoded bytes kept per leaf part
MAX_TEXT = 200_000  # characters of body text kept in all

RETURNED_TYPES = {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers",
                  "message/partial", "message/global", "message/global-headers"}
DSN_TYPES = {"message/delivery-status", "message/global-delivery-status",
             "message/feedback-report"}

# Lines that open the inline copy of the original message in plain-text bounces.
ORIGINAL_MARKERS = re.compile(
    r"^[ \t>|]*(?:-{2,}|={2,}|\*{2,})?[ \t]*(?:"
    r"(?:this is a )?copy of (?:the |your )?(?:original )?message"
    r"|below this line is a copy of the message"
    r"|original message (?:follows|headers?)"
    r"|(?:the )?(?:returned|original|undelivered|unsent) message"
    r"|message headers? follow"
    r"|headers? of (?:the )?(?:original|returned) message"
    r"|original message"
    r"|(?:your )?message (?:reads|follows)"
    r"|the headers? of your message"
    r"|content-type: message/rfc822"
    r"|原(?:始)?邮件(?!信息)"  # Coremail's "原邮件信息" block is a summary: the letter goes on
    # Winmail's "--- 以下是要发送的邮件信息": the original's headers follow (the failed
    # address and its reason stand above it)
    r"|以下是(?:要|您)?发送的邮件(?:信息|内容)"
    r")",
    re.I | re.M,
)

# The same lines for cut_original, matched from the newline before them. Every marker says
# "message" or 邮件, so only lines holding one are tried (the alternation costs ~1 us a line).
_MARKER_LINE = re.compile("\n" + ORIGINAL_MARKERS.pattern.removeprefix("^"), re.I)
_MARKER_WORD = re.compile("message|邮件", re.I)

_MISSING = object()
# Header parameters Mail.get_param reads directly: "type; name=value; name="value"", blanks
# anywhere, empty segments; no quote, backslash or "=" in the type, no ";" in a quoted value.
_PLAIN_PARAMS = re.compile(
    r'[^;"\\=]*(?:;\s*(?:[A-Za-z0-9_.-]+\s*=\s*(?:"[^"\\;]*"|[^";\\\s]*)\s*)?)*')

_SURROGATE = re.compile("[\udc80-\udcff]")
_ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)>|<[^>]{0,2000}>", re.S | re.I)
_BREAK = re.compile(r"<(?:br|/p|/div|/tr|/li|p|div|tr)\b[^>]*>", re.I)
_BLANKS = re.compile(r"\n\s*\n(?:\s*\n)+")


def charset_for(label: str | None) -> str:
    """Map a declared charset label to the codec that really decodes it."""
    label = (label or "utf-8").strip().strip('"').lower()
    return "gb18030" if label in GB_ALIASES else label


def decode_text(data: bytes, label: str | None) -> str:
    """Decode ``data`` by its declared charset, else UTF-8, else GB18030; never raises."""
    for codec in (charset_for(label), "utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except (LookupError, ValueError):  # ValueError: a decode error, or a NUL in the label
            continue
    return data.decode("utf-8", errors="replace")


T = TypeVar("T")


class _cached(Generic[T]):  # noqa: N801 - used as a decorator, like functools.cached_property
    """``functools.cached_property`` without its lock (3.11 takes one on every first read; a
    Mail is never shared between threads while it is being classified)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, cls: type) -> _cached[T]: ...
    @overload
    def __get__(self, obj: object, cls: type) -> T: ...
    def __get__(self, obj: object | None, cls: type) -> T | _cached[T]:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value


class Mail(Message):
    """A compat32 message whose derived views are computed once and shared by detectors."""

    raw: bytes = b""
    _index: dict[str, list[Any]] | None = None

    # Header look-ups through a per-message index: detectors ask for ~40 headers per message
    # and ``Message.get`` scans every header each time. The index is rebuilt when the header
    # count changes (the parser adds headers; detectors never edit them).
    _index_n: int = -1

    # The index keeps the raw (name, value) pairs; the policy's fetch step (which wraps raw
    # 8-bit values in a Header) runs only for the values a caller asks for.
    def _header_index(self) -> dict[str, list[Any]]:
        headers: list[tuple[str, Any]] = self.__dict__["_headers"]  # Message's own list
        if self._index is None or self._index_n != len(headers):
            index: dict[str, list[Any]] = {}
            for pair in headers:
                key = pair[0].lower()
                if key in index:
                    index[key].append(pair)
                else:
                    index[key] = [pair]
            self._index, self._index_n = index, len(headers)
        return self._index

    def _fetch(self, pair: tuple[str, Any]) -> Any:
        value = pair[1]
        if isinstance(value, str) and value.isascii():  # what compat32's fetch returns as is
            return value
        return self.policy.header_fetch_parse(pair[0], value)

    def get(self, name: str, failobj: Any = None) -> Any:
        index = self._index
        if index is None or self._index_n != len(self.__dict__["_headers"]):
            index = self._header_index()
        values = index.get(name.lower())
        if not values:
            return failobj
        value = values[0][1]
        if isinstance(value, str) and value.isascii():
            return value
        return self._fetch(values[0])

    def get_all(self, name: str, failobj: Any = None) -> Any:
        values = self._header_index().get(name.lower())
        return [self._fetch(pair) for pair in values] if values else failobj

    # The parser and every walk ask each part for its type several times; it is computed
    # once per header set and default type (multipart/digest changes the default).
    _ctype_key: tuple[int, str] | None = None
    _ctype: str = ""

    def get_content_type(self) -> str:
        key = (len(self.__dict__["_headers"]), self.__dict__["_default_type"])
        if key != self._ctype_key:
            self._ctype, self._ctype_key = super().get_content_type(), key
        return self._ctype

    def get_payload(self, i: Any = None, decode: bool = False) -> Any:
        try:
            return super().get_payload(i, decode)  # type: ignore[call-overload]
        except ValueError:
            # compat32 decodes 8-bit text by its charset label and catches only LookupError;
            # a label with a NUL in it raises ValueError. Fall back as it does for LookupError.
            payload = self.__dict__.get("_payload")
            if isinstance(payload, str) and not decode:
                return payload.encode("ascii", "surrogateescape").decode("ascii", "replace")
            raise

    def get_param(self, param: str, failobj: Any = None, header: str = "content-type",
                  unquote: bool = True) -> Any:
        """``Message.get_param`` with a shortcut for plain ``type; name=value; ...`` fields
        (no quoted ``;``, backslashes or RFC 2231 ``name*``): what the stdlib's parameter
        parsing, RFC 2231 decoding, requoting and unquoting give for them, computed directly."""
        value = self.get(header, _MISSING)
        if value is _MISSING:
            return failobj
        if not (isinstance(value, str) and value.isascii() and _PLAIN_PARAMS.fullmatch(value)):
            return super().get_param(param, failobj, header, unquote)
        want = param.lower()
        segments = value.split(";")
        if segments[0].strip().lower() == want:
            return ""
        for segment in segments[1:]:
            name, _, raw = segment.partition("=")
            if name.strip().lower() == want:
                plain = email.utils.unquote(raw.strip())
                return plain if unquote else f'"{plain}"'
        return failobj

    @_cached
    def subject(self) -> str:
        return header_text(self, "Subject")

    @_cached
    def sender(self) -> str | None:
        """The From address, lower case."""
        return address_of(header_text(self, "From"))

    @_cached
    def from_text(self) -> str:
        return header_text(self, "From").lower()

    @_cached
    def message_id(self) -> str | None:
        value = str(self.get("Message-ID") or "").strip()
        return value.strip("<>").strip() or None

    @_cached
    def content_type(self) -> str:
        return self.get_content_type()

    @_cached
    def layout(self) -> Layout:
        return walk(self)

    @_cached
    def body(self) -> str:
        """The message's own text (not the returned original), decoded, line ends LF."""
        return "\n".join(self.layout.texts)[:MAX_TEXT]

    @_cached
    def dsn(self) -> str:
        """The text of the delivery-status part(s), or ``""``."""
        return "\n\n".join(self.layout.dsn_texts)

    @_cached
    def returned(self) -> str:
        """Header text of the returned original (attached, or inline after a marker)."""
        return "\n".join(self.layout.returned)[:MAX_TEXT]

    @_cached
    def _split(self) -> tuple[str, str]:
        return cut_original(self.body)

    @property
    def letter(self) -> str:
        """The body before an inline copy of the original (all of it when there is none)."""
        return self._split[0]

    @property
    def original(self) -> str:
        """The inline copy of the original message, or ``""``."""
        return self._split[1]

    @_cached
    def hay(self) -> str:
        """Lower-cased head of the letter and the DSN: where detectors look for markers."""
        return (self.letter[:6000] + "\n" + self.dsn[:3000]).lower()

    @_cached
    def own_addresses(self) -> frozenset[str]:
        """Addresses of this message's own From/To/Return-Path/Reply-To/Sender."""
        names = ("From", "To", "Return-Path", "Reply-To", "Sender")
        return frozenset(a.lower() for h in names for a in _ADDR.findall(str(self.get(h) or "")))

    @_cached
    def header_names(self) -> frozenset[str]:
        return frozenset(k.lower() for k in self.keys())


@dataclass
class Layout:
    """What a walk of the MIME tree found, in order."""

    texts: list[str]
    dsn_texts: list[str]
    returned: list[str]
    types: list[str]


def cut_original(body: str) -> tuple[str, str]:
    """``(letter, original)``: ``body`` cut where an inline copy of the original starts."""
    if body.isascii():  # "message" in any case is then exactly "message" in the lower case
        lowered = body.lower()
        starts: Iterable[int] = _occurrences(lowered, "message")
    else:
        starts = (word.start() for word in _MARKER_WORD.finditer(body))
    tried = -1
    for start in starts:
        newline = body.rfind("\n", 0, start)
        if newline <= tried:  # the first line never cuts; a line is tried once
            continue
        tried = newline
        if _MARKER_LINE.match(body, newline):
            return body[: newline + 1], body[newline + 1:]
    return body, ""


def _occurrences(text: str, word: str) -> Iterator[int]:
    pos = text.find(word)
    while pos >= 0:
        yield pos
        pos = text.find(word, pos + 1)


def parse_message(raw: bytes) -> tuple[Mail | None, str | None]:
    """Parse ``raw``; return ``(message, None)`` or ``(None, error)``. Never raises."""
    try:
        if not raw.strip():
            return None, "empty message"
        msg = parse_bytes(bound(raw))
        if not isinstance(msg, Mail):
            return None, "parser returned no message"
        msg.raw = raw[:MAX_PARSE_BYTES]
        if not msg.keys() and not msg.get_payload():
            return None, "no headers and no body"
        return msg, None
    except Exception as err:  # the stdlib parser is lenient, but a hostile input must not escape
        return None, f"{type(err).__name__}: {err}"


def parse_bytes(data: bytes) -> Message:
    """The compat32 tree of ``data``: mimeparse.py's splitter, else the stdlib parser for the
    input it leaves to it (both build the same tree; tests/classify/test_mimeparse.py)."""
    try:
        return parse_text(data.decode("ascii", "surrogateescape"), Mail)
    except Exception:  # Fallback, or anything the splitter did not foresee
        return email.message_from_bytes(data, _class=Mail, policy=email.policy.compat32)


def bound(raw: bytes) -> bytes:
    """Cut ``raw`` to the size and MIME-part bounds before the stdlib parser sees it."""
    raw = raw[:MAX_PARSE_BYTES]
    if raw.count(b"\n--") < MAX_PARTS:  # the common case: nothing to cut
        return raw
    pos, found = 0, 0
    while found < MAX_PARTS:
        pos = raw.find(b"\n--", pos)
        if pos < 0:
            return raw
        pos += 3
        found += 1
    return raw[:pos]


def walk(root: Message) -> Layout:
    """Walk at most ``MAX_PARTS_WALKED`` parts; keep texts, DSN fields, returned headers."""
    out = Layout([], [], [], [])
    stack: list[Message] = [root]
    seen = 0
    while stack and seen < MAX_PARTS_WALKED:
        part = stack.pop()
        seen += 1
        ctype = part.get_content_type()
        out.types.append(ctype)
        payload = part.get_payload()
        if ctype in DSN_TYPES:
            out.dsn_texts.append(dsn_text(part))
        elif ctype in RETURNED_TYPES:
            out.returned.append(returned_text(part))
        elif isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
        elif ctype.startswith("text/") or ctype.startswith("multipart/"):  # broken: no parts
            text = part_text(part)
            out.texts.append(html_to_text(text) if ctype == "text/html" else text)
    return out


def dsn_text(part: Message) -> str:
    """The fields of a delivery-status part as ``Name: value`` lines, blocks blank-separated."""
    payload = part.get_payload()
    if isinstance(payload, list):  # compat32 parses each block as a header-only message
        return "\n\n".join(block_text(b) for b in payload if isinstance(b, Message))
    return part_text(part)


def block_text(block: Message) -> str:
    lines = [f"{k}: {v}" for k, v in block.items()]
    tail = block.get_payload()
    if isinstance(tail, str) and tail.strip():  # a broken block: fields after a blank line
        lines.append(tail)
    return "\n".join(lines)


def returned_text(part: Message) -> str:
    """Headers (and a little body) of the returned original, as text."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        inner = payload[0]
        head = "\n".join(f"{k}: {v}" for k, v in inner.items())
        body = inner.get_payload()
        return head + "\n\n" + (body[:4000] if isinstance(body, str) else "")
    return part_text(part)[:20000]


def header_text(msg: Message, name: str) -> str:
    """A header decoded from RFC 2047 words (gb-labels as gb18030) or raw 8-bit bytes."""
    value = msg.get(name)
    if value is None:
        return ""
    text = str(value)
    if isinstance(msg, Mail) and "\ufffd" in text:
        # compat32 wraps raw 8-bit bytes in a Header whose str() loses them: decode the stored
        # value (bytes kept as surrogates) instead, as UTF-8 else GB18030
        stored = msg._header_index()[name.lower()][0][1]
        text = stored if isinstance(stored, str) else text
    try:
        if "=?" in text:
            parts = decode_header(text)
            text = str(make_header([(b, charset_for(c) if c else None) for b, c in parts]))
        elif _SURROGATE.search(text):  # raw 8-bit bytes kept as surrogates
            text = decode_text(text.encode("ascii", "surrogateescape"), None)
    except Exception:
        pass
    return " ".join(text.split())


def part_text(part: Message) -> str:
    """The decoded text of a leaf part (transfer encoding and charset both undone), LF ends."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw[:MAX_PART_BYTES] if isinstance(raw, str) else ""
    text = decode_text(payload[:MAX_PART_BYTES], part.get_content_charset())
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str) -> str:
    """Tags out, entities decoded, breaks kept: enough for phrase matching."""
    text = _BREAK.sub("\n", html)
    text = unescape(_TAG.sub(" ", text)).replace("\xa0", " ")
    return _BLANKS.sub("\n\n", text)


# "Name <local@domain>" or a bare "local@domain" with dot-atoms and no quoting, comments or
# lists: what parseaddr returns for it is the address itself, without its slow tokenizer.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ADDR = rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
_SIMPLE_ADDRESS = re.compile(rf"[^\"(),.:;<>@\[\]\\]*<({_DOT_ADDR})>|({_DOT_ADDR})")


def address_of(value: str) -> str | None:
    """The address in one header value, lower case, or ``None``."""
    simple = _SIMPLE_ADDRESS.fullmatch(value)
    if simple:
        return (simple.group(1) or simple.group(2)).lower()
    addr = parseaddr(value)[1].strip().strip("<>")
    if "@" not in addr:
        found = _ADDR.search(value)
        addr = found.group(0) if found else ""
    return addr.lower() or None


def addresses_in(value: str) -> list[str]:
    """Every address in a header-like value, lower case, in order."""
    found = [a.strip("<> ").lower() for _, a in getaddresses([value]) if "@" in a]
    return found or [a.lower() for a in _ADDR.findall(value)]
