"""Alibaba Cloud (Aliyun / Alimail / HiChina enterprise mail) bounces and rejections.

Evidence: an Aliyun host (``mxhichina.com``, ``qiye.aliyun.com``, ``mx*.aliyun.com``,
``alimail``, ``alibaba``) in the DSN or letter, or Aliyun's letter ("此邮件由阿里邮箱系统自动发送",
"投递失败" with "Aliyun"). Aliyun's phrases (reasons.VENDOR_TABLE) decide the reason, else the
general table does.

Sample::

    Subject: 投递失败 / Undelivered Mail Returned to Sender
    收件人: kijitora@example.cn
    失败原因: 550 Mailbox not found. (RCPT TO <kijitora@example.cn>)
"""

from __future__ import annotations

import re

from mailprobe.classify import reasons
from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "aliyun"

MARKERS = re.compile(r"mxhichina\.com|qiye\.aliyun\.com|\w+\.aliyun\.com|\balimail\b"
                     r"|\baliyun\b|阿里(?:云)?邮箱", re.I)

HINTS = ("aliyun", "mxhichina", "alimail", "阿里")

def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if not any(h in msg.hay for h in HINTS) or not MARKERS.search(msg.hay + msg.from_text):
        return None
    found = collect(msg)
    if not found:
        return None
    reason = reasons.vendor_reason("aliyun", " ".join(f.diagnostic for f in found) or letter)
    return bounce(NAME, msg, found, text=letter, reason=reason, evidence="aliyun letter")
