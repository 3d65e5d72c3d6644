"""Exim bounces: failed addresses in ``X-Failed-Recipients`` and an indented letter.

Evidence: ``X-Failed-Recipients`` or Exim's wording ("This message was created automatically
by mail delivery software", "The following address(es) failed"). The indented lines under
each address are its diagnostic.

Sample::

    X-Failed-Recipients: kijitora@example.ed.jp
    Subject: Mail delivery failed: returning message to sender

      kijitora@example.ed.jp
        SMTP error from remote mail server after RCPT TO:<kijitora@example.ed.jp>:
        host mx.example.jp [192.0.2.20]: 550 5.1.1 User unknown
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Kind, Verdict

NAME = "exim"

MARKERS = ("this message was created automatically by mail delivery software",
           "the following address(es) failed", "has not yet been delivered")
DELAYED = re.compile(r"has not yet been delivered|warning: message .{0,20}delayed", re.I)


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if "x-failed-recipients" not in msg.header_names and not any(m in msg.hay for m in MARKERS):
        return None
    found = collect(msg)
    if not found:
        return None
    kind = Kind.DELAY if DELAYED.search(letter + msg.subject) else Kind.BOUNCE
    return bounce(NAME, msg, found, text=letter, kind=kind, evidence="exim letter")
