"""Three errors the simulated government world found (issue 9 section 2): a retired-mailbox
notice without automatic headers, a clerk's typed acknowledgement, mail with no reply marker.

Messages are written here as the world's people and servers send them (unit fixtures).
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mailprobe.classify import classify, verdict_to_json
from mailprobe.model import Kind

PROBE_ID = "<mp.b4y25eqmc3@probe.example.org>"
RETIRED = "此邮箱已停用，请将来信发送至 lxzf@lixian.changde.gov.cn，谢谢。"
ACK = "您的来信已收到，我们会尽快处理。"


def letter(sender: str, subject: str, text: str, *, in_reply_to: str | None = None,
           **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "zhangming@probe.example.org"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 15:20:00 +0800"
    msg["Message-ID"] = "<20260302152000.1@mail.example.gov.cn>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return bytes(msg)


# -------------------------------------------------------------- 1. retired-mailbox notice

@pytest.mark.parametrize(("subject", "in_reply_to"), [
    ("此邮箱已停用", None),
    ("Re: 咨询（MP-B4Y25-EQMC3）", PROBE_ID),
])
def test_retired_mailbox_notice_without_automatic_headers_is_a_suspend_bounce(
        subject: str, in_reply_to: str | None) -> None:
    v = classify(letter("lxxx@lixian.changde.gov.cn", subject, RETIRED, in_reply_to=in_reply_to))
    assert (v.kind, v.detector) == (Kind.BOUNCE, "suspend")
    assert [(r.address, r.reason, r.hard) for r in v.recipients] == [
        ("lxxx@lixian.changde.gov.cn", "suspend", False)]


def test_retired_notice_after_a_greeting_is_still_the_message() -> None:
    text = "您好！\n本邮箱已停用，请改发 lxzf@lixian.changde.gov.cn。"
    v = classify(letter("lxxx@lixian.changde.gov.cn", "回复：咨询", text, in_reply_to=PROBE_ID))
    assert v.kind is Kind.BOUNCE and v.recipients[0].reason == "suspend"


def test_long_answer_that_mentions_an_old_mailbox_stays_human() -> None:
    answer = ("您好！关于您咨询的居住证办理事项，答复如下：需携带身份证原件、近期一寸照片和"
              "租房合同，到居住地派出所户籍窗口办理，工作日上午8:30-12:00、下午2:30-5:30受理，"
              "周六上午有人值班，"
              "材料齐全的当场受理，十五个工作日内可领取。另外，原邮箱已停用，今后请发送至 "
              "lxzf@lixian.changde.gov.cn。\n\n临澧县公安局户政科")
    v = classify(letter("lxxx@lixian.changde.gov.cn", "回复：咨询", answer, in_reply_to=PROBE_ID))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is True


def test_short_answer_that_ends_with_the_retired_notice_stays_human() -> None:
    # the notice is not at the start nor the subject: an answer with a forwarding note
    text = "您好，窗口工作日8:30-17:30受理，请带身份证原件。旧邮箱已停用，以后请发 new@x.gov.cn。"
    v = classify(letter("lxxx@lixian.changde.gov.cn", "回复：咨询", text, in_reply_to=PROBE_ID))
    assert v.kind is Kind.HUMAN_REPLY


# -------------------------------------------------------------- 2. typed acknowledgement

def test_clerk_typed_acknowledgement_in_a_reply_is_a_non_substantive_human_reply() -> None:
    v = classify(letter("王丽 <wangli@lixian.changde.gov.cn>", "回复：咨询（MP-B4Y25-EQMC3）", ACK,
                        in_reply_to=PROBE_ID))
    assert (v.kind, v.detector, v.substantive) == (Kind.HUMAN_REPLY, "human", False)
    assert verdict_to_json("x", v)["reply_text"] == ACK


def test_typed_acknowledgement_with_only_a_re_subject_is_human() -> None:
    v = classify(letter("wangli@lixian.changde.gov.cn", "Re: 咨询（MP-B4Y25-EQMC3）", ACK))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is False


@pytest.mark.parametrize(("sender", "subject", "text", "headers"), [
    ("noreply@lixian.changde.gov.cn", "回复：咨询", ACK, {}),
    ("system@12345.changde.gov.cn", "回复：咨询", ACK, {}),
    ("wangli@lixian.changde.gov.cn", "自动回复：咨询", ACK, {}),
    ("wangli@lixian.changde.gov.cn", "Re: 咨询", ACK, {"Auto_Submitted": "auto-replied"}),
    ("wangli@lixian.changde.gov.cn", "回复：咨询", ACK + "\n此邮件为系统自动回复，请勿回复。", {}),
    ("13805718888@139.com", "Re:咨询", ACK + "\n\n【来自139邮箱的自动回复】", {}),
])
def test_acknowledgement_with_an_automatic_mark_stays_an_auto_reply(
        sender: str, subject: str, text: str, headers: dict[str, str]) -> None:
    v = classify(letter(sender, subject, text, in_reply_to=PROBE_ID, **headers))
    assert (v.kind, v.subkind) == (Kind.AUTO_REPLY, "acknowledgement")


def test_receipt_that_is_not_structurally_a_reply_stays_an_auto_reply() -> None:
    v = classify(letter("wangli@lixian.changde.gov.cn", "来信收到", ACK))
    assert v.kind is Kind.AUTO_REPLY


# -------------------------------------------------------------- 3. no reply marker

@pytest.mark.parametrize(("sender", "subject", "text"), [
    ("czjxx@163.com", "窗口时间", "您好，财政局窗口工作日8:30-17:00受理。"),
    ("a.person@example.com", "Lunch", "Are we still on for Friday? Bring the slides."),
])
def test_a_persons_own_text_without_reply_marker_is_still_a_human_reply(
        sender: str, subject: str, text: str) -> None:
    # A personal sender is positive evidence (issue 9 section 2); a reply whose thread
    # headers were lost is likelier here than a stranger's letter, and matching decides
    # whether it counts for any probe.
    v = classify(letter(sender, subject, text))
    assert v.kind is Kind.HUMAN_REPLY and v.evidence.startswith("body text")


@pytest.mark.parametrize(("sender", "subject", "text", "headers"), [
    ("news@bulletin.example.com", "政务资讯", "本周要闻：……欢迎来信咨询。",
     {"List_Unsubscribe": "<mailto:leave@bulletin.example.com>"}),
    ("noreply@service.example.com", "账户通知", "您的账户本月账单已生成。", {}),
    ("fapiao888@sina.com", "代开各类正规发票，税点低", "本公司长期代开增值税发票，点数优惠。",
     {"Precedence": "bulk"}),
])
def test_bulk_or_robot_mail_without_reply_marker_is_unknown_for_review(
        sender: str, subject: str, text: str, headers: dict[str, str]) -> None:
    v = classify(letter(sender, subject, text, **headers))
    assert (v.kind, v.detector) == (Kind.UNKNOWN, "none")


@pytest.mark.parametrize(("subject", "text", "evidence"), [
    ("关于来信（编号MP－B4Y25－EQMC3）的答复", "您好，窗口工作日8:30-17:30受理。", "probe code"),
    ("窗口时间", "您好，编号 mp-b4y 25-eqmc3 的来信：窗口工作日均可办理。", "probe code"),
    ("关于您咨询事项的回复", "您好，窗口工作日8:30-17:30受理。", "answer subject"),
    ("您好", "您咨询的事项请致电0736-7777777咨询。", "answers an inquiry: 您咨询"),
    ("来信已转办", "您好，来信已转相关科室办理，请耐心等待答复。", "answers an inquiry: 来信"),
    ("Opening hours", "Regarding your enquiry, the office opens at 9 on weekdays.",
     "answers an inquiry: your enquiry"),
])
def test_fresh_message_with_positive_evidence_is_a_human_reply(subject: str, text: str,
                                                               evidence: str) -> None:
    v = classify(letter("clerk@wjw.changde.gov.cn", subject, text))
    assert v.kind is Kind.HUMAN_REPLY
    assert v.evidence.startswith(evidence), v.evidence


def test_receipt_in_the_subject_and_promise_in_the_body_is_an_acknowledgement() -> None:
    # Web forms and help desks: "Thank you for your request" as the subject, only the promise
    # in the body.
    v = classify(letter("hello@events.example.com", "Thank you for your request",
                        "One of our team will be in touch soon.\n\nThe Events Team"))
    assert v.kind is Kind.AUTO_REPLY


def test_a_reply_subject_with_receipt_words_is_still_read_as_a_person_wrote_it() -> None:
    v = classify(letter("li.ming@example.gov.cn", "Re: Thank you for your request",
                        "Thanks, we will be in touch soon about the documents you need.",
                        in_reply_to="<mp.0a1b2c3d4e@probe.example.org>"))
    assert v.kind is Kind.HUMAN_REPLY


def test_answer_after_an_opening_retired_notice_stays_human() -> None:
    # the notice opens the text, but the clerk goes on to answer the question
    text = ("您好，原来的邮箱已停用，今后请发到本邮箱。关于您咨询的办公时间：工作日上午9:00-12:00，"
            "下午1:30-5:30，中午有人值班，周末不办理。")
    v = classify(letter("lxxx@lixian.changde.gov.cn", "回复：咨询", text, in_reply_to=PROBE_ID))
    assert v.kind is Kind.HUMAN_REPLY


def test_retired_notice_with_a_contact_line_and_signature_is_still_a_notice() -> None:
    text = ("您好，此邮箱已停用，请改发至 bgs@qxj.changde.gov.cn。\n如有急事请致电0736-7777777。\n"
            "市气象局办公室")
    v = classify(letter("qxjxx@qxj.changde.gov.cn", "回复：咨询", text, in_reply_to=PROBE_ID))
    assert v.kind is Kind.BOUNCE and v.recipients[0].reason == "suspend"


# -------------------------------------------------------------- acceptance numbers

RECEIPT_WITH_NUMBER = "您好！您的来信已收到，受理编号：2026120100123，我们将在5个工作日内答复。"


@pytest.mark.parametrize("subject", ["Re: 咨询（MP-B4Y25-EQMC3）", "回复：咨询"])
def test_receipt_with_an_acceptance_number_in_a_reply_is_automatic(subject: str) -> None:
    # a case system issues 受理编号; a clerk typing a receipt has none to give
    v = classify(letter("zwgk@lixian.changde.gov.cn", subject, RECEIPT_WITH_NUMBER,
                        in_reply_to=PROBE_ID))
    assert (v.kind, v.subkind) == (Kind.AUTO_REPLY, "acknowledgement")


def test_receipt_with_the_letter_number_in_brackets_is_automatic() -> None:
    text = "您好！您的来信（编号MP-B4Y25-EQMC3）已收到，我们将在5个工作日内答复。"
    v = classify(letter("noreply@lixian.changde.gov.cn", "来信受理通知", text))
    assert v.kind is Kind.AUTO_REPLY


# -------------------------------------------------------------- substance

@pytest.mark.parametrize("text", [
    "您好，前几天邮箱已满导致退信，现已清理。窗口工作日9:00-17:00受理。",
    "您好，办事窗口地址在市民之家3楼，工作日9:00-17:00均可办理。",
])
def test_a_sentence_that_mentions_a_mailbox_or_an_address_is_no_signature(text: str) -> None:
    v = classify(letter("wangli@lixian.changde.gov.cn", "回复：咨询", text, in_reply_to=PROBE_ID))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is True


def test_a_contact_line_is_still_a_signature() -> None:
    text = "已收到。\n联系电话：0736-7777777\n邮箱：bgs@lixian.changde.gov.cn 2026"
    v = classify(letter("wangli@lixian.changde.gov.cn", "回复：咨询", text, in_reply_to=PROBE_ID))
    assert v.kind is Kind.HUMAN_REPLY and v.substantive is False


def test_case_system_answer_that_opens_with_a_finding_is_human() -> None:
    text = ("张明：您好！关于您反映的窗口办公时间问题，经核实，我局窗口工作日8:30-17:30受理，"
            "中午有人值班。\n此邮件由系统自动发送，请勿直接回复。")
    v = classify(letter("noreply@lixian.changde.gov.cn", "您的来信已办结（MP-B4Y25-EQMC3）", text,
                        Auto_Submitted="auto-generated"))
    assert v.kind is Kind.HUMAN_REPLY


def test_hotline_receipt_with_a_work_order_number_is_automatic() -> None:
    text = ("尊敬的市民：您反映的问题已受理，工单编号：CD20261201000123，承办单位将在5个工作日内"
            "联系您。")
    v = classify(letter("12345@changde.gov.cn", "【12345】工单受理通知", text))
    assert (v.kind, v.subkind) == (Kind.AUTO_REPLY, "acknowledgement")
