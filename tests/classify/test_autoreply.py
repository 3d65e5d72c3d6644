"""autoreply.detect: expected table over tests/fixtures/replies/auto, plus "not mine" negatives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailprobe.classify import autoreply
from mailprobe.classify.message import Mail, parse_message
from mailprobe.model import Kind

from .conftest import find_corpus

ROOT = Path(__file__).resolve().parents[2]
REPLIES = ROOT / "tests" / "fixtures" / "replies"
CORPUS = find_corpus() / "maildir"


def load(name: str) -> Mail:
    msg, error = parse_message((REPLIES / name).read_bytes())
    assert msg is not None, error
    return msg


def mail(text: str) -> Mail:
    msg, error = parse_message(text.encode("utf-8"))
    assert msg is not None, error
    return msg


CASES = [
    # fixture subkind evidence starts with
    ("auto/01-qq-vacation.eml", "out_of_office", "X-QQ-AUTO-REPLY: true"),
    ("auto/02-qq-gov-ack.eml", "acknowledgement", "X-QQ-AUTO-REPLY: true"),
    ("auto/03-qq-subject-only.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/04-qq-envelope-tag.eml", "out_of_office", "Return-Path: +auto_"),
    ("auto/05-exmail-ack.eml", "acknowledgement", "X-QQ-AUTO-REPLY"),
    ("auto/06-exmail-english-ui.eml", "out_of_office", "X-QQ-AUTO-REPLY"),
    ("auto/07-coremail-163-vacation.eml", "out_of_office", "Auto-Submitted: auto-replied"),
    ("auto/08-coremail-gov-bracket.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/09-coremail-126-html.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/10-exchange-zh-oof.eml", "out_of_office", "Auto-Submitted: auto-generated"),
    ("auto/11-exchange-en-oof.eml", "out_of_office", "Auto-Submitted: auto-generated"),
    ("auto/12-exchange-ack-no-submitted.eml", "acknowledgement", "Subject: 自动答复"),
    ("auto/13-exchange-2010-subject.eml", "out_of_office", "Subject: 自动答复"),
    ("auto/14-outlook-oof-autoreply-old.eml", "out_of_office", "Subject: Out of Office"),
    ("auto/15-gmail-vacation-re.eml", "out_of_office", "Auto-Submitted: auto-replied"),
    ("auto/16-gmail-vacation-zh.eml", "out_of_office", "Auto-Submitted: auto-replied"),
    ("auto/17-apple-icloud.eml", "out_of_office", "X-Apple-Action: VACATION"),
    ("auto/18-dovecot-sieve.eml", "out_of_office", "Auto-Submitted: auto-replied"),
    ("auto/19-dovecot-sieve-en.eml", "out_of_office", "Auto-Submitted: auto-replied"),
    ("auto/20-mail139.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/21-mail139-re-subject.eml", "acknowledgement", "来自139邮箱的自动回复"),
    ("auto/22-gov-system-acceptance.eml", "acknowledgement", "来信已收到 … 受理编号"),
    ("auto/23-gov-system-re-donotreply.eml", "acknowledgement", "系统自动回复"),
    ("auto/24-gov-precedence.eml", "acknowledgement", "Precedence: auto_reply"),
    ("auto/25-gov-x-autoreply.eml", "acknowledgement", "X-Autoreply: yes"),
    ("auto/26-gov-x-autorespond.eml", "acknowledgement", "X-Autorespond"),
    ("auto/27-trad-big5.eml", "out_of_office", "Subject: 自動回覆"),
    ("auto/28-english-out-of-office-subject.eml", "out_of_office", "Subject: Out of Office"),
    ("auto/29-lotus-notes.eml", "out_of_office", "Subject: AUTO"),
    ("auto/30-zimbra-autoreply.eml", "acknowledgement", "Auto-Submitted: auto-replied"),
    ("auto/31-aliyun-mail.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/32-mail263.eml", "out_of_office", "Subject: 自动回复"),
    ("auto/33-raw-gbk-subject.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/34-gb2312-label-gbk-name.eml", "out_of_office", "Subject: 自动回复"),
    ("auto/35-html-only-system.eml", "acknowledgement", "系统自动发出"),
    ("auto/36-exchange-transport-rule-re.eml", "acknowledgement", "Auto-Submitted: auto-generated"),
    ("auto/37-helpdesk-ticket.eml", "acknowledgement", "Auto-Submitted: auto-generated"),
    ("auto/38-english-ack-body-only.eml", "acknowledgement", "This is an automatic"),
    ("auto/39-sina-mail.eml", "out_of_office", "Subject: 自动回复"),
    ("auto/40-sohu-mail.eml", "acknowledgement", "Subject: 自动回复"),
    ("auto/41-sieve-utf8-qp.eml", "acknowledgement", "Auto-Submitted: auto-replied"),
    ("auto/42-gov-html-multipart.eml", "acknowledgement", "系统自动发送"),
    ("auto/43-outlook-com-oof.eml", "out_of_office", "Auto-Submitted: auto-generated"),
    ("auto/44-qq-en-out-of-office-bracket.eml", "out_of_office", "Subject: Out of Office"),
    ("auto/45-ack-negation-inside.eml", "acknowledgement", "本邮件为自动回复"),
    ("auto/46-trad-utf8-ack.eml", "acknowledgement", "Subject: 自動回覆"),
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "subkind", "evidence"), CASES)
def test_autoreply_expected_table(fixture: str, subkind: str, evidence: str) -> None:
    verdict = autoreply.detect(load(fixture))
    assert verdict is not None
    assert (verdict.kind, verdict.detector) == (Kind.AUTO_REPLY, "autoreply")
    assert verdict.subkind == subkind
    assert verdict.evidence.startswith(evidence), verdict.evidence


def test_table_covers_every_auto_fixture() -> None:
    assert sorted(c[0] for c in CASES) == sorted(
        f"auto/{p.name}" for p in (REPLIES / "auto").glob("*.eml")
    )


@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPLIES / "human").glob("*.eml")))
def test_human_replies_are_not_autoreplies(fixture: str) -> None:
    assert autoreply.detect(load(f"human/{fixture}")) is None


@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPLIES / "other").glob("*.eml")))
def test_other_messages_are_not_autoreplies(fixture: str) -> None:
    assert autoreply.detect(load(f"other/{fixture}")) is None


def test_qq_autoreply_keeps_the_probe_code_as_a_ref() -> None:
    verdict = autoreply.detect(load("auto/01-qq-vacation.eml"))
    assert verdict is not None and "0a1b2c3d4e" in verdict.probe_refs


def test_autoreply_sets_sender_and_decoded_subject() -> None:
    verdict = autoreply.detect(load("auto/33-raw-gbk-subject.eml"))
    assert verdict is not None
    assert verdict.sender == "shequ@jd.example.gov.cn"
    assert verdict.subject.startswith("自动回复: 关于居住证办理材料的咨询")


HEADER_CASES = [
    # headers is auto
    ("Auto-Submitted: no", False),
    ("Auto-Submitted: auto-replied", True),
    ("Auto-Submitted: auto-notified", True),
    ("X-Autoreply: yes", True),
    ("X-Autoreply: no", False),
    ("X-QQ-AUTO-REPLY: true", True),
    ("Precedence: auto_reply", True),
    ("Precedence: bulk", False),
    ("Return-Path: <123+auto_reply@qq.com>", True),
    ("Sender: 123+auto_reply@qq.com", True),
    ("Return-Path: <>", False),
    ("Subject: Re: 关于自动续签居住证的咨询", False),
    ("Subject: Re: Out of office hours access", False),
    ("Subject: Auto-insurance question", False),
    ("Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSNOiDlkqjor6I=?=", True), # 自动回复: 咨询
    ("Subject: 咨询（自动回复）", True),
    ("Subject: Automatic reply: 咨询", True),
    # Exchange: X-Auto-Response-Suppress alone is on people's mail too; with the inbox-rule
    # loop header it is an out-of-office answer
    ("X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply", False),
    ("X-Auto-Response-Suppress: All", False),
    ("X-MS-Exchange-Inbox-Rules-Loop: a@example.gov.cn", False),
    ("X-Auto-Response-Suppress: All\nX-MS-Exchange-Inbox-Rules-Loop: a@example.gov.cn", True),
    # the prefixes mail clients and servers localise ("Automatic reply:" and its translations)
    ("Subject: Automatische Antwort: Anfrage", True),
    ("Subject: =?utf-8?Q?R=C3=A9ponse_automatique_:_demande?=", True),
    ("Subject: =?utf-8?Q?Respuesta_autom=C3=A1tica:_consulta?=", True),
    ("Subject: Risposta automatica: richiesta", True),
    ("Subject: Automatisch antwoord: vraag", True),
    ("Subject: Autosvar: fråga", True),
    ("Subject: =?utf-8?B?6Ieq5YuV5Zue6KaGOiDoq67oqaI=?=", True),  # 自動回覆: 諮詢
    ("Subject: =?utf-8?B?6Ieq5YuV5b+c562UOiDllY/jgYTlkIjjgo/jgZs=?=", True),  # 自動応答: 問い合わせ
    ("Subject: Auto: question about permits", True),  # Sieve vacation's default prefix
    ("Subject: Automobile question", False),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "is_auto"), HEADER_CASES)
def test_autoreply_signal_table(headers: str, is_auto: bool) -> None:
    msg = mail(f"From: someone@example.gov.cn\n{headers}\n\n您好，关于您的问题，可以网上办理。\n")
    assert (autoreply.detect(msg) is not None) is is_auto


@pytest.mark.parametrize(
    "sender", ["MAILER-DAEMON@mx.example.cn", "postmaster@example.gov.cn", "MAILER-DAEMON <>"]
)
def test_bounce_senders_are_ruled_out_even_with_auto_submitted(sender: str) -> None:
    msg = mail(f"From: {sender}\nAuto-Submitted: auto-replied\nSubject: 自动回复: x\n\nbody\n")
    assert autoreply.detect(msg) is None


def test_apple_mail_unsubscribe_is_not_an_autoreply() -> None:
    msg = mail("From: a@icloud.com\nAuto-Submitted: auto-replied\nX-Apple-Unsubscribe: true\n\nx\n")
    assert autoreply.detect(msg) is None


def test_multipart_report_is_ruled_out() -> None:
    msg = mail(
        "From: a@example.cn\nAuto-Submitted: auto-replied\nContent-Type: multipart/report; "
        'report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\nx\n--b--\n'
    )
    assert autoreply.detect(msg) is None


BODY_CASES = [
    # new text evidence or None
    ("此为系统自动回复，请勿直接回复本邮件。", "系统自动回复"),
    ("您的来信已收到，我们将在3个工作日内回复。", "来信已收到 … 3个工作日内"),
    ("您的来信已收到，受理编号：A-1。", "来信已收到 … 受理编号"),
    ("您的来信已收到。经核实，可以网上办理，3个工作日内办结。", None),
    ("您好，这不是自动回复。可以网上办理。", None),
    ("居住证可以自动续签。", None),
    ("I was out of office last week; yes, you can apply online.", None),
    ("I am currently out of the office until 10 March.", "I am currently out of the office"),
    ("This is an automated message, please do not reply.", "This is an automated"),
    ("This is not an automated reply: the answer is yes.", None),
    ("提交后由系统自动审核，本平台会自动发送提醒短信。", None),
    ("此邮件为自动发送，请知悉。", "此邮件为自动发送"),
    ("这是一条自动回复。", "这是一条自动回复"),
    # English out-of-office template lines
    ("I will respond to your message when I return.", "will respond to your message when I return"),
    ("If your matter is urgent, please contact Ms Lee.",
     "If your matter is urgent, please contact"),
    ("For urgent matters, please contact the front desk.", "For urgent matters, please contact"),
    ("I'll be back on 5 June.", "I'll be back on"),
    ("Please contact the front desk for opening hours.", None),
    # German absence-note template lines
    ("Vielen Dank für Ihre E-Mail, ich bin leider nicht im Büro.", "ich bin leider nicht im Büro"),
    ("Ich werde am 5. Januar wieder im Büro sein.", "am 5. Januar wieder im Büro"),
    ("In dringenden Fällen wenden Sie sich bitte an Frau Weber.",
     "In dringenden Fällen wenden Sie sich bitte an"),
    ("Ihre E-Mail wird nicht weitergeleitet.", "Ihre E-Mail wird nicht weitergeleitet"),
    ("Der Antrag ist am Montag wieder im Umlauf.", None),
    # Chinese absence notes: the note alone is automatic; an answer that mentions leave is not
    ("您好，我正在休假，邮件将延迟回复。如有急事请拨打0571-88886666。\n张三", "我正在休假"),
    ("您好！我于3月1日至3月8日休假期间不便查看邮件，回来后回复您。", "我于3月1日至3月8日休假"),
    ("我目前出差，返回后处理您的邮件。谢谢！", "我目前出差"),
    ("您好，我不在办公室，将于3月9日返回。紧急事务请联系李四（li.si@example.gov.cn）。",
     "我不在办公室"),
    ("出差期间邮件将延迟回复，给您带来不便，敬请谅解。", "出差期间"),
    ("您好，休假期间的工资按出勤计算，需提供请假单和单位证明。", None),
    ("我正在休假，简单回答：居住证需本人携带身份证原件到社区服务中心办理。", None),
    ("这不是我在出差，是系统维护，明天恢复办理。", None),
    ("您好，本信箱管理员休假中，3月10日起恢复处理。", "休假中"),
    ("您好，本人正在休假，將於3月10日回覆。", "本人正在休假"),
    ("王喆休假中（3月3日至3月7日），请联系同事王堃。", "休假中"),
    ("出差中的差旅费报销需要发票原件和审批单，到财务科办理。", None),
    ("我在出差，紧急情况下居住证可以先网上预约，材料是身份证和租房合同，到社区服务中心窗口办理。",
     None),
]  # fmt: skip


def test_typed_acknowledgement_that_quotes_the_probe_is_not_automatic() -> None:
    text = "来信已收到，我们会尽快回复。"
    assert autoreply.body_evidence(text) is not None
    assert autoreply.body_evidence(text, is_quoting=True) is None


def test_absence_typed_above_a_quote_is_not_automatic() -> None:
    text = "I'm on vacation, sorry for the late reply. It looks good to me."
    assert autoreply.body_evidence(text) is not None  # alone, it is an absence note
    assert autoreply.body_evidence(text, is_quoting=True) is None


def test_system_wording_above_a_quote_stays_automatic() -> None:
    found = autoreply.body_evidence("This is an automated message.", is_quoting=True)
    assert found is not None and found.text == "This is an automated"


def test_person_on_vacation_answering_with_a_quote_is_not_an_autoreply() -> None:
    msg = mail("From: gx@kernel.example\nSubject: Re: errno in lib/tar.c\n"
               "In-Reply-To: <a@b>\n\nHi Erik,\n\nI'm on vacation, sorry for late reply. "
               "It looks good to me.\n\nOn Mon, Oct 02, 2023 at 07:36PM, Erik wrote:\n"
               "> Does this patch make sense?\n")
    assert autoreply.detect(msg) is None


@pytest.mark.parametrize(("text", "evidence"), BODY_CASES)
def test_body_evidence_table(text: str, evidence: str | None) -> None:
    found = autoreply.body_evidence(text)
    assert (found.text if found else None) == evidence


CORPUS_AUTO = [
    "bsd/rfc3834-01.eml",
    "bsd/rfc3834-03.eml",
    "bsd/rfc3834-05.eml",
    "dos/rfc3834-01.eml",
]


@pytest.mark.parametrize("name", CORPUS_AUTO)
def test_shared_corpus_vacation_messages_are_autoreplies(name: str) -> None:
    msg, _ = parse_message((CORPUS / name).read_bytes())
    assert msg is not None
    verdict = autoreply.detect(msg)
    assert verdict is not None and verdict.kind is Kind.AUTO_REPLY


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_autoreply_never_raises_on_garbage_bytes(raw: bytes) -> None:
    msg, _ = parse_message(raw)
    if msg is not None:
        autoreply.detect(msg)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=1000))
def test_autoreply_never_raises_on_garbage_text(subject: str, body: str) -> None:
    raw = (
        b"From: a@b.cn\nSubject: "
        + subject.encode("utf-8", "surrogatepass").replace(b"\n", b" ")
        + b"\nContent-Type: text/plain; charset=gbk\n\n"
        + body.encode("utf-8", "surrogatepass")
    )
    msg, _ = parse_message(raw)
    if msg is not None:
        autoreply.detect(msg)
    autoreply.body_evidence(body)


ZENDESK_DELIMITER = "##- Please type your reply above this line -##\n\n"
AGENT_COMMENT = ("Hello Nick,\n\nYour project qualifies: we added 25k credits to your account, "
                 "so the builds can run again. Write back when they run low.\n")
RELAY_CASES = [
    # text, relays a person's comment
    (ZENDESK_DELIMITER + "You are registered as a CC on this request (23735).\n\n"
     "Erika Kuntar, Dec 15, 2020, 11:05 PST\n\n" + AGENT_COMMENT, True),
    ("Hello!\n\nRohit Keshri updated your request with the following comments:\n\n"
     + AGENT_COMMENT, True),
    # Zendesk's receipt relays the requester's own text the same way
    (ZENDESK_DELIMITER + "Your request (23735) has been received and is being reviewed by our "
     "support staff.\n\nNick Desaulniers, Dec 15, 2020, 11:05 PST\n\n" + AGENT_COMMENT, False),
    ("Erika Kuntar, Dec 15, 2020, 11:05 PST\n\n" + AGENT_COMMENT, False),  # no delimiter
    ("Rohit Keshri updated your request with the following comments:\n\nThanks!\n", False),
    ("Abhishek Raj updated your request with the following comments:\n\nHi,\nI'm writing to "
     "acknowledge receipt of your request. An analyst will report back as soon as possible.\n",
     False),  # an agent's canned receipt
]  # fmt: skip


@pytest.mark.parametrize(("text", "relays"), RELAY_CASES)
def test_relayed_comment_table(text: str, relays: bool) -> None:
    assert autoreply.relayed_comment(text) is relays


def test_help_desk_relaying_an_agents_answer_is_not_automatic() -> None:
    msg = mail("From: Support <support@example.zendesk.com>\nAuto-Submitted: auto-generated\n"
               "X-Auto-Response-Suppress: All\nIn-Reply-To: <probe@example.org>\n"
               f"Subject: Request for credits\n\n{RELAY_CASES[0][0]}")
    assert autoreply.detect(msg) is None


def test_help_desk_receipt_stays_automatic() -> None:
    msg = mail("From: Support <support@example.zendesk.com>\nAuto-Submitted: auto-generated\n"
               "In-Reply-To: <probe@example.org>\n"
               f"Subject: Request received\n\n{RELAY_CASES[2][0]}")
    verdict = autoreply.detect(msg)
    assert verdict is not None and verdict.evidence == "Auto-Submitted: auto-generated"


CHALLENGE_CASES = [
    # headers and text, evidence starts with
    ("X-Boxtrapper: 1\nSubject: Re: x\n\nPlease reply to deliver your mail.", "X-Boxtrapper"),
    ("X-Spamarrest-noauth: 1\nSubject: x\n\nPlease confirm.", "X-Spamarrest-noauth"),
    ("Message-ID: <123.456@mail.example-tmda-confirm>\nSubject: x\n\nReply to confirm.",
     "Message-ID (TMDA confirmation)"),
    ("Subject: Your email requires verification verify:ab12\n\nReply to this message.",
     "Subject: Your email requires verification"),
    ("Subject: Re: x\n\nThe message you sent requires that you verify that you are a real live "
     "human being and not a spam source.", "verify that you are a real live human"),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "evidence"), CHALLENGE_CASES)
def test_challenge_response_markers_give_the_challenge_subkind(headers: str, evidence: str) -> None:
    verdict = autoreply.detect(mail(f"From: guard@example.org\n{headers}\n"))
    assert verdict is not None and verdict.subkind == "challenge"
    assert verdict.evidence.startswith(evidence), verdict.evidence


@pytest.mark.parametrize("subject", ["Automatically Generated Response from the office",
                                     "Automated response", "Auto-Respond E-Mail from x"])
def test_responders_own_subjects_are_automatic(subject: str) -> None:
    verdict = autoreply.detect(mail(f"From: a@example.org\nSubject: {subject}\n\nHello.\n"))
    assert verdict is not None and verdict.evidence.startswith("Subject:")


def test_chinese_absence_note_under_re_without_automatic_headers_is_out_of_office() -> None:
    msg = mail("From: zhang.san@example.gov.cn\nSubject: Re: 咨询\nIn-Reply-To: <a@b>\n"
               "Content-Type: text/plain; charset=utf-8\n\n"
               "您好，我正在休假，邮件将延迟回复。如有急事请拨打0571-88886666。\n张三\n")
    found = autoreply.detect(msg)
    assert found is not None and found.subkind == "out_of_office"


def test_chinese_absence_typed_above_a_quote_is_not_automatic() -> None:
    msg = mail("From: zhang.san@example.gov.cn\nSubject: Re: 咨询\nIn-Reply-To: <a@b>\n"
               "Content-Type: text/plain; charset=utf-8\n\n我在出差，回来后回复您。\n\n"
               "在 2025-03-01 10:12:33，\"李华\" <li@example.org> 写道：\n> 请问怎么办理？\n")
    assert autoreply.detect(msg) is None


def test_mail139_receipt_signed_by_its_responder_is_automatic_under_re() -> None:
    msg = mail("From: 13800000000@139.com\nSubject: Re: 咨询\nIn-Reply-To: <a@b>\n"
               "Content-Type: text/plain; charset=utf-8\n\n"
               "您的来信已收到，我会尽快回信。\n【来自139邮箱的自动回复】\n")
    found = autoreply.detect(msg)
    assert found is not None and found.subkind == "acknowledgement"
