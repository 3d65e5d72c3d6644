"""Issue 9's decisions: evidence with strengths, one "automatic", Chinese letters, delay reasons.

Messages are written here from the formats' documented shapes (unit fixtures, not evidence).
"""

from __future__ import annotations

import base64

import pytest

from mailprobe.classify import classify, verdict_to_json
from mailprobe.classify.reasons import advice_for
from mailprobe.model import Kind, Verdict


def mail(headers: dict[str, str], body: str, ctype: str = "text/plain") -> bytes:
    """A single-part UTF-8 message; header values are RFC 2047-encoded when not ASCII."""
    lines = []
    for name, value in headers.items():
        if not value.isascii():
            value = "=?utf-8?b?" + base64.b64encode(value.encode()).decode() + "?="
        lines.append(f"{name}: {value}")
    lines += ["MIME-Version: 1.0", f"Content-Type: {ctype}; charset=utf-8",
              "Content-Transfer-Encoding: base64", ""]
    return ("\n".join(lines) + "\n").encode() + base64.encodebytes(body.encode())


def only(verdict: Verdict) -> tuple[str, str | None, bool | None]:
    assert len(verdict.recipients) == 1, verdict
    r = verdict.recipients[0]
    return r.address, r.reason, r.hard


DAEMON = {"From": "postmaster@mail.example.gov.cn", "To": "probe@sender.example.org"}

# coremail.py's own docstring sample: the "原邮件信息" block used to cut the letter short.
COREMAIL_TEXT = ("抱歉，您的邮件被退回来了……\n原邮件信息：收件人 kijitora@example.gov.cn\n"
                 "退信原因：rejected by system.\n")
COREMAIL_HTML = (
    "<html><body><p>抱歉，您的邮件被退回来了……</p><table><tr><td>原邮件信息：</td></tr>"
    "<tr><td>主题：关于办事时间的咨询</td></tr><tr><td>收件人：zhangsan@example.gov.cn</td></tr>"
    "</table><p>退信原因：收件人邮箱空间已满</p></body></html>")


def test_coremail_docstring_sample_is_a_bounce_with_its_reason() -> None:
    v = classify(mail({**DAEMON, "Subject": "系统退信"}, COREMAIL_TEXT))
    assert v.kind is Kind.BOUNCE and v.detector == "coremail"
    assert only(v) == ("kijitora@example.gov.cn", "spamdetected", False)


def test_coremail_html_letter_without_a_dsn_reads_the_recipient_and_reason() -> None:
    v = classify(mail({**DAEMON, "Subject": "系统退信"}, COREMAIL_HTML, "text/html"))
    assert v.kind is Kind.BOUNCE
    assert only(v) == ("zhangsan@example.gov.cn", "mailboxfull", False)


def test_raw_utf8_subject_is_read() -> None:
    raw = ("From: postmaster@163.com\nTo: p@sender.example.org\nSubject: 系统退信\n"
           "Content-Type: text/plain; charset=utf-8\n\n" + COREMAIL_TEXT).encode()
    assert classify(raw).detector == "coremail"


@pytest.mark.parametrize(("words", "reason", "hard"), [
    ("收件人不存在 / The recipient does not exist", "userunknown", True),
    ("收件人邮箱空间已满", "mailboxfull", False),
    ("收信人信箱已满", "mailboxfull", False),
    ("收件人拒收", "rejected", False),
    ("对方服务器拒绝接收", "rejected", False),
    ("收件人账户已过期", "suspend", False),
])
def test_qq_letter_without_smtp_code_is_judged_by_its_words(
        words: str, reason: str, hard: bool) -> None:
    body = ("很抱歉您发送的邮件被退回，以下是该邮件的相关信息：\n"
            f"收件人：wangwu@example.gov.cn\n被退回的原因：{words}\n")
    v = classify(mail({"From": "MAILER-DAEMON@qq.com", "To": "p@sender.example.org",
                       "Subject": "退信通知"}, body))
    assert v.kind is Kind.BOUNCE
    assert only(v) == ("wangwu@example.gov.cn", reason, hard)


POSTFIX_DELAY = """This is the mail system at host mail.sender.example.org.

# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #

Your message could not be delivered for 0.5 hours.
It will be retried until it is 5.0 days old.

<a@example.gov.cn>: host mx.example.gov.cn[192.0.2.1] said: {reply} (in reply to RCPT TO command)
"""


@pytest.mark.parametrize(("reply", "reason"), [
    ("450 4.7.1 <a@example.gov.cn>: Recipient address rejected: Greylisted, please try again "
     "later", "greylisting"),
    ("451 4.7.1 Please try again later (greylisting)", "greylisting"),
    ("452 4.2.2 Mailbox full", "mailboxfull"),
])
def test_delay_notice_reasons(reply: str, reason: str) -> None:
    headers = {"From": "MAILER-DAEMON@mail.sender.example.org (Mail Delivery System)",
               "To": "p@sender.example.org", "Subject": "Delayed Mail (still being retried)"}
    v = classify(mail(headers, POSTFIX_DELAY.format(reply=reply)))
    assert v.kind is Kind.DELAY
    assert only(v) == ("a@example.gov.cn", reason, False)


def test_still_trying_without_a_cause_is_delayed() -> None:
    dsn = ("--b\nContent-Type: text/plain\n\nStill trying.\n\n--b\n"
           "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.example.org\n\n"
           "Final-Recipient: rfc822; a@example.gov.cn\nAction: delayed\nStatus: 4.0.0\n\n--b--\n")
    raw = ("From: MAILER-DAEMON@mx.sender.example.org\nTo: p@sender.example.org\n"
           "Subject: Delivery delayed\nMIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
           + dsn).encode()
    v = classify(raw)
    assert v.kind is Kind.DELAY
    assert only(v) == ("a@example.gov.cn", "delayed", False)


def test_retired_mailbox_auto_reply_is_a_suspend_bounce_whatever_marks_it_automatic() -> None:
    v = classify(mail({"From": "office@example.gov.cn", "To": "p@sender.example.org",
                       "Subject": "自动应答：关于办事时间的咨询", "Precedence": "auto_reply"},
                      "此邮箱已停用，请发送至 new@example.gov.cn。"))
    assert v.kind is Kind.BOUNCE and v.detector == "suspend"
    assert only(v) == ("office@example.gov.cn", "suspend", False)


def test_petition_system_answer_is_a_human_answer() -> None:
    body = ("尊敬的来信人：\n您的来信（信件编号：20261201-0042）已办理，现答复如下：\n"
            "经核实，居住证办理需携带身份证原件、租房合同及近期照片，到所在街道社区服务中心"
            "窗口提交，十个工作日内可领取。\n此邮件由系统自动发送，请勿直接回复。")
    v = classify(mail({"From": "noreply@xinfang.example.gov.cn", "To": "p@sender.example.org",
                       "Subject": "关于您的来信的答复", "Auto-Submitted": "auto-generated"}, body))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is True


def test_acknowledgement_that_promises_a_result_stays_automatic() -> None:
    body = ("您的来信已收到，我们将在5个工作日内答复，办理结果将以短信通知。"
            "此邮件由系统自动发送，请勿直接回复。")
    v = classify(mail({"From": "noreply@xinfang.example.gov.cn", "To": "p@sender.example.org",
                       "Subject": "来信受理通知"}, body))
    assert v.kind is Kind.AUTO_REPLY


def test_signature_image_alone_does_not_make_a_reply_substantive() -> None:
    raw = ("From: zhang.wei@example.gov.cn\nTo: p@sender.example.org\nSubject: Re: hello\n"
           "In-Reply-To: <mp.abc@sender.example.org>\nMIME-Version: 1.0\n"
           "Content-Type: multipart/related; boundary=b1\n\n--b1\n"
           "Content-Type: text/plain; charset=us-ascii\n\nNoted, thanks.\n\n--b1\n"
           "Content-Type: image/png; name=logo.png\n"
           "Content-Disposition: inline; filename=logo.png\n"
           "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b1--\n").encode("ascii")
    v = classify(raw)
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is False


def test_a_person_writing_failure_words_is_not_a_bounce() -> None:
    body = ("Hello,\n\nyour earlier message to info@example.gov.cn could not be delivered, "
            "the mailbox failed. Please write to me directly instead.\n\nRegards, Anna")
    v = classify(mail({"From": "anna.schmidt@example.de", "To": "p@sender.example.org",
                       "Subject": "Undelivered mail - please use this address"}, body))
    assert v.kind is Kind.HUMAN_REPLY


def test_failure_words_from_no_person_and_no_structure_is_unknown_with_candidates() -> None:
    body = "Delivery has failed to these recipients:\n\nbob@example.gov.cn\nuser unknown"
    v = classify(mail({"From": "alerts@monitor.example.net", "To": "p@sender.example.org",
                       "Subject": "Undeliverable: report", "List-Id": "<alerts.example.net>"},
                      body))
    assert v.kind is Kind.UNKNOWN and v.candidates == ("bounce",)
    assert verdict_to_json("x", v)["candidates"] == ["bounce"]


@pytest.mark.parametrize("subject", [
    "Automatische Antwort: Anfrage", "Abwesenheitsnotiz: Ihre Anfrage",
    "Réponse automatique : question", "Automatyczna odpowiedź: test"])
def test_localised_automatic_reply_subjects(subject: str) -> None:
    v = classify(mail({"From": "a.person@example.de", "To": "p@sender.example.org",
                       "Subject": subject}, "Ich bin nicht im Büro."))
    assert v.kind is Kind.AUTO_REPLY


def test_german_absence_wording_alone_is_automatic() -> None:
    body = ("Sehr geehrte Damen und Herren,\nich bin bis zum 12.01. nicht im Büro. "
            "Ihre Nachricht wird nicht weitergeleitet.")
    v = classify(mail({"From": "a.person@example.de", "To": "p@sender.example.org",
                       "Subject": "Ihre Anfrage"}, body))
    assert v.kind is Kind.AUTO_REPLY and v.subkind == "out_of_office"


def test_challenge_response_is_automatic() -> None:
    body = ("Your message is waiting for verification. To confirm that you are a real person, "
            "please click the link below.")
    v = classify(mail({"From": "bob@example.net", "To": "p@sender.example.org",
                       "Subject": "Please confirm your message"}, body))
    assert v.kind is Kind.AUTO_REPLY


def test_header_block_before_quoted_lines_keeps_the_answer_below() -> None:
    body = ("From: Joe <joe@example.org>\nDate: Sun, 14 Nov 2010 19:04:37 -0800\n\n"
            "> Please apply this.\n\nApplied.\n")
    v = classify(mail({"From": "dave@example.net", "To": "joe@example.org",
                       "Subject": "Re: patch", "References": "<x@example.org>"}, body))
    assert v.kind is Kind.HUMAN_REPLY and v.reply_text == "Applied."


@pytest.mark.parametrize(("reason", "words"), [
    ("mailboxfull", "清理邮箱"), ("userunknown", "更正公开地址"), ("suspend", "恢复邮箱"),
    ("blocked", "不计入单位"), ("greylisting", "无需处理"), (None, "人工查看")])
def test_advice_follows_the_reason(reason: str | None, words: str) -> None:
    assert words in advice_for(reason)


def test_failure_letter_from_an_unknown_system_sender_stays_a_bounce() -> None:
    body = ("------ Failed Recipients ------\n<userx@example.gov.cn>: Requested action not "
            "taken: mailbox unavailable. [SMTP Error Code 550]\n")
    v = classify(mail({"From": "E500_SMTP_Mail_Service@example.org", "To": "p@sender.example.org",
                       "Subject": "Returned Mail - Error During Delivery"}, body))
    assert v.kind is Kind.BOUNCE
    assert v.recipients[0].address == "userx@example.gov.cn"


def test_null_sender_notification_without_failure_words_is_not_a_bounce() -> None:
    body = 'Hi,\n\nthere is a new ticket in "Abuse"!\n\n"Ann" <ann@example.it> wrote:\n> [...]\n'
    raw = mail({"From": "Ticket Notification <otrs@example.si>", "To": "p@sender.example.org",
                "Return-Path": "<>", "Subject": "[tt1003797] New ticket notification!",
                "Received": "from x by mx.example.si (Postfix) with ESMTP id 1"}, body)
    assert classify(raw).kind is not Kind.BOUNCE


def test_multipart_without_its_boundary_lines_is_read_as_text() -> None:
    raw = (b"From: a.person@example.ca\nTo: p@sender.example.org\nSubject: Re: video\n"
           b"References: <x@example.org>\nMIME-Version: 1.0\n"
           b'Content-Type: multipart/alternative; boundary="----=_NextPart_000"\n\n'
           b"Hi,\n\nWednesday at ten works for us.\n")
    v = classify(raw)
    assert v.kind is Kind.HUMAN_REPLY and "Wednesday" in (v.reply_text or "")


@pytest.mark.parametrize(("words", "reason"), [
    ("550 5.1.1 Die Adresse existiert nicht", "userunknown"),
    ("550 5.1.1 El buzón no existe", "userunknown"),
    ("550 5.1.1 Unbekannter Empfänger", "userunknown"),
    ("550 L'adresse de messagerie référencée ci-dessus n'existe pas", "userunknown"),
    ("552 5.2.2 This person's account is exceeding their quota", "mailboxfull"),
])
def test_reasons_in_other_words(words: str, reason: str) -> None:
    body = (f"<a@example.de>: host mx.example.de[192.0.2.1] said: {words} "
            "(in reply to RCPT TO command)")
    headers = {"From": "MAILER-DAEMON@mail.sender.example.org (Mail Delivery System)",
               "To": "p@sender.example.org", "Subject": "Undelivered Mail Returned to Sender"}
    v = classify(mail(headers, "This is the mail system at host mail.sender.example.org.\n\n"
                      + body + "\n"))
    assert only(v)[1] == reason


def test_delay_notice_naming_a_network_cause_is_networkerror() -> None:
    headers = {"From": "MAILER-DAEMON@mx.sender.example.org (Mail Delivery System)",
               "To": "p@sender.example.org",
               "Subject": "Warning: message has not yet been delivered"}
    body = ("This is an automated message created by mail delivery software.\nYour message to:\n"
            "\ta@example.gov.cn\nhas not yet been delivered because the recipient server did "
            "not respond.\nWe will continue to attempt delivery of this message for 5 days.\n")
    v = classify(mail(headers, body))
    assert v.kind is Kind.DELAY
    assert only(v) == ("a@example.gov.cn", "networkerror", False)


@pytest.mark.parametrize("body", [
    "Thank you for your email. This is to confirm that we have received your enquiry. We aim to "
    "respond within 10 working days.",
    "Sehr geehrte Damen und Herren,\nvielen Dank für Ihre Nachricht. Wir werden Ihre Anfrage "
    "schnellstmöglich bearbeiten.\nMit freundlichen Grüßen",
])
def test_acknowledgements_of_receipt_are_automatic(body: str) -> None:
    v = classify(mail({"From": "enquiries@council.example.gov.uk", "To": "p@sender.example.org",
                       "Subject": "Your enquiry"}, body))
    assert v.kind is Kind.AUTO_REPLY and v.subkind == "acknowledgement"


def test_an_answer_that_thanks_first_is_human() -> None:
    body = ("Sehr geehrte Damen und Herren,\nvielen Dank für Ihre Anfrage. Zu Ihrer Frage teilen "
            "wir Ihnen mit, dass die Meldebescheinigung im Bürgeramt ausgestellt wird; wir "
            "werden Ihnen die Öffnungszeiten gern nennen.\nMit freundlichen Grüßen\nA. Weber")
    v = classify(mail({"From": "a.weber@stadt.example.de", "To": "p@sender.example.org",
                       "Subject": "AW: Anfrage Meldebescheinigung"}, body))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is True


def test_a_person_forwarding_a_bounce_wrote_a_message() -> None:
    inner = ("From: MAILER-DAEMON@mx.example.gov.cn (Mail Delivery System)\n"
             "Subject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\n"
             "This is the mail system at host mx.example.gov.cn.\n\n"
             "<old@example.gov.cn>: host mx2.example.gov.cn[192.0.2.2] said: 550 5.1.1 "
             "<old@example.gov.cn>: Recipient address rejected: User unknown (in reply to RCPT "
             "TO command)\n")
    raw = ("From: Wang Fang <wang.fang@example.gov.cn>\nTo: p@sender.example.org\n"
           "Subject: Fwd: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
           "The old mailbox was closed; please write to office@example.gov.cn from now on.\n\n"
           "--b\nContent-Type: message/rfc822\n\n" + inner + "\n--b--\n").encode()
    v = classify(raw)
    assert v.kind is Kind.HUMAN_REPLY


def test_an_unclaimed_message_keeps_what_it_looks_like_for_review() -> None:
    raw = (b"From: someone@example.net\nTo: p@sender.example.org\nSubject: Re: question\n"
           b"In-Reply-To: <x@sender.example.org>\nContent-Type: text/plain\n\n\n")
    v = classify(raw)
    assert v.kind is Kind.UNKNOWN and v.candidates == ("human_reply",)


def test_a_do_not_reply_footer_under_a_persons_answer_is_a_footer() -> None:
    body = ("您好：\n居住证需本人携带身份证原件和租房合同，到居住地社区服务中心窗口办理，"
            "工作日上午九点至下午五点，材料齐全的十个工作日内可以领取。\n请勿直接回复本邮件。\n"
            "\n------------------ 原始邮件 ------------------\n发件人: p@sender.example.org\n"
            "主题: 关于居住证办理的咨询\n请问居住证怎么办理？")
    v = classify(mail({"From": "service@example.gov.cn", "To": "p@sender.example.org",
                       "Subject": "回复：关于居住证办理的咨询"}, body))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is True


def test_a_do_not_reply_notice_alone_stays_automatic() -> None:
    v = classify(mail({"From": "service@example.gov.cn", "To": "p@sender.example.org",
                       "Subject": "回复：关于居住证办理的咨询"},
                      "您的来信已收到，我们将尽快处理。请勿直接回复本邮件。"))
    assert v.kind is Kind.AUTO_REPLY
