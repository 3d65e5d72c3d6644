"""The fast paths give exactly what the plain code they replace gives.

- mimeparse.py builds the stdlib parser's compat32 tree (or hands the input back to it);
- reasons.reason_from_text (one literal scan) decides as the plain table loop does;
- message.address_of's shortcut gives parseaddr's address; cut_original cuts where the
  ORIGINAL_MARKERS loop cuts.
"""

from __future__ import annotations

import email
import email.policy
import random
import re
from email.message import Message
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest

from mailprobe.classify import reasons
from mailprobe.classify.message import (
    _ADDR,
    ORIGINAL_MARKERS,
    Mail,
    address_of,
    bound,
    cut_original,
    parse_message,
)
from mailprobe.classify.mimeparse import Fallback, parse_text

from .conftest import CORPUS, EML

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def samples() -> list[bytes]:
    paths = sorted(FIXTURES.rglob("*.eml"))
    if (CORPUS / "maildir").exists():
        paths += sorted(p for p in (CORPUS / "maildir").rglob("*") if p.is_file())
    return [bound(p.read_bytes()) for p in paths]


def tree(msg: Message) -> Any:
    """Everything the parser decides about a message, recursively."""
    payload = msg._payload  # type: ignore[attr-defined]
    return (type(msg).__name__, list(msg._headers), msg._unixfrom,  # type: ignore[attr-defined]
            msg.preamble, msg.epilogue, msg.get_default_type(),
            [type(d).__name__ for d in msg.defects],
            [tree(p) for p in payload] if isinstance(payload, list) else payload)


def stdlib(raw: bytes) -> Any:
    return tree(email.message_from_bytes(raw, _class=Mail, policy=email.policy.compat32))


def fast(raw: bytes) -> Any:
    """The splitter's tree, or the stdlib's when the splitter hands the input back."""
    try:
        return tree(parse_text(raw.decode("ascii", "surrogateescape"), Mail))
    except Fallback:
        return stdlib(raw)


EDGE_CASES = [
    b"Subject: x\n\nbody\n",
    b"Subject: x\r\n\r\nbody\r\n",
    b"From someone Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody",
    b"Subject: x\nno separator line\nmore\n",
    b"Subject: folded\n\tcontinued\n  again\nX: \n\n",
    b"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n\none\n--b\nContent-Type: text/html\n"
    b"\n<p>two</p>\n--b--\nepilogue\n",
    b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\nnever closed\n",
    b"Content-Type: multipart/mixed; boundary=b\n\n--b--\n",
    b"Content-Type: multipart/mixed; boundary=\"a\"\n\n--a\nContent-Type: multipart/alternative;"
    b" boundary=\"a1\"\n\n--a1\n\nplain\n--a1--\n--a\nContent-Type: message/rfc822\n\n"
    b"Subject: inner\n\ninner body\n--a--\n",
    b"Content-Type: multipart/report; boundary=r\n\n--r\n\nletter\n--r\nContent-Type: "
    b"message/delivery-status\n\nReporting-MTA: dns; a\n\n\nFinal-Recipient: rfc822; x@y.z\n"
    b"Action: failed\nbroken line\n\n--r--\n",
    b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: a\n\nA\n--d--\n",
    b"Content-Type: multipart/mixed; boundary=b\n\n--b  \r\n\r\nws\r\n--b--  \r\n",
    b"Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n\n--b\n\nx\n"
    b"--b--",
    b"Subject: lone\rCR\n\nx",
    b"Subject: \xe9\xe8 raw 8-bit\nContent-Type: text/plain; charset=\xff\n\nbody \xff\n",
]


def mutate(rnd: random.Random, raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    op = rnd.randrange(7)
    if op == 0:
        return raw[: rnd.randrange(len(raw) + 1)]
    if op == 1:
        return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    i = rnd.randrange(len(lines))
    if op == 2:
        del lines[i]
    elif op == 3:
        lines.insert(i, lines[i])
    elif op == 4:
        lines.insert(i, b"")
    elif op == 5:
        lines[i] = b" " + lines[i]
    else:
        lines.insert(i, rnd.choice([b"From x", b"--zz", b"--zz--", b":x", b"\tz", b"X: y",
                                    b"Content-Type: multipart/mixed; boundary=zz",
                                    b"Content-Type: message/delivery-status"]))
    return b"\n".join(lines)


def test_splitter_builds_the_stdlib_tree() -> None:
    cases = samples() + EDGE_CASES
    for raw in cases:
        assert fast(raw) == stdlib(raw), raw[:200]


def test_splitter_builds_the_stdlib_tree_for_damaged_mail() -> None:
    rnd = random.Random(7)
    cases = samples() + EDGE_CASES
    for _ in range(600):
        raw = rnd.choice(cases)
        for _ in range(rnd.randrange(1, 4)):
            raw = mutate(rnd, raw)
        assert fast(raw) == stdlib(raw), raw[:200]


def test_splitter_hands_back_what_it_does_not_copy() -> None:
    with pytest.raises(Fallback):
        parse_text("Subject: lone\rCR\n\nx", Mail)
    deep = "".join(f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n" for i in range(40))
    with pytest.raises(Fallback):
        parse_text(deep, Mail)


def diagnostics() -> list[str]:
    texts = [f"x {literal} y" for _, phrases in reasons.PHRASES for phrase in phrases
             for literal in reasons.required_literals(phrase)]
    for path in sorted(EML.glob("*.eml")):
        msg, _ = parse_message(path.read_bytes())
        if msg is not None:
            texts += [msg.letter[:2000], msg.dsn[:2000]]
    rnd = random.Random(3)
    words = ["user", "unknown", "mailbox", "full", "550 5.1.1", "not", "found", "spam", "quota",
             "host", "account", "disabled", "denied", "|", "/", "\u2019", "&nbsp;", "邮箱"]
    literals = sorted({x for _, p in reasons.PHRASES for ph in p
                       for x in reasons.required_literals(ph)})
    for _ in range(3000):
        parts = [rnd.choice(literals) if rnd.random() < 0.5 else rnd.choice(words)
                 for _ in range(rnd.randrange(1, 10))]
        texts.append(rnd.choice([" ", ""]).join(parts))
    return texts


def test_reason_scan_decides_as_the_table_loop() -> None:
    names = [name for name, _ in reasons.PHRASES]
    rnd = random.Random(5)
    for text in diagnostics():
        skip = frozenset(rnd.sample(names, rnd.randrange(3)))
        assert reasons.reason_from_text(text, skip) == reasons.reason_from_text_slow(text, skip)


def test_address_shortcut_gives_parseaddrs_address() -> None:
    values = ["Mail Delivery System <MAILER-DAEMON@example.com>", "a@b.c", "<a@b.c>",
              "J. Doe <a@b.c>", '"x, y" <a@b.c>', "a <b@c> d", "a..b@c.d", "a@b..c",
              "Näme <a@b.c>", "a@b.c (comment)", "x <a@[1.2.3.4]>", "<@r:a@b.c>", "a@b",
              "x<a@b.c>", "<a.@b.c>", "<.a@b.c>", "a@-b.c", "<a@b.c.>", "a, b <c@d.e>", ""]

    def plain(value: str) -> str | None:
        addr = parseaddr(value)[1].strip().strip("<>")
        if "@" not in addr:
            found = _ADDR.search(value)
            addr = found.group(0) if found else ""
        return addr.lower() or None

    for value in values:
        assert address_of(value) == plain(value), value


def test_cut_original_cuts_where_the_marker_loop_does() -> None:
    def plain(body: str) -> tuple[str, str]:
        for found in ORIGINAL_MARKERS.finditer(body):
            if found.start() > 0:
                return body[: found.start()], body[found.start():]
        return body, ""

    bodies = ["original message\nfoo", "x\n  --- Original message\n", "\noriginal message",
              "x\n原邮件", "message\nmessage follows", "x\nfoo message\noriginal message",
              "x\nORIGINAL MESSAGE follows", "\u00e9\nOriginal Me\u017f\u017fage",
              "a\r\n> Copy of the message"]
    for path in sorted(FIXTURES.rglob("*.eml")):
        msg, _ = parse_message(path.read_bytes())
        if msg is not None:
            bodies += [msg.body, re.sub("\n", "\r\n", msg.body)]
    for body in bodies:
        assert cut_original(body) == plain(body)


def test_get_param_shortcut_gives_the_stdlib_value() -> None:
    values = ['multipart/mixed; boundary="abc"', "multipart/mixed; boundary=<abc>",
              'multipart/mixed;boundary="<abc>"', "text/plain; charset=UTF-8",
              'multipart/report; report-type=delivery-status;\n\tboundary="----=_Part_0_1.2"',
              "text/plain; ;; CHARSET=x", 'text/plain; charset=""', "text/plain; charset",
              "a/b; c=d=e", 'a/b; x="a;b"', "a/b; name*=utf-8''x", 'a/b; charset="a\\"b"',
              'multipart/mixed; boundary="  x  "', "a/b; boundary=x; boundary=y", "", ";"]
    rnd = random.Random(1)
    values += ["t/x" + "".join(rnd.choice('ab=;"<> \t\n\\*C-') for _ in range(rnd.randrange(12)))
               for _ in range(3000)]
    for value in values:
        for header in ("Content-Type", "Content-Disposition"):
            ours, theirs = Mail(), Message()
            ours[header] = theirs[header] = value
            for param in ("boundary", "charset", "BOUNDARY", "t/x"):
                for unquote in (True, False):
                    assert (ours.get_param(param, "-", header.lower(), unquote)
                            == theirs.get_param(param, "-", header.lower(), unquote)), value
            assert ours.get_boundary() == theirs.get_boundary(), value
            assert ours.get_content_charset() == theirs.get_content_charset(), value


def test_code_patterns_match_their_lookbehind_first_forms() -> None:
    from mailprobe.classify.extract import REPLY, STATUS
    status = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
    reply = re.compile(r"(?<![\d.\-#])([245][0-5]\d)(?=[ \-]|$)(?![\-\d])", re.M)
    rnd = random.Random(1)
    texts = ["".join(rnd.choice("245.0319 -#\nx\u0663") for _ in range(rnd.randrange(20)))
             for _ in range(5000)]
    texts += ["550 5.1.1 user", "5.1.1", "1.5.1.1", "x 4.7.0.1", "550-5.7.1", "#550 ", "550\n"]
    for text in texts:
        for plain, ours in ((status, STATUS), (reply, REPLY)):
            spans = [m.span() for m in ours.finditer(text)]
            assert [m.span() for m in plain.finditer(text)] == spans, text


def test_whitespace_squeezing_matches_the_regex_form() -> None:
    from html import unescape

    from mailprobe.classify.extract import squeeze
    spaces = re.compile(r"\s+")
    rnd = random.Random(2)
    pieces = ["a", " ", "\t", "\n", "\xa0", "\u3000", "\x1c", "\x85", "&nbsp;", "&amp;", "\u2019",
              "B", "\u2028", "\x0b", ""]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(10)))
        assert squeeze(text) == spaces.sub(" ", unescape(text.replace("&nbsp;", " "))).strip()
        assert reasons._normal(text) == spaces.sub(
            " ", text.replace("&nbsp;", " ").replace("\u2019", "'")).lower()
