"""Yahoo! Mail bounces ("Sorry, we were unable to deliver your message").

Evidence: From ``MAILER-DAEMON@yahoo*`` and "Sorry, we were unable to deliver your message to
the following address." followed by ``<address>:`` and "Remote host said: ...".

Sample::

    Sorry, we were unable to deliver your message to the following address.

    <kijitora@example.jp>:
    Remote host said: 550 5.1.1 <kijitora@example.jp>... User Unknown [RCPT_TO]
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "yahoo"

MARKERS = re.compile(r"sorry,? we were unable to deliver your message")


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if "unable to deliver" not in msg.hay or not MARKERS.search(msg.hay):
        return None
    found = collect(msg)
    if not found:
        return None
    return bounce(NAME, msg, found, text=letter, evidence="yahoo letter")
