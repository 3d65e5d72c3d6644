"""Text helpers for the reply detectors: headers with raw 8-bit bytes, the reply's own text. Pure.

``header_str`` reads the raw header: with compat32, ``msg.get()`` wraps a raw 8-bit GBK value in
a ``Header`` whose ``str()`` is U+FFFD replacement characters, so ``message.header_text`` loses
such subjects (some Chinese mailers write them; docs/classify.md, "Charsets"). ``raw_items()``
keeps the bytes as surrogate escapes; they are decoded as UTF-8, else GB18030, and RFC 2047
words after that.

``Mail.body`` (message.py) joins every text part, so a multipart/alternative reply reads twice
and HTML blockquotes lose their quote marks. ``body_text`` takes one text (plain, else HTML;
in a multipart/mixed whose first text is HTML, that HTML and then the plain part after it) and
turns ``<blockquote>`` into "> " lines so quotes.py can remove the quoted probe.
"""

from __future__ import annotations

import re
from email.message import Message
from email.utils import getaddresses
from html import unescape
from html.parser import HTMLParser

from mailprobe.classify.message import MAX_PART_BYTES, MAX_TEXT, decode_text, header_text

_SURROGATE = re.compile("[\udc80-\udcff]")


def header_str(msg: Message, name: str) -> str:
    """The first ``name`` header as text; raw 8-bit bytes and RFC 2047 words both decoded."""
    for key, value in msg.raw_items():
        if key.lower() != name.lower() or not isinstance(value, str):
            continue
        if not _SURROGATE.search(value):
            return header_text(msg, name)
        text = decode_text(value.encode("ascii", "surrogateescape"), None)
        if "=?" in text:
            text = header_text(_one_header(name, text), name)
        return " ".join(text.split())
    return ""


def _one_header(name: str, value: str) -> Message:
    holder = Message()
    holder[name] = value
    return holder


_WS = re.compile(r"[ \t\u3000\xa0]+")


def from_address(msg: Message) -> str:
    """The From address, lower case; empty when there is none."""
    pairs = getaddresses([header_str(msg, "From")])
    return pairs[0][1].strip().lower() if pairs else ""


def body_text(msg: Message) -> str:
    """The message's text: the first text/plain leaf, else the first text/html leaf as text.

    Attachments and enclosed messages (message/rfc822, delivery reports) are not read.
    """
    plain, html = _first_texts(msg)
    if html is not None and plain is not None and _html_leads_a_sequence(msg):
        # multipart/mixed parts are read in turn (RFC 2046 5.1.3): an HTML letter with a
        # plain part after it (a list's footer) is the letter, then the footer
        return _normalise(html_to_text(html) + "\n\n" + plain)
    if plain is not None and plain.strip():
        return _normalise(plain)
    if html is not None:
        return _normalise(html_to_text(html))
    return _normalise(plain or "")


def has_attachment(msg: Message) -> bool:
    """True when a leaf part is a named attachment (a file sent with the reply)."""
    return bool(attachment_types(msg))


def attachment_types(msg: Message) -> list[str]:
    """The content types of the named attachments (files sent with the reply)."""
    found: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = str(part.get("Content-Disposition", "")).lower()
        ctype = part.get_content_type()
        if "attachment" in disposition or part.get_filename() or (
                part is msg and not ctype.startswith(("text/", "message/"))):
            found.append(ctype)  # a whole body that is not text (a voice reply) is a file too
    return found


def has_document(msg: Message) -> bool:
    """A file that can carry an answer (not an image: a signature logo or a photo is not one)."""
    return any(not t.startswith("image/") for t in attachment_types(msg))


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
        if (ctype == "text/plain" or ctype.startswith("multipart/")) and plain is None:
            # a multipart without its boundary lines is one block of text (broken clients)
            plain = _leaf_text(part)
        elif ctype == "text/html" and html is None:
            html = _leaf_text(part)
    return plain, html


def _html_leads_a_sequence(msg: Message) -> bool:
    """Whether the first inline text leaf is HTML and sits in a multipart/mixed (parts in
    sequence), not in a multipart/alternative (where the plain version stands for it)."""
    if msg.get_content_type() != "multipart/mixed":
        return False
    payload = msg.get_payload()
    for part in payload if isinstance(payload, list) else []:
        if not isinstance(part, Message) or "attachment" in str(
                part.get("Content-Disposition", "")).lower():
            continue
        ctype = part.get_content_type()
        if ctype in ("text/plain", "text/html"):
            return ctype == "text/html"
        if part.is_multipart():
            return False
    return False


def _leaf_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_text(payload[:MAX_PART_BYTES], part.get_content_charset())


def _normalise(text: str) -> str:
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
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
