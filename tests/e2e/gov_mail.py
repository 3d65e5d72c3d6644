"""People's mail in the simulated government world: the letters clerks, systems and
strangers write, built as bytes the way their mail clients would (tests/e2e/test_gov_world.py)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import make_msgid


def gov(name: str) -> str:
    """A unit's own domain (the world's Postfix serves it locally: nothing leaves the machine)."""
    return f"{name}.changde.gov.cn"


@dataclass(frozen=True)
class Expect:
    """What one returned message should come out as. ``probe``: the probed address it is
    credited to, or (with ``review``) the candidate staff are asked about; None: no probe."""

    case: str
    kind: str | tuple[str, ...]
    probe: str | tuple[str, ...] | None  # a tuple: any of these candidates will do
    review: str | None = None
    reason: str | None = None  # a bounce's or delay's reason, when it matters
    substantive: bool | None = None  # a human reply's substance, when it matters


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


def backscatter(ours: str, failed: str = "nosuch_9@sina.com", host: str = "mx.sina.com"
                ) -> bytes:
    """A DSN for spam that forged our address (by default sina.com's, for an unknown user
    there): not a probe of ours, even when ``failed`` is an address we probed."""
    forged = make_msgid(domain="bulk-sender.example")
    return (f"From: MAILER-DAEMON@{host} (Mail Delivery System)\nTo: {ours}\n"
            "Subject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\n"
            f"Message-ID: {make_msgid(domain=host)}\nMIME-Version: 1.0\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
            f"--B\nContent-Type: text/plain\n\nThis is the mail system at host {host}.\n\n"
            f"<{failed}>: host said: 550 5.1.1 User unknown\n\n"
            f"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; {host}\n\n"
            f"Final-Recipient: rfc822; {failed}\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
            f"--B\nContent-Type: text/rfc822-headers\n\nFrom: {ours}\nTo: {failed}\n"
            f"Subject: =?utf-8?b?5Luj5byA5Y+R56Wo?=\nMessage-ID: {forged}\n\n--B--\n"
            ).replace("\n", "\r\n").encode("ascii")


# ---------------------------------------------------------------- forms a blind world may hold
#
# | form                                                   | builder            | kind        |
# |--------------------------------------------------------|--------------------|-------------|
# | Outlook (Chinese UI) "-----原始邮件-----" + 发件人 block | outlook_original   | human_reply |
# | QQ Mail HTML only, "原始邮件" with &nbsp; and <br>      | qq_html            | human_reply |
# | 163 webmail HTML, "在 …，"张明"&lt;…&gt; 写道："          | netease_html       | human_reply |
# | Gmail (Chinese UI) "… 于2026年12月1日周二 … 写道："     | gmail_cn           | human_reply |
# | GBK body and subject labelled gb2312 (喆 镕 堃)         | gbk_as_gb2312      | human_reply |
# | read receipt (RFC 8098 MDN), "已读: <subject>"          | read_receipt       | unknown     |
# | the probe forwarded to us with nothing of its own      | forwarded_probe    | not credited|
# The rest (typed codes, prefixes, acknowledgements, case systems, Junk) are plain letters.


def original_block(probe: Sent, ours: str, to: str) -> str:
    """Outlook's Chinese quote header (Outlook 2016 and later, 中文 UI)."""
    return (f"\n\n-----原始邮件-----\n发件人: 张明 <{ours}>\n发送时间: 2026年12月1日 10:00\n"
            f"收件人: {to}\n主题: {probe.subject}\n\n{probe.body}")


def html_letter(sender: str, to: str, subject: str, html: str, **headers: str) -> bytes:
    """An HTML-only message (QQ and Coremail webmail send such letters from some clients)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"] = "Tue, 01 Dec 2026 10:20:00 +0800"
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(html, subtype="html")
    return bytes(msg)


def as_html(text: str) -> str:
    """Plain lines as webmail writes them: &nbsp; for blanks, <br> for line ends."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace(" ", "&nbsp;").replace("\n", "<br>")


def qq_html(sender: str, to: str, probe: Sent, answer: str) -> bytes:
    """QQ Mail's HTML reply: its 原始邮件 separator in a div, the quote after it."""
    html = (f"<div>{as_html(answer)}</div><div><br></div><div style=\"font-size: 12px;"
            "font-family: Arial Narrow;padding:2px 0 2px 0;\">------------------&nbsp;原始邮件"
            f"&nbsp;------------------</div><div style=\"font-size: 12px;background:#efefef;\">"
            f"<div><b>发件人:</b>&nbsp;\"张明\"&lt;{to}&gt;;</div><div><b>发送时间:</b>&nbsp;"
            "2026年12月1日(星期二) 上午10:00</div><div><b>主题:</b>&nbsp;"
            f"{probe.subject}</div></div><div><br></div>{as_html(probe.body)}")
    return html_letter(sender, to, f"回复：{probe.subject}", html,
                       X_Mailer="QQMail 2.x", X_QQ_MIME="TCMime 1.0 by Tencent")


def netease_html(sender: str, to: str, probe: Sent, answer: str, subject: str) -> bytes:
    """163 webmail (Coremail) HTML: the answer, then 在 … 写道： and a blockquote."""
    html = (f"<div style=\"line-height:1.7;font-size:14px\">{as_html(answer)}<br><br>"
            f"在 2026-12-01 10:00:05，\"张明\" &lt;{to}&gt; 写道：<br><blockquote "
            f"id=\"isReplyContent\" style=\"PADDING-LEFT: 1ex\">{as_html(probe.body)}"
            "</blockquote></div>")
    return html_letter(sender, to, subject, html,
                       X_Coremail_Locale="zh_CN", X_Mailer="Coremail Webmail Server Version "
                       "XT5.0.14 build 20230109(1c08bc22)")


def gmail_cn(probe: Sent, ours: str) -> str:
    """Gmail's Chinese attribution line above a ">" quote."""
    quote = "".join(f"> {line}\n" for line in probe.body.splitlines())
    return f"\n\n张明 <{ours}> 于2026年12月1日周二 10:00写道：\n\n{quote}"


def gbk_as_gb2312(sender: str, to: str, probe: Sent) -> bytes:
    """A reply whose body and subject are GBK but labelled gb2312 (names like 喆 and 镕
    are outside gb2312), 8-bit body, no thread headers."""
    subject = base64.b64encode(f"回复：{probe.subject}".encode("gbk")).decode()
    text = ("张先生：\n\n您好！窗口受理时间为工作日上午9:00-12:00，下午1:30-5:00，周末不办理。\n"
            "\n经办人：王喆 审核：刘镕堃\n" + quoted(probe, to))
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: =?gb2312?B?{subject}?=\r\n"
            "Date: Tue, 01 Dec 2026 11:02:11 +0800\r\n"
            f"Message-ID: {make_msgid(domain=sender.rpartition('@')[2])}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"gb2312\"\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode("ascii") + text.encode(
                "gbk").replace(b"\n", b"\r\n")


def read_receipt(sender: str, to: str, probe: Sent) -> bytes:
    """An Outlook read receipt (RFC 8098 message/disposition-notification)."""
    return (f"From: {sender}\nTo: {to}\nSubject: =?utf-8?b?"
            + base64.b64encode(f"已读: {probe.subject}".encode()).decode()
            + f"?=\nDate: Tue, 01 Dec 2026 10:31:00 +0800\nMessage-ID: "
            f"{make_msgid(domain=sender.rpartition('@')[2])}\nMIME-Version: 1.0\n"
            'Content-Type: multipart/report; report-type=disposition-notification; '
            'boundary="R"\n\n--R\nContent-Type: text/plain; charset="utf-8"\n'
            "Content-Transfer-Encoding: base64\n\n"
            + base64.encodebytes(f"您的邮件\n\n  收件人: {sender}\n  主题: {probe.subject}\n\n"
                                 "已于 2026/12/1 10:31 被阅读。\n".encode()).decode()
            + "\n--R\nContent-Type: message/disposition-notification\n\n"
            f"Reporting-UA: {sender.rpartition('@')[2]}; Microsoft Outlook 16.0\n"
            f"Final-Recipient: rfc822;{sender}\nOriginal-Message-ID: {probe.message_id}\n"
            "Disposition: manual-action/MDN-sent-manually; displayed\n\n--R--\n"
            ).replace("\n", "\r\n").encode("ascii")


def forwarded_probe(sender: str, ours: str, probe: Sent, unit: str) -> EmailMessage:
    """Our probe forwarded to us by someone who adds nothing (QQ Mail's 转发 form)."""
    return letter(sender, ours, f"转发：{probe.subject}",
                  "\n\n------------------ 原始邮件 ------------------\n"
                  f"发件人: \"张明\"<{ours}>\n发送时间: 2026年12月1日(星期二) 上午10:00\n"
                  f"收件人: \"{unit}\"<{unit}>\n主题: {probe.subject}\n\n{probe.body}")


def full_width(text: str) -> str:
    """ASCII as a Chinese input method's full-width mode types it (ＭＰ－…)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def foxmail_block(probe: Sent, ours: str, to: str) -> str:
    """Foxmail's Chinese quote header: full-width colons, no separator line."""
    return (f"\n\n\n{to}\n\n发件人： 张明\n发送时间： 2026-12-01 10:00\n收件人： {to}\n"
            f"主题： {probe.subject}\n{probe.body}")


def thunderbird_cn(probe: Sent) -> str:
    """Thunderbird's Chinese attribution line (date with 星期, comma, 写道：)."""
    quote = "".join(f"> {line}\n" for line in probe.body.splitlines())
    return f"\n\n在 2026年12月1日 星期二 10:00, 张明 写道：\n{quote}"
