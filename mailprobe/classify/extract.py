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
from mailprobe.classify.refs import find_refs, returned_message_id
from mailprobe.model import Kind, Recipient, Verdict

# Status codes and reply codes not inside a longer number. The test on the character before
# the code is a lookbehind after its first characters (which are part of it): a pattern that
# starts with a character class lets the regex engine skip to candidates; one that starts
# with a lookbehind tries every position (4x slower over a letter).
STATUS = re.compile(r"([245])(?<![\d.][245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
REPLY = re.compile(r"([245][0-5]\d)(?<![\d.\-#][245][0-5]\d)(?=[ \-]|$)(?![\-\d])", re.M)
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
# An X.400 gateway writes the address as an attribute: "dda:SMTP=user@host" (RFC 2156's
# domain-defined attribute); the address is what follows "SMTP=".
_X400_TYPE = re.compile(r"^(?:smtp|rfc-?822)=")
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
    # str.split() and the regex \s agree on what whitespace is: this is
    # ``_WS.sub(" ", ...).strip()`` at a third of the cost
    return " ".join(unescape(text.replace("&nbsp;", " ")).split())


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
    failed = [c for c in codes if c[0] != "2"]  # a transcript's 2.x.x replies are not the error
    codes = failed or codes
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


def search_at(pattern: re.Pattern[str], leads: tuple[str, ...], text: str) -> bool:
    """``pattern.search(text) is not None``, trying ``pattern`` only where one of ``leads``
    starts. Every match of ``pattern`` must begin with one of them (after zero-width tests
    such as ``\\b``): a leading ``\\b`` or alternation keeps the regex engine from skipping
    ahead to a literal, and it then tries every position of a long letter."""
    for lead in leads:
        pos = text.find(lead)
        while pos >= 0:
            if pattern.match(text, pos):
                return True
            pos = text.find(lead, pos + 1)
    return False


def find_reply(text: str) -> str | None:
    m = REPLY.search(text)
    return m.group(1) if m else None


def dsn_fields(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Per-message fields and per-recipient groups of a DSN; field names lower case.

    A group is a blank-line separated block naming a recipient, whatever the order of its
    fields (some MTAs put ``Final-Recipient`` last); a block naming several recipients without
    blank lines between them is split at each recipient field."""
    head: dict[str, str] = {}
    groups: list[dict[str, str]] = []
    for block in _BLOCKS.split(text.replace("\r", "")):
        fields: list[tuple[str, str]] = []
        for line in block.split("\n"):
            if not line.strip():
                continue
            if line[0] in " \t" and fields:
                name, value = fields[-1]
                fields[-1] = (name, value + " " + line.strip())
                continue
            m = _FIELD.match(line)
            if m:
                fields.append((m.group(1).lower(), m.group(2).strip()))
            elif fields and fields[-1][0] == "diagnostic-code":  # unfolded continuation
                name, value = fields[-1]
                fields[-1] = (name, value + " " + line.strip())
        if not any(name in _RCPT_FIELDS for name, _ in fields):
            for name, value in fields:
                head.setdefault(name, value)
            continue
        current: dict[str, str] = {}
        block_groups = [current]
        for name, value in fields:
            if name in _RCPT_FIELDS and name in current:
                current = {}
                block_groups.append(current)
            current.setdefault(name, value)
        if len(block_groups) > 1 and not any(k in _RCPT_FIELDS for k in block_groups[0]):
            block_groups[1] = {**block_groups[0], **block_groups[1]}
            block_groups = block_groups[1:]
        groups.extend(block_groups)
    return head, [g for g in groups if recipient_of(g)]


_BLOCKS = re.compile(r"\n[ \t]*\n")
_RCPT_FIELDS = frozenset({"final-recipient", "original-recipient", "x-actual-recipient"})


def recipient_of(group: dict[str, str]) -> str:
    """The group's recipient: Final-Recipient, unless it is a source route
    (``@relay:user@host``) and Original-Recipient is a plain address."""
    routed = ""
    for key in ("final-recipient", "original-recipient", "x-actual-recipient"):
        value = _DSN_TYPE.sub("", group.get(key, "")).strip().strip("<>").strip()
        found = ADDR.search(value) or LAX_ADDR.search(value)
        if not found:
            continue
        addr = found.group(0).lower().rstrip(".")
        if value.startswith("@") and ":" in value[: found.start() + 1]:  # @relay:user@host
            routed = routed or addr.rpartition(":")[2]
            continue
        return addr
    return routed


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


def nested_report(msg: Mail) -> Mail | None:
    """A delivery report forwarded whole inside an attached message, when the carrier has no
    delivery-status part of its own (Sisimai's lib/Sisimai/Lhost/X5.pm: a notice whose
    ``message/rfc822`` part is the ``multipart/report``): that report, else ``None``."""
    if msg.dsn or msg.content_type == "multipart/report":
        return None
    payload = msg.get_payload()
    for part in payload if isinstance(payload, list) else ():
        if not isinstance(part, Mail) or part.get_content_type() != "message/rfc822":
            continue
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Mail) and inner[0].dsn:
            return inner[0]
    return None


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
    if "@" not in text:
        return []
    lines = text.splitlines()
    order: dict[str, list[str]] = {}
    # most lines name no address: only those with an "@" go through the regex
    for i in [i for i, line in enumerate(lines) if "@" in line]:
        line = lines[i]
        for m in ADDR.finditer(line):
            addr = _X400_TYPE.sub("", m.group(0).lower().strip("."))
            if addr in exclude or is_role(addr) or _looks_like_id(line, m.start()):
                continue
            before = line[: m.start()].strip(" <>:\t")
            before = before if len(before) > 12 and not _looks_list(before) else ""
            order.setdefault(addr, []).append(
                " ".join([line[m.end():], *after(lines, i, window, addr), before]))
    out = []
    for addr, chunks in order.items():
        diagnostic = squeeze(" ".join(chunks))[:1000]
        out.append(Found(addr, find_status(diagnostic), diagnostic, "failed",
                         find_reply(diagnostic)))
    return out


def _looks_list(text: str) -> bool:
    """Words before an address that only introduce it ("To:", "Recipient:", a bullet)."""
    return len(text.split()) <= 2


def after(lines: list[str], i: int, window: int, addr: str = "") -> list[str]:
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
        named = {a.lower().strip(".") for a in ADDR.findall(nxt)} if "@" in nxt else set()
        if named and named != {addr} and (not STATUS.search(nxt) and not REPLY.search(nxt)
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
    session = reasons.command_of(msg.letter[:20000] + "\n" + msg.dsn[:5000]) if found else None
    hosts = reasons.remote_hosts(msg.dsn[:5000] + "\n" + msg.letter[:20000]) if found else ""
    if kind is Kind.DELAY:
        # a delay notice's reason is the stated temporary problem (``delayed`` below), not
        # Sisimai's "a delayed DSN has expired" reading of a returned message
        found = [replace(f, action="") if f.action == "delayed" else f for f in found]
    recipients = tuple(recipient(f, own_letter(f, found, text), reason, session, hosts)
                       for f in found if f.address)
    if kind is Kind.DELAY:
        contexts = [f.context for f in found if f.address]
        recipients = tuple(delayed(r, c) for r, c in zip(recipients, contexts, strict=True))
    return verdict(msg, kind, name, recipients=recipients, evidence=evidence)


def own_letter(f: Found, found: list[Found], text: str) -> str:
    """The letter's words that may back up ``f``'s diagnostic when it names nothing: without
    the other recipients' own diagnostics, so a recipient whose lines state no cause does not
    borrow another's ("452 4.2.2 Over quota" under the first address of an Exim delay list).
    An address named right after this one, or in its own lines, is the same delivery
    (Sendmail's "(expanded from: ...)"), whose words stay."""
    if not text or len(found) < 2:
        return text
    own = squeeze(text)
    at = own.lower().find(f.address)
    mine = f.diagnostic.lower() + " " + (own[at:at + len(f.address) + 60].lower() if at >= 0
                                         else "")
    for other in found:
        if other.diagnostic and other.address != f.address and other.address not in mine:
            own = own.replace(other.diagnostic, " ")
    return own


def delayed(r: Recipient, context: str) -> Recipient:
    """A delay notice's recipient: a delay reason (greylisting, delayed), never hard."""
    reason = reasons.delay_reason(r.reason or "onhold", r.diagnostic + " " + context, r.status)
    return replace(r, reason=reason, hard=False, sender_side=reason in reasons.SENDER_SIDE)


def recipient(f: Found, text: str = "", forced: str | None = None,
              session: str | None = None, hosts: str = "") -> Recipient:
    """Reason and hardness for one ``Found`` (reasons.py decides, not the detector).

    ``session``: the SMTP command the whole letter names, used when the words about this
    address do not name one; ``hosts``: the remote hosts the letter names (provider tables)."""
    status = f.status
    diagnostic = f.diagnostic or squeeze(text)[:1000]
    if not f.diagnostic and status is None:
        status = find_status(diagnostic)
    hosts = " ".join(filter(None, (reasons.remote_hosts(f.diagnostic + " " + f.context), hosts)))
    reason = forced or reasons.reason_for(diagnostic, status, f.reply, hosts)
    if reason == "onhold" and text and f.diagnostic:
        # nothing about this address tells why: the letter's own words may (the heading
        # "Delivery ... was aborted after 5 hours" above a bare address list)
        letter = squeeze(text)[:3000]
        reason = reasons.reason_from_text(letter) or reasons.reason_from_index(letter) or reason
    if not forced:
        near = diagnostic + " " + f.context
        command = reasons.command_of(near) or session
        reason = reasons.adjust(reason, near, status, f.action, f.dtype, command)
    return Recipient(address=f.address, status=status, reason=reason,
                     hard=reasons.is_hard(reason, status, final=True),
                     diagnostic=diagnostic[:1000],
                     sender_side=reason in reasons.SENDER_SIDE)


def verdict(msg: Mail, kind: Kind, name: str, **fields: object) -> Verdict:
    """A ``Verdict`` with sender, subject, message_id and refs filled from ``msg`` (and from
    the report nested in it, whose returned original is the probe)."""
    inline = msg.original
    values: dict[str, object] = {"refs": find_refs(msg, inline), "sender": msg.sender,
                                 "subject": msg.subject, "message_id": msg.message_id}
    if kind in (Kind.BOUNCE, Kind.DELAY):
        inner = nested_report(msg)
        values["original_message_id"] = returned_message_id(inner or msg)
        if inner is not None:
            values["refs"] = tuple(dict.fromkeys(
                (*find_refs(inner, inner.original), *find_refs(msg, inline))))
    values.update(fields)  # what the caller names wins, as ``dataclasses.replace`` did
    return Verdict(kind=kind, detector=name, **values)  # type: ignore[arg-type]
