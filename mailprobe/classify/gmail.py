"""Gmail / Google Workspace bounces and Google Groups refusals.

Evidence: From ``mailer-daemon@googlemail.com`` (or ``@google.com``) and Google's wording
("Delivery to the following recipient failed permanently", "Technical details of permanent
failure", "Message not delivered"). A Google Groups refusal ("the group you tried to contact
... may not exist, or you may not have permission to post") names the group (the original's
``To:``) and is ``rejected``; so is one in another language, told by Google's headers and
its four bulleted reasons (``groups_refusal``). "Technical details of temporary failure" is a delay.

Sample::

    Delivery to the following recipient failed permanently:
         kijitora@example.jp
    Technical details of permanent failure:
    The email account that you tried to reach does not exist.
"""

from __future__ import annotations

import re

from mailprobe.classify import reasons, rules
from mailprobe.classify.dsn import collect, original_recipients
from mailprobe.classify.extract import Found, bounce, squeeze
from mailprobe.classify.message import Mail, addresses_in
from mailprobe.model import Kind, Verdict

NAME = "gmail"

SENDER = re.compile(r"mailer-daemon@(?:googlemail|google)\.com", re.I)
MARKERS = re.compile(r"delivery to the following recipients? (?:failed|has been delayed)"
                     r"|technical details of (?:permanent|temporary) failure"
                     r"|message not delivered|google tried to deliver your message")
GROUPS = re.compile(r"the group you tried to contact|google groups")
TEMPORARY = re.compile(r"technical details of temporary failure|has been delayed"
                       r"|will be retried", re.I)
# Google Groups' refusal in any language (Sisimai lib/Sisimai/Lhost/GoogleGroups.pm): a
# "Delivery Status Notification" from mailer-daemon@googlemail.com with X-Failed-Recipients and
# X-Google-Smtp-Source, whose letter lists the four reasons a post was refused as "*" bullets
# (Sisimai: four bullets are "rejected"). Read after Google Groups' English and Persian letters
# in the shared corpus, so that family is cited too.
GROUPS_RULE = "gmail:groups-four-bullets"
rules.register(GROUPS_RULE, ("doc:sisimai-lhost-googlegroups", "shared:lhost-googlegroups"),
               covers="a Google Groups refusal in any language: four '*' bullet lines")
BULLET = re.compile(r"^ ?\* ?\S", re.M)


def groups_refusal(msg: Mail) -> bool:
    """Google Groups' refusal by its structure, whatever language its letter is in."""
    return ("x-google-smtp-source" in msg.header_names
            and "x-failed-recipients" in msg.header_names
            and "delivery status notification" in msg.subject.lower()
            and len(BULLET.findall(msg.letter)) == 4)


def failed_recipients(msg: Mail) -> list[str]:
    return list(dict.fromkeys(a for v in msg.get_all("X-Failed-Recipients", [])
                              for a in addresses_in(str(v))))


def detect(msg: Mail) -> Verdict | None:
    if not SENDER.search(msg.from_text):
        return None
    letter, original = msg.letter, msg.original
    if GROUPS.search(msg.hay):
        found = original_recipients(msg, letter, original)
        return bounce(NAME, msg, found, text=letter, reason="rejected",
                      evidence="google groups") if found else None
    if groups_refusal(msg) and rules.fire(GROUPS_RULE):
        found = [Found(a, None, squeeze(letter)[:1000], "failed") for a in failed_recipients(msg)]
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
