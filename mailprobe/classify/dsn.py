"""RFC 3464 delivery status notifications, including broken ones.

Evidence: a ``message/delivery-status`` part (any case: Coremail writes ``Multipart/report``),
or ``Final-Recipient:``/``Action:`` fields inline in the text. Tolerates DSNs with only
per-recipient fields, HTML entities in Diagnostic-Code, and a missing Status. ``Action:
delayed`` alone makes a ``Kind.DELAY``; ``Action: delivered`` alone is not a bounce. A group
without Diagnostic-Code borrows the letter's text about the same address.

Sample::

    Final-Recipient: rfc822; kijitora@example.jp
    Action: failed
    Status: 5.1.1
    Diagnostic-Code: SMTP; 550 5.1.1 <kijitora@example.jp>... User Unknown
"""

from __future__ import annotations

import re
from dataclasses import replace

from mailprobe.classify.extract import (
    Found,
    best_status,
    bounce,
    dsn_found,
    find_reply,
    find_status,
    nested_report,
    own_addresses,
    scan_text,
    squeeze,
    verdict,
)
from mailprobe.classify.message import Mail, addresses_in
from mailprobe.model import Kind, Verdict

NAME = "dsn"

SUCCESS_ACTIONS = {"delivered", "relayed", "expanded", "deliverable"}
_TO = re.compile(r"^To:[ \t]*(.+)$", re.M | re.I)
_INLINE = re.compile(r"^(?:Final|Original)-Recipient:", re.I | re.M)


def detect(msg: Mail) -> Verdict | None:
    found = failures(msg)
    if found is None:
        return None
    if not found:
        return verdict(msg, Kind.UNKNOWN, NAME, subkind="delivered",
                       evidence="Action: delivered")
    delayed = all(f.action == "delayed" for f in found)
    return bounce(NAME, msg, found, kind=Kind.DELAY if delayed else Kind.BOUNCE,
                  evidence="message/delivery-status")


def failures(msg: Mail) -> list[Found] | None:
    """Failed/delayed recipients of the DSN in ``msg``.

    ``[]`` when every recipient was delivered; ``None`` when ``msg`` has no DSN.
    """
    text = msg.dsn or (msg.body if _INLINE.search(msg.body) else "")
    if not text:
        inner = nested_report(msg)
        return failures(inner) if inner is not None else None
    found = dsn_found(text)
    if not found:
        return None
    failed = [f for f in found if f.action not in SUCCESS_ACTIONS]
    letter = scan_text(msg.letter, own_addresses(msg))
    return [with_letter_text(f, letter) for f in failed]


def collect(msg: Mail) -> list[Found]:
    """What vendor detectors start from: the DSN's failed recipients, else the letter's."""
    found = failures(msg)
    if found is not None:
        return found  # [] when every recipient was delivered: dsn.py says so later
    return letter_found(msg)


def letter_found(msg: Mail) -> list[Found]:
    """Failed recipients read from the letter text; X-Failed-Recipients or the original's To
    when the letter names none."""
    letter, original = msg.letter, msg.original
    found = scan_text(letter, own_addresses(msg)) or scan_text(letter, {msg.sender or ""})
    failed = [a for v in msg.get_all("X-Failed-Recipients", []) for a in addresses_in(str(v))]
    if failed:
        by_addr = {f.address: f for f in found}
        text = squeeze(letter)[:1000]
        header = [by_addr.get(a) or Found(a, find_status(text), text, "failed", find_reply(text))
                  for a in dict.fromkeys(failed)]
        # The header and the letter name different addresses when delivery was redirected
        # (an alias or forward: Exim names the address it tried, "generated from" the one
        # sent to): both are the failed recipient, so both are kept.
        return header + ([f for f in found if f.status or f.reply]
                         if found and not set(failed) & set(by_addr) else [])
    return found or original_recipients(msg, letter, original)


def original_recipients(msg: Mail, letter: str, original: str) -> list[Found]:
    """The returned original's ``To:`` as recipient, with the whole letter as diagnostic."""
    # the original's To:, else the letter's own summary of it (Yahoo: "I wasn't able to
    # deliver the following message. ... Subject: ... To: ...")
    m = _TO.search(msg.returned or original) or _TO.search(letter)
    if not m:
        return []
    text = squeeze(letter)[:1000]
    return [Found(a, find_status(text), text, "failed", find_reply(text))
            for a in addresses_in(m.group(1))[:1]]


def with_letter_text(f: Found, letter: list[Found]) -> Found:
    """Fill a missing diagnostic (and status) from the letter's text about the same address."""
    same = next((x for x in letter if x.address == f.address), None)
    if same is None and len(letter) == 1:
        same = letter[0]
    if same is None:
        return f
    if f.diagnostic:
        return replace(f, context=same.diagnostic)
    return replace(f, diagnostic=same.diagnostic, status=best_status(f.status, same.diagnostic),
                   reply=f.reply or same.reply, context=same.diagnostic)
