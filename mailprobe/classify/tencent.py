"""QQ Mail / Tencent Exmail rejections, quoted in the DSN our own MTA writes.

QQ and Exmail usually refuse at SMTP time, so the bounce is a standard (often Postfix) DSN
whose Diagnostic-Code quotes Tencent's text (docs/classify.md). Evidence: a ``qq.com`` remote MTA
(``mx3.qq.com``, ``mxbiz1.qq.com``) or a ``service.mail.qq.com`` help link in the DSN or the
letter. Tencent's own phrases (reasons.VENDOR_TABLE, scope tencent) decide the reason.

Sample::

    Remote-MTA: dns; mx3.qq.com
    Diagnostic-Code: smtp; 550 Ip frequency limited
        http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725
"""

from __future__ import annotations

import re

from mailprobe.classify import reasons
from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "tencent"

MARKERS = re.compile(r"\b(?:mx\d*|mxbiz\d*|mxdomain|smtp)\.qq\.com\b|service\.mail\.qq\.com"
                     r"|exmail\.qq\.com|\btencent\b")


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if "qq.com" not in msg.hay and "tencent" not in msg.hay or not MARKERS.search(msg.hay):
        return None
    found = collect(msg)
    if not found:
        return None
    reason = reasons.vendor_reason("tencent", " ".join(f.diagnostic for f in found) or letter)
    return bounce(NAME, msg, found, text=letter, reason=reason, evidence="tencent reply")
