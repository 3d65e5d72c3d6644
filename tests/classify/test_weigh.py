"""weigh.py: failure words against a reply's own evidence (generated messages, not evidence)."""

from __future__ import annotations

import base64

from mailprobe.classify import classify
from mailprobe.model import Kind

# A NetEase enterprise webmail (HMail) bottom reply: its quote header ("发件人：…发送日期：…
# 抄送人：…") opens the text, the quoted lines speak of a failed delivery, the answer is below.
HMAIL_BOTTOM_REPLY = (
    "发件人：王明 <wang.ming@example.gov.cn>\n发送日期：2025-03-01 10:12:33\n"
    "收件人：\"李华\" <li.hua@example.org>\n"
    "抄送人：office@example.gov.cn,service@example.gov.cn\n"
    "主题：Re: 关于居住证办理的咨询>在 2025/3/1 10:00, 李华 写道:\n"
    ">> 上次的邮件发送失败，被退回了，收件人不存在。\n"
    ">\n> 可能是旧邮箱已停用。\n\n"
    "新邮箱可以正常收信，居住证请带身份证原件到社区服务中心办理。\n\n李华\n")


def mail(headers: dict[str, str], body: str) -> bytes:
    head = "".join(f"{name}: {value}\n" for name, value in headers.items())
    return (head + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: base64\n\n").encode() + base64.encodebytes(body.encode())


REPLY_HEADERS = {
    "Received": "from webmail.example.org by mx.example.org (Postfix) with ESMTP id 2EE887",
    "From": "li.hua@example.org", "To": "wang.ming@example.gov.cn",
    "Subject": "Re: consultation", "In-Reply-To": "<a1@example.gov.cn>"}


def test_bottom_reply_under_a_chinese_quote_header_is_human() -> None:
    v = classify(mail(REPLY_HEADERS, HMAIL_BOTTOM_REPLY))
    assert v.kind is Kind.HUMAN_REPLY, v
    assert v.reply_text is not None and v.reply_text.startswith("新邮箱可以正常收信")


def test_quoted_failure_words_without_an_answer_are_unknown_with_reply_first() -> None:
    body = HMAIL_BOTTOM_REPLY.split("\n\n新邮箱")[0] + "\n"
    v = classify(mail(REPLY_HEADERS, body))
    assert v.kind is Kind.UNKNOWN
    assert v.candidates[:1] == ("human_reply",)

