"""Sendmail (and sendmail-like V5/V8) "Returned mail" letters with or without a DSN part.

Evidence: "----- The following addresses had permanent fatal errors -----" or "-----
Transcript of session follows -----" in the letter, or a ``Returned mail:`` subject.
Recipients and status from the DSN when present, else from the address lines and the
transcript after them.

Sample::

       ----- The following addresses had permanent fatal errors -----
    <kijitora@example.jp>
        (reason: 550 5.1.1 <kijitora@example.jp>... User Unknown)
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Kind, Verdict

NAME = "sendmail"

MARKERS = ("the following addresses had permanent fatal errors",
           "the following addresses had transient", "transcript of session follows")
DELAYED = re.compile(r"warning: could not send message for past|^warning:", re.I)


def detect(msg: Mail) -> Verdict | None:
    if not any(m in msg.hay for m in MARKERS) and not msg.subject.lower().startswith(
            "returned mail:"):
        return None
    found = collect(msg)
    if not found:
        return None
    delayed = all(f.action == "delayed" for f in found) or bool(DELAYED.search(msg.subject))
    return bounce(NAME, msg, found, text=msg.letter,
                  kind=Kind.DELAY if delayed else Kind.BOUNCE, evidence="sendmail letter")
