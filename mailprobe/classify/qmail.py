"""qmail (and qmail-like: netqmail, vpopmail, s/qmail) "failure notice" letters.

Evidence: "Hi. This is the qmail-send program" or "I'm afraid I wasn't able to deliver" and
``<address>:`` lines each followed by the remote host's words; the original follows
"--- Below this line is a copy of the message.".

Sample::

    <kijitora@example.jp>:
    192.0.2.1 does not like recipient.
    Remote host said: 550 5.1.1 <kijitora@example.jp>... User Unknown
    Giving up on 192.0.2.1.
"""

from __future__ import annotations

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "qmail"

MARKERS = ("this is the qmail", "qmail-send", "i'm afraid i wasn't able to deliver",
           "i'm not going to try again", "below this line is a copy of the message")


def detect(msg: Mail) -> Verdict | None:
    if not any(m in msg.hay for m in MARKERS):
        return None
    found = collect(msg)
    if not found:
        return None
    return bounce(NAME, msg, found, text=msg.letter, evidence="qmail letter")
