"""A fast MIME splitter that builds the same compat32 tree as the stdlib parser (a helper).

``email.feedparser`` reads a message one line at a time through a stack of end-of-part
predicates; that per-line work was most of classify()'s parse cost. This module builds the
identical tree (the same ``Message`` subclass, header list, payload strings, preamble,
epilogue, default types and the defects the classifier can meet) by searching the whole text
for the next boundary line (``str.find``), so a part's body costs one search instead of a
Python step per line.

It follows ``FeedParser._parsegen`` (Python 3.11) branch by branch. Input the stdlib treats
through a rarely used path raises :class:`Fallback` and the caller parses with the stdlib
instead: a lone CR line end, a misplaced or trailing ``From `` line, a first header line that
is a continuation or has no name, a multipart without boundary or without its first
boundary, doubled boundary lines, a multipart root that parsed as a leaf, more than
``MAX_DEPTH`` nested multiparts. Never used for anything but compat32 ``Message`` subclasses.
"""

from __future__ import annotations

import re
from email import errors
from email.message import Message
from email.policy import Policy, compat32

__all__ = ["Fallback", "parse_text"]

MAX_DEPTH = 16  # nested multiparts; deeper trees (hostile ones) go to the stdlib parser

# FeedParser's header line test, for a run of lines; one field with its continuation lines.
_HEADER_LINES = re.compile(r"(?:(?:From |[\041-\071\073-\176]*:|[\t ])[^\n]*(?:\n|\Z))*")
_FIELD = re.compile(r"([^:\n]*):([^\n]*\n?(?:[ \t][^\n]*\n?)*)")
_LONE_CR = re.compile(r"\r(?!\n)")


class Fallback(Exception):
    """The input takes a parser path this module does not copy: use the stdlib parser."""


def parse_text(text: str, factory: type[Message], policy: Policy = compat32) -> Message:
    """Parse ``text`` (bytes decoded as ASCII with surrogateescape) as the stdlib would."""
    if "\r" in text and _LONE_CR.search(text):
        raise Fallback("lone CR")
    parser = _Parser(text, factory, policy)
    root = parser.message(0, None, None)[0]
    if root.get_content_maintype() == "multipart" and not root.is_multipart():
        raise Fallback("multipart root without parts")
    return root


class _Ends:
    """The active end-of-part lines: enclosing boundaries and, in a DSN, a blank line.

    Found with ``str.find`` for ``"\\n--boundary"``, the rest of the line checked by hand:
    boundaries differ per message, and compiling a pattern for each costs more than the
    stdlib parser's whole line loop."""

    __slots__ = ("blank", "separators")

    def __init__(self, separators: tuple[str, ...], blank: bool) -> None:
        self.separators = separators
        self.blank = blank

    def at(self, text: str, pos: int) -> bool | None:
        """``None`` unless the line at ``pos`` is an end line; then whether it closes
        (``--boundary--``)."""
        if self.blank and (text.startswith("\n", pos) or text.startswith("\r\n", pos)):
            return False
        for sep in self.separators:
            if text.startswith(sep, pos):
                closing = _boundary_rest(text, pos + len(sep))
                if closing is not None:
                    return closing
        return None

    def find(self, text: str, pos: int, limit: int | None = None) -> int:
        """Where the first end line in ``[pos, limit)`` starts; ``limit`` (by default the
        text's length) when there is none."""
        best = len(text) if limit is None else limit
        if pos >= best or self.at(text, pos) is not None:
            return min(pos, best)
        if self.blank:
            for blank in ("\n\n", "\n\r\n"):
                found = text.find(blank, pos, best)
                if found >= 0:
                    best = found + 1
        for sep in self.separators:
            needle = "\n" + sep
            found = text.find(needle, pos, best)
            while found >= 0:
                if _boundary_rest(text, found + len(needle)) is not None:
                    best = found + 1
                    break
                found = text.find(needle, found + 1, best)
        return best

    def adding(self, separator: str | None = None, blank: bool = False) -> _Ends:
        if len(self.separators) >= MAX_DEPTH:
            raise Fallback("deep nesting")
        seps = self.separators + ((separator,) if separator is not None else ())
        return _Ends(seps, self.blank or blank)


def _boundary_rest(text: str, pos: int) -> bool | None:
    """The rest of a line after ``--boundary`` at ``pos``, as FeedParser's boundary pattern
    ``(--)?[ \\t]*(\\r\\n|\\r|\\n)?$`` reads it: ``None`` if it does not match, else
    whether the ``--`` closes the multipart."""
    nl = text.find("\n", pos)
    tail = text[pos: len(text) if nl < 0 else nl]
    if tail.endswith("\r"):
        tail = tail[:-1]
    if tail.startswith("--") and not tail[2:].strip(" \t"):
        return True
    if not tail.strip(" \t"):
        return False
    return None


_NO_ENDS = _Ends((), False)


class _Parser:
    def __init__(self, text: str, factory: type[Message], policy: Policy) -> None:
        self.text = text
        self.factory = factory
        self.policy = policy
        self.last: Message | None = None  # FeedParser._last: the newest message made

    def new(self, parent: Message | None, parent_type: str) -> Message:
        msg = self.factory(policy=self.policy)
        if parent is not None:
            if len(parent) and parent_type == "multipart/digest":
                msg.set_default_type("message/rfc822")
            parent.attach(msg)
        self.last = msg
        return msg

    def message(self, pos: int, ends: _Ends | None, parent: Message | None,
                parent_type: str = "") -> tuple[Message, int]:
        """Parse one message from ``pos`` up to the first end line; return it and where it
        stopped (the start of that end line, or the end of the text)."""
        ends = ends or _NO_ENDS
        text = self.text
        msg = self.new(parent, parent_type)
        limit = ends.find(text, pos)
        body = self.headers(msg, pos, limit)
        ctype = _content_type(msg)
        pos = body
        if ctype == "message/delivery-status":
            return msg, self.delivery_status(msg, pos, ends, ctype)
        maintype = ctype.partition("/")[0]
        if maintype == "message":
            return msg, self.message(pos, ends, msg, ctype)[1]
        if maintype == "multipart":
            return msg, self.multipart(msg, pos, ends, ctype)
        msg._payload = text[pos:limit]  # type: ignore[attr-defined]
        return msg, limit

    def headers(self, msg: Message, pos: int, limit: int) -> int:
        """Read the header lines before ``limit``; return where the body starts."""
        text = self.text
        end = _HEADER_LINES.match(text, pos, limit).end()  # type: ignore[union-attr]
        if end < limit:
            if text.startswith("\n", end) or text.startswith("\r\n", end):
                body = text.find("\n", end) + 1  # the separator: thrown away
            else:  # the body starts without a blank line
                msg.defects.append(errors.MissingHeaderBodySeparatorDefect())
                body = end
        else:
            body = end
        if end > pos:
            self.set_headers(msg, text[pos:end])
        return body

    def set_headers(self, msg: Message, block: str) -> None:
        """compat32's ``_parse_headers`` and ``header_source_parse`` over the header lines."""
        if block.startswith("From "):
            nl = block.find("\n")
            first = block if nl < 0 else block[: nl + 1]
            msg.set_unixfrom(_chop(first))
            block = block[len(first):]
        if block[:1] in (" ", "\t"):
            raise Fallback("first header line is a continuation")
        if block.startswith(":") or "\n:" in block or "\nFrom " in block or (
                block.startswith("From ")):
            raise Fallback("header without a name or a misplaced From line")
        headers: list[tuple[str, str]] = msg._headers  # type: ignore[attr-defined]
        headers.extend([(name, value.lstrip(" \t").rstrip("\r\n"))
                        for name, value in _FIELD.findall(block)])

    def delivery_status(self, msg: Message, pos: int, ends: _Ends, ctype: str) -> int:
        """Blank-line separated header blocks, each a header-only message."""
        text = self.text
        block_ends = ends.adding(blank=True)
        while True:
            pos = self.message(pos, block_ends, msg, ctype)[1]
            # consume the blank line (or stop at the enclosing end), then peek at the next
            for step in range(2):
                if pos >= len(text) or ends.at(text, pos) is not None:
                    return pos
                if step == 0:
                    pos = self._next_line(pos)

    def multipart(self, msg: Message, pos: int, ends: _Ends, ctype: str) -> int:
        text = self.text
        boundary = msg.get_boundary()
        if boundary is None:
            raise Fallback("multipart without boundary")
        if (str(msg.get("content-transfer-encoding", "8bit")).lower()
                not in ("7bit", "8bit", "binary")):
            msg.defects.append(errors.InvalidMultipartContentTransferEncodingDefect())
        separator = "--" + boundary
        own = _Ends((separator,), False)
        part_ends = ends.adding(separator)
        limit = ends.find(text, pos)
        first = own.find(text, pos, limit)
        if first >= limit or own.at(text, first):
            raise Fallback("start boundary not found")
        if first > pos:
            msg.preamble = _chop(text[pos:first])
        pos = first
        while True:
            # ``pos`` is at an inter-part boundary: the part starts on the next line
            pos = self._next_line(pos)
            if pos >= limit or own.at(text, pos) is not None:
                raise Fallback("boundary at the end or doubled")
            pos = self.message(pos, part_ends, msg, ctype)[1]
            self._strip_last()
            self.last = msg
            if pos >= limit:
                msg.defects.append(errors.CloseBoundaryNotFoundDefect())
                return limit
            closing = own.at(text, pos)
            if closing is None:
                raise Fallback("part ended at an enclosing boundary")
            if closing:  # the rest, up to the enclosing end, is the epilogue
                msg.epilogue = text[self._next_line(pos):limit]
                return limit

    def _strip_last(self) -> None:
        """RFC 2046: the line end before a boundary belongs to it, not to the last part."""
        last = self.last
        assert last is not None
        if last.get_content_maintype() == "multipart":
            epilogue = last.epilogue
            if epilogue == "":
                last.epilogue = None
            elif epilogue is not None:
                last.epilogue = _chop(epilogue)
        else:
            payload = last._payload  # type: ignore[attr-defined]
            if isinstance(payload, str):
                last._payload = _chop(payload)  # type: ignore[attr-defined]

    def _next_line(self, pos: int) -> int:
        """The start of the line after the one at ``pos`` (the text's end after the last)."""
        nl = self.text.find("\n", pos)
        return len(self.text) if nl < 0 else nl + 1


def _content_type(msg: Message) -> str:
    """``Message.get_content_type`` without building the header index (most parts' index is
    never used)."""
    for name, value in msg._headers:  # type: ignore[attr-defined]
        if name.lower() == "content-type":
            if not (isinstance(value, str) and value.isascii()):
                value = msg.policy.header_fetch_parse(name, value)
            ctype = str(value).partition(";")[0].strip().lower()
            return ctype if ctype.count("/") == 1 else "text/plain"
    return msg.get_default_type()


def _chop(text: str) -> str:
    """``text`` without one final line end (FeedParser's ``NLCRE_eol``; no lone CR here)."""
    if text.endswith("\n"):
        return text[:-2] if text.endswith("\r\n") else text[:-1]
    return text
