"""People's mail in the simulated government world: the letters clerks, systems and
strangers write, built as bytes the way their mail clients would (tests/e2e/test_gov_world.py)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import make_msgid


@dataclass(frozen=True)
class Sent:
    """A probe as the unit's mailbox received it."""

    message_id: str
    subject: str
    body: str
    code: str


def letter(sender: str, to: str, subject: str, text: str, *, in_reply_to: str | None = None,
           references: str | None = None, name: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 15:20:00 +0800"
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg.set_content(text)
    return msg


def quoted(probe: Sent, ours: str) -> str:
    """The probe below a Foxmail/QQ-style separator, as Chinese mail clients quote it."""
    return (f"\n\n------------------ 原始邮件 ------------------\n发件人: \"张明\"<{ours}>\n"
            f"发送时间: 2026年3月2日(星期一) 上午9:00\n主题: {probe.subject}\n\n{probe.body}")


ANSWER = ("您好！\n\n窗口受理时间为工作日上午8:30-12:00、下午2:30-5:30，中午有人值班，周末不办理。"
          "请携带本人身份证原件。\n\n市政务服务中心 李晓云\n")


def typed(code: str, how: str) -> str:
    """The code as a clerk types it: full-width hyphens, or lower case with a space."""
    if how == "fullwidth":
        return code.replace("-", "－")
    _, first, second = code.lower().split("-")
    return f"mp-{first[:3]} {first[3:]}-{second}"


def gb18030_reply(sender: str, to: str, probe: Sent) -> bytes:
    subject = Header(f"回复：{probe.subject}", "gb18030").encode()
    text = ("您好：\n\n工作日上午8:00-12:00，下午2:30-5:30受理，周六上午有人值班。\n"
            "\n市教育局办公室\n" + quoted(probe, to))
    body = base64.encodebytes(text.encode("gb18030"))
    return (f"From: =?GB18030?B?{base64.b64encode('教育局办公室'.encode('gb18030')).decode()}?= "
            f"<{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
            "Date: Mon, 02 Mar 2026 16:02:11 +0800\r\n"
            f"Message-ID: {make_msgid(domain=sender.rpartition('@')[2])}\r\n"
            f"In-Reply-To: {probe.message_id}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=\"GB18030\"\r\n"
            "Content-Transfer-Encoding: base64\r\nX-Mailer: Foxmail 7.2.25.228[cn]\r\n\r\n"
            ).encode("ascii") + body.replace(b"\n", b"\r\n")


def html_only(sender: str, to: str, probe: Sent) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = sender, to
    msg["Subject"] = f"Re: {probe.subject}"
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    msg["References"] = probe.message_id
    msg.set_content("<html><body><div>您好，</div><div>窗口工作日8:30至17:30受理，"
                    "中午不休息，周末可预约办理。</div><div>津市市政务服务中心</div>"
                    f"<blockquote><div>{probe.body}</div></blockquote></body></html>",
                    subtype="html")
    return bytes(msg)


def backscatter(ours: str) -> bytes:
    """A sina.com DSN for spam that forged our address: not a probe of ours."""
    forged = make_msgid(domain="bulk-sender.example")
    return (f"From: MAILER-DAEMON@mx.sina.com (Mail Delivery System)\nTo: {ours}\n"
            "Subject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\n"
            f"Message-ID: {make_msgid(domain='mx.sina.com')}\nMIME-Version: 1.0\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
            "--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.sina.com.\n\n"
            "<nosuch_9@sina.com>: host said: 550 5.1.1 User unknown\n\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sina.com\n\n"
            "Final-Recipient: rfc822; nosuch_9@sina.com\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
            f"--B\nContent-Type: text/rfc822-headers\n\nFrom: {ours}\nTo: nosuch_9@sina.com\n"
            f"Subject: =?utf-8?b?5Luj5byA5Y+R56Wo?=\nMessage-ID: {forged}\n\n--B--\n"
            ).replace("\n", "\r\n").encode("ascii")


# What the servers send by themselves (keyed by the address the message concerns).
