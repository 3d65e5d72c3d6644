"""Postfix bounces: "Undelivered Mail Returned to Sender" with an RFC 3464 part.

Evidence: Postfix's letter ("This is the mail system at host", "(Postfix)") or an
``X-Postfix`` Diagnostic-Code / ``X-Postfix-Sender`` field. Recipients and status come from
the DSN; a Postfix letter without one (an SMTP transcript only) gives the ``RCPT TO``
address and the first 4xx/5xx reply after it. Also covers delay warnings
("Delayed Mail (still being retried)") as ``Kind.DELAY``.

Sample::

    <kijitora@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1
        <kijitora@example.jp>: Recipient address rejected: User unknown (in reply to RCPT
        TO command)
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import Found, bounce, clean_diagnostic, find_status
from mailprobe.classify.message import Mail
from mailprobe.classify.weigh import daemon_sender, delivery_structure
from mailprobe.model import Kind, Verdict

NAME = "postfix"

MARKERS = ("this is the mail system at host", "this is the mailsystem at host", "(postfix)",
           "x-postfix", "postfix program")
RCPT = re.compile(r"^\s*In:\s*RCPT TO:\s*<([^>]+)>", re.I | re.M)
ERROR_REPLY = re.compile(r"^\s*Out:\s*([45]\d\d[ -].*)$", re.M)


def detect(msg: Mail) -> Verdict | None:
    if not any(m in msg.hay for m in MARKERS) and not relayed_failure(msg):
        return None
    letter = msg.letter
    found = transcript(letter) if not msg.dsn and RCPT.search(letter) else collect(msg)
    if not found:
        return None
    delayed = all(f.action == "delayed" for f in found) or "delayed mail" in msg.subject.lower()
    return bounce(NAME, msg, found, text=letter, kind=Kind.DELAY if delayed else Kind.BOUNCE,
                  evidence="postfix letter")


def relayed_failure(msg: Mail) -> bool:
    """A "(Postfix)" Received line says only that a Postfix server relayed the message (most
    list mail and replies pass one): it marks Postfix's bounce only beside a delivery-failure
    structure or a daemon sender (RFC 3464, RFC 5321 4.5.5)."""
    received = str(msg.get("Received", "")).lower()
    return any(m in received for m in MARKERS) and bool(
        delivery_structure(msg) or daemon_sender(msg))


def transcript(letter: str) -> list[Found]:
    """The ``RCPT TO`` address of an SMTP transcript and the first error reply after it."""
    rcpt = RCPT.search(letter)
    if rcpt is None:
        return []
    reply = ERROR_REPLY.search(letter, rcpt.end())
    diagnostic = clean_diagnostic(reply.group(1)) if reply else ""
    return [Found(rcpt.group(1).lower(), find_status(diagnostic), diagnostic, "failed",
                  diagnostic[:3] or None)]
