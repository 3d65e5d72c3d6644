"""Shared extraction helpers for the bounce detectors (a helper module, not a detector).

- ``dsn_fields``: RFC 3464 per-recipient groups, tolerant of broken DSNs (fields without
  per-message block, mixed case, continuation lines, ``&nbsp;`` inside Diagnostic-Code);
- ``split_original``: cut a plain-text bounce where the inline copy of the original starts;
- ``scan_text``: failed addresses and the text after each, for letters without a DSN part;
- ``bounce``: turn what a detector found into a ``Verdict`` (reason and hardness from
  reasons.py, refs from refs.py). Detectors never decide hardness themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import unescape

from mailprobe.classify import reasons
from mailprobe.classify.message import ORIGINAL_MARKERS, Mail, cut_original

__all__ = ["ORIGINAL_MARKERS", "Found", "bounce", "dsn_found", "scan_text", "split_original"]
from mailprobe.classify.refs import find_refs
from mailprobe.model import Kind, Recipient, Verdict

STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
REPLY = re.compile(r"(?<![\d.\-#])([245][0-5]\d)(?=[ \-]|$)(?![\-\d])", re.M)
LAX_ADDR = re.compile(r"[^\s<>;:\"(),\[\]]+@[^\s<>;:\"(),\[\]]+")
ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")
_WS = re.compile(r"\s+")
_PREFIX = re.compile(r"\b([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})\b)?")
_DSN_TYPE = re.compile(r"^\s*(?:rfc822|x-unknown|unknown|utf-8|x400)\s*;\s*", re.I)
_DIAG_TYPE = re.compile(r"^\s*(?:smtp|x-[\w.-]+|mta|x400|unix|utf-8)\s*;\s*", re.I)

# What comes right before an address that is not a failed recipient: ids and the sender.
_NOT_RCPT = re.compile(r"(?:message-id|in-reply-to|references|\bid|from|sender|return-path)"
                       r"[:=\s]*<?$|^\s*to:\s*<?$")
_NEXT_RCPT = re.compile(r"^\s*<?[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+>?:?\s")

ROLE_LOCALPARTS = ("mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "abuse",
                   "noreply", "no-reply", "nobody", "root", "daemon", "bounce", "bounces",
                   "mailerdaemon", "mdaemon", "administrator", "hostmaster", "webmaster")


@dataclass(frozen=True)
class Found:
    """One failed (or delayed) recipient as a format detector read it."""

    address: str
    status: str | None = None
    diagnostic: str = ""
    action: str = ""
    reply: str | None = None
    dtype: str = ""  # Diagnostic-Code type: smtp, x-unix, x-postfix...
    context: str = ""  # the letter's words about this address (the SMTP command, say)


def squeeze(text: str) -> str:
    return _WS.sub(" ", unescape(text.replace("&nbsp;", " "))).strip()


def clean_diagnostic(text: str) -> str:
    """Squeeze whitespace, undo entities, drop repeated multi-line reply prefixes (550-5.1.1)."""
    text = squeeze(text)
    first = _PREFIX.search(text)
    if first is None:
        return text
    code, status = first.group(1), first.group(2)
    rest = text[first.end():]
    for prefix in ((f" {code}-{status} ", f" {code} {status} ") if status else (f" {code}-",)):
        rest = rest.replace(prefix, " ")
    return text[: first.end()] + rest


def find_status(text: str) -> str | None:
    """The most specific enhanced status code in ``text`` (x.0.0 only when alone)."""
    codes = [".".join(m.groups()) for m in STATUS.finditer(text)]
    specific = [c for c in codes if not c.endswith(".0.0")]
    found = specific or codes
    return found[0] if found else None


def best_status(field: str | None, diagnostic: str) -> str | None:
    """The Status field, unless the server's own words carry a more specific code: then the
    last specific one they name (the remote server's, after any relay's summary)."""
    codes = [".".join(m.groups()) for m in STATUS.finditer(diagnostic)]
    specific = [c for c in codes if not c.endswith(".0.0")]
    if specific and (field is None or field.endswith(".0.0") or field not in specific):
        return specific[-1]
    return field or (codes[-1] if codes else None)


def find_reply(text: str) -> str | None:
    m = REPLY.search(text)
    return m.group(1) if m else None


def dsn_fields(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Per-message fields and per-recipient groups of a DSN; field names lower case."""
    head: dict[str, str] = {}
    groups: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    last = ""
    for line in text.splitlines():
        if not line.strip():
            current, last = None, ""
            continue
        if line[0] in " \t" and last:
            target = current if current is not None else head
            target[last] = target.get(last, "") + " " + line.strip()
            continue
        m = _FIELD.match(line)
        if not m:
            last = ""
            continue
        name, value = m.group(1).lower(), m.group(2).strip()
        if name in ("final-recipient", "original-recipient", "x-actual-recipient"):
            if current is None or name in current:
                current = {}
                groups.append(current)
        target = current if current is not None else head
        target.setdefault(name, value)
        last = name
    return head, [g for g in groups if recipient_of(g)]


def recipient_of(group: dict[str, str]) -> str:
    for key in ("final-recipient", "original-recipient", "x-actual-recipient"):
        value = _DSN_TYPE.sub("", group.get(key, "")).strip().strip("<>").strip()
        found = ADDR.search(value) or LAX_ADDR.search(value)
        if found:
            return found.group(0).lower().rstrip(".")
    return ""


def dsn_found(text: str) -> list[Found]:
    """Failed or delayed recipients of a DSN text, one ``Found`` each."""
    _, groups = dsn_fields(text)
    out: list[Found] = []
    for group in groups:
        raw_diag = group.get("diagnostic-code", "")
        dtype = raw_diag.partition(";")[0].strip().lower() if ";" in raw_diag[:20] else ""
        diagnostic = clean_diagnostic(_DIAG_TYPE.sub("", raw_diag))
        status_field = STATUS.search(group.get("status", ""))
        status = ".".join(status_field.groups()) if status_field else None
        status = best_status(status, diagnostic)
        out.append(Found(recipient_of(group), status, diagnostic,
                         group.get("action", "").strip().lower(), find_reply(diagnostic), dtype))
    return out


def split_original(body: str) -> tuple[str, str]:
    """``(letter, original)`` of a body (a parsed message has ``msg.letter``/``.original``)."""
    return cut_original(body)


def own_addresses(msg: Mail) -> set[str]:
    """Addresses of the bounce's own sender and addressee: never failed recipients."""
    return set(msg.own_addresses)


def is_role(address: str) -> bool:
    return address.partition("@")[0].lower() in ROLE_LOCALPARTS


def scan_text(text: str, exclude: set[str], window: int = 6) -> list[Found]:
    """Addresses in a bounce letter with the lines after each mention as diagnostic."""
    lines = text.splitlines()
    order: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        for m in ADDR.finditer(line):
            addr = m.group(0).lower().strip(".")
            if addr in exclude or is_role(addr) or _looks_like_id(line, m.start()):
                continue
            order.setdefault(addr, []).append(" ".join([line[m.end():], *after(lines, i, window)]))
    out = []
    for addr, chunks in order.items():
        diagnostic = squeeze(" ".join(chunks))[:1000]
        out.append(Found(addr, find_status(diagnostic), diagnostic, "failed",
                         find_reply(diagnostic)))
    return out


def after(lines: list[str], i: int, window: int) -> list[str]:
    """Up to ``window`` non-blank lines after line ``i``: stop at two blank lines in a row or
    at a line naming another address without an SMTP code (the next recipient)."""
    chunk: list[str] = []
    blanks = 0
    for nxt in lines[i + 1: i + 40]:
        if not nxt.strip():
            blanks += 1
            if blanks >= 2 or len(chunk) >= window:
                break
            continue
        if (ADDR.search(nxt) and not STATUS.search(nxt) and not REPLY.search(nxt)
                or _NEXT_RCPT.match(nxt)):
            break
        blanks = 0
        chunk.append(nxt)
        if len(chunk) >= window:
            break
    return chunk


def _looks_like_id(line: str, start: int) -> bool:
    before = line[:start].lower()
    return bool(_NOT_RCPT.search(before))


def bounce(name: str, msg: Mail, found: list[Found], *, text: str = "",
           kind: Kind = Kind.BOUNCE, evidence: str = "", reason: str | None = None) -> Verdict:
    """The verdict for ``found`` recipients; ``text`` backs up empty diagnostics."""
    recipients = tuple(recipient(f, text, reason) for f in found if f.address)
    return verdict(msg, kind, name, recipients=recipients, evidence=evidence)


def recipient(f: Found, text: str = "", forced: str | None = None) -> Recipient:
    """Reason and hardness for one ``Found`` (reasons.py decides, not the detector)."""
    status = f.status
    diagnostic = f.diagnostic or squeeze(text)[:1000]
    reason = forced or reasons.reason_for(diagnostic, status, f.reply)
    if not forced:
        reason = reasons.adjust(reason, diagnostic + " " + f.context, status, f.action, f.dtype)
    return Recipient(address=f.address, status=status, reason=reason,
                     hard=reasons.is_hard(reason, status), diagnostic=diagnostic[:1000],
                     sender_side=reason in reasons.SENDER_SIDE)


def verdict(msg: Mail, kind: Kind, name: str, **fields: object) -> Verdict:
    """A ``Verdict`` with sender, subject, message_id and refs filled from ``msg``."""
    inline = msg.original
    base = Verdict(kind=kind, detector=name, refs=find_refs(msg, inline), sender=msg.sender,
                   subject=msg.subject, message_id=msg.message_id)
    return replace(base, **fields)  # type: ignore[arg-type]
