"""human.detect, quotes.split_reply and judge_substance: expected tables plus negatives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailprobe.classify import human, quotes, textparts
from mailprobe.classify.message import Mail, parse_message
from mailprobe.model import Kind, RefKind

REPLIES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "replies"
LABELS = json.loads((REPLIES / "labels.json").read_text(encoding="utf-8"))


def load(name: str) -> Mail:
    msg, error = parse_message((REPLIES / name).read_bytes())
    assert msg is not None, error
    return msg


def mail(text: str) -> Mail:
    msg, error = parse_message(text.encode("utf-8"))
    assert msg is not None, error
    return msg


CASES = [
    # fixture (human/…) substantive marker why
    ('01-qq-top-posted', True, 'In-Reply-To', 'answer text'),
    ('02-qq-bare-received', False, 'In-Reply-To', 'bare acknowledgement'),
    ('03-qq-received-thanks-html-only', False, 'Subject: 回复：', 'bare acknowledgement'),
    ('04-exmail-original-en', True, 'In-Reply-To', 'answer text'),
    ('05-foxmail-header-block', True, 'Subject: 答复:', 'answer text'),
    ('06-coremail-163-attribution', True, 'In-Reply-To', 'answer text'),
    ('07-coremail-html-blockquote', True, 'Subject: Re:', 'answer text'),
    ('08-outlook-zh-redirect-phone', False, 'In-Reply-To', 'redirection'),
    ('09-outlook-zh-header-only', False, 'In-Reply-To', 'redirection'),
    ('10-outlook-en-original', True, 'In-Reply-To', 'answer text'),
    ('11-owa-underscores', False, 'In-Reply-To', 'redirection'),
    ('12-gmail-zh', True, 'In-Reply-To', 'answer text'),
    ('13-gmail-en-wrapped', True, 'In-Reply-To', 'answer text'),
    ('14-thunderbird-bottom-posted', True, 'In-Reply-To', 'answer text'),
    ('15-apple-mail-iphone', True, 'In-Reply-To', 'answer text'),
    ('16-mail139-original', False, 'Subject: 回复:', 'redirection'),
    ('17-mail163-at-wrote', True, 'In-Reply-To', 'answer text'),
    ('18-hard-mentions-automatic', True, 'In-Reply-To', 'answer text'),
    ('19-hard-not-autoreply', True, 'In-Reply-To', 'answer text'),
    ('20-hard-out-of-office-en', True, 'In-Reply-To', 'answer text'),
    ('21-hard-receipt-then-answer', True, 'In-Reply-To', 'answer text'),
    ('22-hard-system-answer-letter', True, 'Subject: 答复：', 'answer text'),
    ('23-hard-re-subject-mentions-out-of-office', True, 'In-Reply-To', 'answer text'),
    ('24-hard-auto-reply-mistake', True, 'In-Reply-To', 'answer text'),
    ('25-fresh-message-with-code', True, 'probe code', 'answer text'),
    ('26-fresh-message-no-marker', True, 'body text', 'answer text'),
    ('27-redirect-to-other-dept', False, 'In-Reply-To', 'redirection'),
    ('28-redirect-window', False, 'In-Reply-To', 'redirection'),
    ('29-received-thanks-name', False, 'In-Reply-To', 'bare acknowledgement'),
    ('30-english-received-thanks', False, 'In-Reply-To', 'bare acknowledgement'),
    ('31-answer-in-attachment', True, 'In-Reply-To', 'attachment'),
    ('32-raw-gbk-8bit', True, 'Subject: 回复：', 'answer text'),
    ('33-qp-gbk-outlook', True, 'In-Reply-To', 'answer text'),
    ('34-in-reply-to-new-subject', True, 'In-Reply-To', 'answer text'),
    ('35-big5-human', True, 'In-Reply-To', 'answer text'),
    ('36-long-answer-with-phone-hint', True, 'In-Reply-To', 'answer text'),
    ('37-bottom-posted-english', True, 'In-Reply-To', 'answer text'),
    ('38-inline-answers', True, 'In-Reply-To', 'answer text'),
    ('39-forwarded-then-answered', True, 'Subject: 回复：', 'answer text'),
    ('40-short-yes-answer', True, 'In-Reply-To', 'answer text'),
    ('41-forwarded-to-colleague-ok', False, 'In-Reply-To', 'redirection'),
    ('42-english-thank-you-answer', True, 'In-Reply-To', 'answer text'),
    ('43-signature-heavy-answer', True, 'In-Reply-To', 'answer text'),
    ('44-deferral-will-reply', False, 'In-Reply-To', 'redirection'),
    ('45-hard-typed-acknowledgement-quoting', False, 'In-Reply-To', 'redirection'),
    ('46-hard-outlook-suppress-header-answer', True, 'In-Reply-To', 'answer text'),
    ('47-hard-system-words-in-answer', True, 'In-Reply-To', 'answer text'),
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "substantive", "marker", "why"), CASES)
def test_human_expected_table(fixture: str, substantive: bool, marker: str, why: str) -> None:
    name = f"human/{fixture}.eml"
    verdict = human.detect(load(name))
    assert verdict is not None
    assert (verdict.kind, verdict.detector, verdict.substantive) == (
        Kind.HUMAN_REPLY,
        "human",
        substantive,
    )
    assert verdict.evidence.startswith(f"{marker}; {why}"), verdict.evidence
    assert (verdict.reply_text or "").startswith(str(LABELS[name]["reply_text_start"]))


def test_table_covers_every_human_fixture() -> None:
    assert sorted(c[0] for c in CASES) == sorted(p.stem for p in (REPLIES / "human").glob("*.eml"))


@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPLIES / "auto").glob("*.eml")))
def test_autoreplies_are_not_human_replies(fixture: str) -> None:
    assert human.detect(load(f"auto/{fixture}")) is None


@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPLIES / "other").glob("*.eml")))
def test_newsletters_receipts_bounces_and_empty_replies_are_not_human(fixture: str) -> None:
    assert human.detect(load(f"other/{fixture}")) is None


@pytest.mark.parametrize("fixture", ["human/01-qq-top-posted.eml", "human/12-gmail-zh.eml"])
def test_reply_text_leaves_the_quoted_probe_out(fixture: str) -> None:
    verdict = human.detect(load(fixture))
    assert verdict is not None and verdict.reply_text is not None
    assert "MP-" not in verdict.reply_text and "王明" not in verdict.reply_text


def test_in_reply_to_gives_the_probe_token_as_ref() -> None:
    verdict = human.detect(load("human/01-qq-top-posted.eml"))
    assert verdict is not None
    assert any(r.kind is RefKind.IN_REPLY_TO and r.value == "0a1b2c3d4e" for r in verdict.refs)


def test_fresh_message_without_marker_is_a_human_reply_on_body_text() -> None:
    verdict = human.detect(mail("From: a@163.com\nSubject: 开放时间\n\n周末9点到20点开放。\n"))
    assert verdict is not None and verdict.evidence.startswith("body text")


@pytest.mark.parametrize(
    "headers", ["List-Unsubscribe: <mailto:u@x.cn>", "Precedence: bulk", "List-Id: <news.x.cn>"]
)
def test_bulk_mail_without_reply_marker_is_left_unknown(headers: str) -> None:
    assert human.detect(mail(f"From: a@x.cn\n{headers}\nSubject: 资讯\n\n本周要闻。\n")) is None


@pytest.mark.parametrize(("head", "body"), [
    ("From: virusupdates@x.cn\nReturn-Path: <root@x.cn>\nSubject: update report",
     "Downloaded version 4.28; the scanner was restarted."),
    ("From: bookings@hotel.example\nX-Mailer: Microsoft CDO for Windows 2000\n"
     "Subject: Your stay", "Thank you for booking with us."),
    ("From: shop@x.example\nSubject: Confirmation of your order", "We have your order 1234."),
    ("From: info@museum.example\nSubject: Welcome", "To complete your subscription, click below."),
    ("From: web@x.example\nX-Mailer: PHPMailer 6.5.0\nSubject: Notice", "Your account is ready."),
])
def test_machine_written_notice_without_reply_evidence_is_left_unknown(head: str,
                                                                       body: str) -> None:
    assert human.detect(mail(f"{head}\n\n{body}\n")) is None


@pytest.mark.parametrize("head", [
    "From: info@gov.example\nSubject: 开放时间",
    "From: office@gov.example\nSubject: Opening hours",
    "From: contact@gov.example\nX-Mailer: Foxmail 7.2\nSubject: 答复",
])
def test_public_mailboxes_writing_fresh_answers_stay_human(head: str) -> None:
    assert human.detect(mail(f"{head}\n\n周末9点到20点开放。\n")) is not None


def test_a_confirming_subject_under_a_reply_marker_is_still_a_reply() -> None:
    msg = mail("From: a@gov.example\nIn-Reply-To: <x@y>\nSubject: Re: confirmation\n\n可以。\n")
    assert human.detect(msg) is not None


def test_sender_without_address_is_not_a_person() -> None:
    assert human.detect(mail("From: <>\nSubject: Re: 咨询\n\n可以办理。\n")) is None


QUOTE_CASES = [
    # text new text marker starts
    ("可以。\n\n------------------ 原始邮件 ------------------\n发件人: x\n问", "可以。", "----"),
    ("可以。\n\n------------------ Original ------------------\nFrom: x\n问", "可以。", "----"),
    ("可以。\n-----Original Message-----\nFrom: x\nSent: y\n问", "可以。", "-----Original"),
    ("可以。\n-----邮件原件-----\n发件人: x\n问", "可以。", "-----邮件原件"),
    ("可以。\n----邮件原文----\n发件人：x\n问", "可以。", "----邮件原文"),
    ("可以。\n\n发件人: 王明 <w@x.cn>\n发送时间: 2025年3月1日\n主题: 问\n\n问", "可以。", "发件人"),
    ("可以。\n\n发件人： 王明\n发送时间： 2025-03-01\n收件人： z\n问", "可以。", "发件人"),
    # NetEase HMail's labels; its quote header opens the text and the answer is below the quote
    ("发件人：王明 <w@x.cn>\n发送日期：2025-03-01\n抄送人：z@x.cn\n主题：问\n> 问\n\n可以。",
     "可以。", "发件人"),
    ("Yes.\n________________________________\nFrom: W\nSent: Sat\nTo: z\n\nQ", "Yes.", "From:"),
    ("Yes.\n\nFrom: W <w@x.cn>\nSent: Saturday\nTo: z\nSubject: q\n\nQ", "Yes.", "From"),
    ("可以。\n\n在 2025-03-01 10:12:33，\"王明\" <w@x.cn> 写道：\n问", "可以。", "在 2025"),
    ("可以。\n\n王明 <w@x.cn> 于2025年3月1日周六 10:12写道：\n\n> 问", "可以。", "王明"),
    ("Yes.\n\nOn Sat, Mar 1, 2025 at 10 AM W <\nw@x.cn> wrote:\n\n> Q", "Yes.", "w@x.cn> wrote:"),
    ("在 2025/3/1 10:12, 王明 写道:\n> 问\n\n可以。", "可以。", "在 2025/3/1"),
    ("> 问一\n\n答一\n\n> 问二\n\n答二", "答一\n\n答二", ">"),
    ("可以。\n\n发自我的iPhone\n\n> 2025年3月1日 10:12，王明 <w@x.cn> 写道：\n> 问", "可以。", ">"),
    ("From: the office, yes.\nThanks", "From: the office, yes.\nThanks", ""),
    ("孔子写道：学而时习之。", "孔子写道：学而时习之。", ""),
    # an answer between the attribution and the quote it introduces (mutt, Gmail)
    ("On Wed, Apr 29, 2020 at 11:46 PM, W wrote:\n\nI'll resend it with v3.\n\n> Q\n> Q2",
     "I'll resend it with v3.", "On Wed"),
    # an unquoted original after the attribution is not the person's text
    ("Yes.\n\nOn Sat, Mar 1, 2025, W wrote:\n" + "Q\n" * 8 + "> older", "Yes.", "On Sat"),
    # Zimbra quotes with ">" under its separator; the answer may follow the quote
    ("----- Original Message -----\n> Hi,\n> few fixes\n\nLooks good to me.",
     "Looks good to me.", "----- Original"),
    # a sentence ending in "wrote:" is the person's own, not an attribution
    ("Well, in v4 I wrote:\nreturn true;\nThat resolves it.",
     "Well, in v4 I wrote:\nreturn true;\nThat resolves it.", ""),
    # Outlook's separator and headers over a ">" quote that open the text: the answer is below
    ("-----Original Message-----\nFrom: W <w@x.cn>\nSent: Sat\nTo: z\nSubject: q\n\n> Q\n\n"
     "Yes, online.", "Yes, online.", "-----Original"),
    # under a top answer the original below the separator may be a bottom reply: all quoted
    ("Thanks.\n\n-----Original Message-----\nFrom: W <w@x.cn>\nSent: Sat\nTo: z\n"
     "Subject: q\n\n> Q\n\nTheir answer.", "Thanks.", "-----Original"),
    # "X writes:" opening the text, a long answer, then the quote
    ("W <w@x.cn> writes:\n\n" + "my answer line\n" * 8 + "\n> Q",
     "my answer line\n" * 7 + "my answer line", "W <w@x.cn> writes:"),
    # Outlook for Mac: the original indented under the attribution, the answer below it or above
    ("On 3/1/25, 10:12 AM, \"W\" <w@x.cn> wrote:\n\n    Q one\n    Q two\n\nYes, online.",
     "Yes, online.", "On 3/1/25"),
    ("Yes.\n\n\ufeffOn 2.7.2020, 0.41, \"W\" <w@x.cn> wrote:\n\n    Hi,\n\n    \"Z\" <z@x> writes:"
     "\n\n    > old\n\n    Their text.\n", "Yes.", "\ufeffOn 2.7.2020"),
    ("", "", ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "new", "marker"), QUOTE_CASES)
def test_split_reply_table(text: str, new: str, marker: str) -> None:
    split = quotes.split_reply(text)
    assert split.new == new
    assert split.marker.startswith(marker) and bool(split.marker) is bool(marker)


SUBSTANCE_CASES = [
    # new text substantive why starts
    ("已收到", False, "bare acknowledgement"),
    ("收到，谢谢！\n王军", False, "bare acknowledgement"),
    ("您好！来信已收到，谢谢。", False, "bare acknowledgement"),
    ("Received, thanks.", False, "bare acknowledgement"),
    ("请电话咨询 0571-12333。", False, "redirection: 请电话咨询"),
    ("您好，您的问题已转市场监管局处理。", False, "redirection: 已转市场监管局处理"),
    ("请到窗口办理。", False, "redirection: 请到窗口办理"),
    ("Your enquiry has been forwarded to Housing.", False, "redirection: has been forwarded"),
    ("您好\n\n此致\n敬礼", False, "no text beyond"),
    ("可以网上办理。", True, "answer text"),
    ("需要身份证和租房合同，请到派出所窗口办理。", True, "answer text"),
    ("每年可提取一次，需提供租赁合同和身份证。如有疑问请电话咨询12329。", True, "answer text"),
    ("The library is open 9-20 on weekends; the card is free.", True, "answer text"),
    # an answer line that ends in a place is not a unit's signature line
    ("可以在网上办", True, "answer text"),
    ("您好\n可以到户籍所在地派出所\n张三", True, "answer text"),
    ("请到二楼302室", True, "answer text"),
    ("地址：市民中心3楼办", True, "answer text"),
    ("您好：\n市民中心二楼社保科", True, "answer text"),
    # a signature block below an acknowledgement is still a signature
    ("收到，谢谢！\n王军\n市民政局社会救助科\n电话：0571-88886666\n2025年3月1日", False,
     "bare acknowledgement"),
    ("已收到。\n行政许可科\n应急管理局办公室", False, "bare acknowledgement"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "substantive", "why"), SUBSTANCE_CASES)
def test_judge_substance_table(text: str, substantive: bool, why: str) -> None:
    got, reason = human.judge_substance(text)
    assert (got, reason.startswith(why)) == (substantive, True), reason


def test_an_attachment_is_an_answer() -> None:
    assert human.judge_substance("详见附件", has_attachment=True) == (True, "attachment")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=2000))
def test_quotes_and_substance_never_raise_on_garbage(text: str) -> None:
    split = quotes.split_reply(text)
    assert isinstance(split.new, str)
    human.judge_substance(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_human_detect_never_raises_on_garbage_bytes(raw: bytes) -> None:
    msg, _ = parse_message(b"From: a@b.cn\nSubject: Re: x\n" + raw)
    if msg is not None:
        human.detect(msg)


def test_outlook_read_receipt_is_not_a_human_reply() -> None:
    msg = mail("From: w@x.gov.cn\nSubject: Read: 关于居住证的咨询\n\nYour message was read.\n")
    assert human.detect(msg) is None


def test_a_reply_about_reading_is_still_a_reply() -> None:
    msg = mail("From: w@x.gov.cn\nSubject: Re: Reading room hours\n\nOpen 9 to 5.\n")
    assert human.detect(msg) is not None


def test_html_letter_before_a_plain_list_footer_is_read_as_the_letter() -> None:
    raw = ("From: a@gov.example\nSubject: Opening hours\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n"
           "<p>The office opens at nine on weekdays.</p>\n--b\nContent-Type: text/plain\n"
           "Content-Disposition: inline\n\n___\nExample mailing list\n--b--\n")
    assert textparts.body_text(mail(raw)).startswith("The office opens at nine")


def test_plain_version_of_an_alternative_is_read_first() -> None:
    raw = ("From: a@gov.example\nSubject: x\nMIME-Version: 1.0\n"
           "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n"
           "<p>html version</p>\n--b\nContent-Type: text/plain\n\nplain version\n--b--\n")
    assert textparts.body_text(mail(raw)).strip() == "plain version"
