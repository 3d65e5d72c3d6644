"""Gmail / Google Workspace bounces and Google Groups refusals.

Evidence: From ``mailer-daemon@googlemail.com`` (or ``@google.com``) and Google's wording
("Delivery to the following recipient failed permanently", "Technical details of permanent
failure", "Message not delivered"). A Google Groups refusal ("the group you tried to contact
... may not exist, or you may not have permission to post") names the group (the original's
``To:``) and is ``rejected``. "Technical details of temporary failure" is a delay.

Sample::

    Delivery to the following recipient failed permanently:
         kijitora@example.jp
    Technical details of permanent failure:
    The email account that you tried to reach does not exist.
"""

from __future__ import annotations

import re

from mailprobe.classify import reasons
from mailprobe.classify.dsn import collect, original_recipients
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Kind, Verdict

NAME = "gmail"

SENDER = re.compile(r"mailer-daemon@(?:googlemail|google)\.com", re.I)
MARKERS = re.compile(r"delivery to the following recipients? (?:failed|has been delayed)"
                     r"|technical details of (?:permanent|temporary) failure"
                     r"|message not delivered|google tried to deliver your message")
GROUPS = re.compile(r"the group you tried to contact|google groups")
TEMPORARY = re.compile(r"technical details of temporary failure|has been delayed"
                       r"|will be retried", re.I)
def detect(msg: Mail) -> Verdict | None:
    if not SENDER.search(msg.from_text):
        return None
    letter, original = msg.letter, msg.original
    if GROUPS.search(msg.hay):
        found = original_recipients(msg, letter, original)
        return bounce(NAME, msg, found, text=letter, reason="rejected",
                      evidence="google groups") if found else None
    if not MARKERS.search(msg.hay):
        return None
    found = collect(msg)
    if not found:
        return None
    reason = reasons.vendor_reason("gmail", letter)
    kind = Kind.DELAY if TEMPORARY.search(letter) else Kind.BOUNCE
    return bounce(NAME, msg, found, text=letter, kind=kind, reason=reason,
                  evidence="gmail letter")
