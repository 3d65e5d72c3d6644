"""Alibaba Cloud (Aliyun / Alimail / HiChina enterprise mail) bounces and rejections.

Evidence: an Aliyun host (``mxhichina.com``, ``qiye.aliyun.com``, ``mx*.aliyun.com``,
``alimail``, ``alibaba``) in the DSN or letter, or Aliyun's letter ("此邮件由阿里邮箱系统自动发送",
"投递失败" with "Aliyun"). Aliyun's phrases decide the reason, else reasons.py does.

Sample::

    Subject: 投递失败 / Undelivered Mail Returned to Sender
    收件人: kijitora@example.cn
    失败原因: 550 Mailbox not found. (RCPT TO <kijitora@example.cn>)
"""

from __future__ import annotations

import re

from mailprobe.classify.dsn import collect
from mailprobe.classify.extract import bounce
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "aliyun"

MARKERS = re.compile(r"mxhichina\.com|qiye\.aliyun\.com|\w+\.aliyun\.com|\balimail\b"
                     r"|\baliyun\b|阿里(?:云)?邮箱", re.I)

HINTS = ("aliyun", "mxhichina", "alimail", "阿里")

REASONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("spamdetected", ("rejected by anti-spam", "spam message", "content rejected",
                      "垃圾邮件")),
    ("ratelimited", ("frequency limit", "too many", "发信频率")),
    ("mailboxfull", ("mailbox is full", "quota", "邮箱已满", "空间不足")),
    ("suspend", ("mailbox is frozen", "account is disabled", "已冻结", "已停用")),
    ("userunknown", ("mailbox not found", "user not found", "用户不存在", "收件人不存在")),
    ("authfailure", ("spf check", "dmarc", "dkim")),
)


def reason_of(text: str) -> str | None:
    text = " ".join(text.lower().split())
    return next((r for r, phrases in REASONS if any(p in text for p in phrases)), None)


def detect(msg: Mail) -> Verdict | None:
    letter = msg.letter
    if not any(h in msg.hay for h in HINTS) or not MARKERS.search(msg.hay + msg.from_text):
        return None
    found = collect(msg)
    if not found:
        return None
    reason = reason_of(" ".join(f.diagnostic for f in found) or letter)
    return bounce(NAME, msg, found, text=letter, reason=reason, evidence="aliyun letter")
