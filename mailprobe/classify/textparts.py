"""Text helpers for the reply detectors: honest header decoding, the body as text, HTML to text.

``message.header_text`` decodes RFC 2047 words; a raw 8-bit GBK header (DOMAIN.md: some Chinese
mailers write them) comes back from the compat32 parser as surrogate escapes, so
``header_str`` first recovers those bytes and decodes them as UTF-8, else GB18030. Pure.
"""

from __future__ import annotations

import re
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses
from html import unescape
from html.parser import HTMLParser

from mailprobe.classify.message import charset_for

_WS = re.compile(r"[ \t\u3000\xa0]+")


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Decode ``data``: the declared charset if it fits, else UTF-8, else GB18030, else lossy."""
    tried: list[str] = []
    for codec in (charset_for(label) if label else None, "utf-8", "gb18030"):
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(charset_for(label) if _known(label) else "utf-8", errors="replace")


def _known(label: str | None) -> bool:
    if not label:
        return False
    try:
        b"".decode(charset_for(label))
    except LookupError:
        return False
    return True


def header_str(msg: Message, name: str) -> str:
    """A header as text: raw 8-bit bytes recovered, RFC 2047 words decoded (gb labels as gb18030)."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return decode_header_value(str(value))
    return ""


def header_all(msg: Message, name: str) -> list[str]:
    """Every occurrence of a header, each decoded as ``header_str`` does."""
    return [decode_header_value(str(v)) for k, v in msg.raw_items() if k.lower() == name.lower()]


def decode_header_value(value: str) -> str:
    """Decode one raw header value; never raises."""
    raw = value.encode("ascii", "surrogateescape") if _has_surrogates(value) else None
    if raw is not None:
        value = decode_bytes(raw)
    try:
        parts = decode_header(value)
    except Exception:  # a malformed encoded word: keep the raw text
        return _squeeze(value)
    out: list[str] = []
    for chunk, label in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        else:
            out.append(decode_bytes(chunk, label))
    return _squeeze("".join(out))


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _squeeze(text: str) -> str:
    return _WS.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()


def from_address(msg: Message) -> str:
    """The From address, lower case; empty when there is none."""
    pairs = getaddresses([header_str(msg, "From")])
    return pairs[0][1].strip().lower() if pairs else ""


def body_text(msg: Message) -> str:
    """The message's text: the first text/plain leaf, else the first text/html leaf as text.

    Attachments and enclosed messages (message/rfc822, delivery reports) are not read.
    """
    plain, html = _first_texts(msg)
    if plain is not None and plain.strip():
        return _normalise(plain)
    if html is not None:
        return _normalise(html_to_text(html))
    return _normalise(plain or "")


def has_attachment(msg: Message) -> bool:
    """True when a leaf part is a named attachment (a file sent with the reply)."""
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = str(part.get("Content-Disposition", "")).lower()
        if "attachment" in disposition or part.get_filename():
            return True
    return False


def _first_texts(msg: Message) -> tuple[str | None, str | None]:
    plain: str | None = None
    html: str | None = None
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if part.is_multipart():
            if ctype in ("multipart/report",) or ctype.startswith("message/"):
                if part is not msg:
                    continue
            payload = part.get_payload()
            if isinstance(payload, list):
                stack[0:0] = [p for p in payload if isinstance(p, Message)]
            continue
        if "attachment" in str(part.get("Content-Disposition", "")).lower():
            continue
        if ctype == "text/plain" and plain is None:
            plain = _leaf_text(part)
        elif ctype == "text/html" and html is None:
            html = _leaf_text(part)
    return plain, html


def _leaf_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(payload, part.get_content_charset())


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return text.replace("\u200b", "").replace("\ufeff", "")


class _TextExtractor(HTMLParser):
    """HTML to text; text inside <blockquote> gets a "> " prefix so quote stripping sees it."""

    _BLOCK = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"})
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote_depth = 0
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip_depth += 1
        elif tag == "blockquote":
            self._newline()
            self.quote_depth += 1
        elif tag in self._BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "blockquote":
            self._newline()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in self._BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        text = _WS.sub(" ", data.replace("\r", " ").replace("\n", " "))
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and self.quote_depth:
            self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text

    def _newline(self) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")
        else:
            self.lines[-1] = ""


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, one line per block; blockquoted lines prefixed with "> "."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; a hostile input still must not escape
        return unescape(re.sub(r"<[^>]*>", " ", html))
    return "\n".join(line.strip() for line in parser.lines)
