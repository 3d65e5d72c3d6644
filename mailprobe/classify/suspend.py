"""Auto-replies saying the mailbox is no longer in use: a bounce with reason ``suspend``.

A "this inbox is no longer in use" auto-reply is a bounce, not a reply. Evidence: what makes
any message automatic (autoreply.find_evidence: ``Auto-Submitted`` other than ``no``,
``X-Autoreply``, ``X-QQ-AUTO-REPLY``, ``Precedence: auto_reply``, an auto-reply subject such
as "自动回复:" / "自动应答：" / "Automatic reply:", automatic wording) and a phrase saying
the mailbox is retired ("no longer in use", "已停用", "不再使用"). The recipient
is the replying mailbox (From). Runs before autoreply.py, after every bounce detector.

Sample::

    Subject: 自动回复: 关于办事时间的咨询
    X-QQ-AUTO-REPLY: true

    此邮箱已停用，请发送至 new@example.gov.cn。
"""

from __future__ import annotations

import re

from mailprobe.classify import autoreply
from mailprobe.classify.extract import Found, bounce, squeeze
from mailprobe.classify.message import Mail
from mailprobe.model import Verdict

NAME = "suspend"

RETIRED = re.compile(
    r"(?:mailbox|inbox|e-?mail (?:address|account)|account|address) (?:is |has been )?"
    r"(?:no longer (?:in use|used|active|monitored|valid)"
    r"|(?:deactivated|discontinued|closed|retired))"
    r"|(?:邮箱|信箱|邮件地址|地址|账号|帐号)(?:已|已经)?(?:停用|停止使用|注销|废弃|不再使用)"
    r"|不再使用(?:此|该|本)?(?:邮箱|信箱)|(?:此|该|本)(?:邮箱|信箱)已(?:停用|注销|废弃)",
    re.I,
)


def is_auto(msg: Mail) -> bool:
    """The one definition of "automatic" (autoreply.find_evidence): headers, subject, wording."""
    return autoreply.find_evidence(msg, autoreply.reply_split(msg)) is not None


def detect(msg: Mail) -> Verdict | None:
    m = RETIRED.search(msg.body[:5000])  # the cheap test first: most messages fail it
    if m is None or not msg.sender or not is_auto(msg):
        return None
    text = squeeze(msg.body[max(0, m.start() - 100): m.end() + 200])
    return bounce(NAME, msg, [Found(msg.sender, None, text, "failed")], reason="suspend",
                  evidence=m.group(0))
