"""Edges between a person's reply and an automatic one (generated messages): replies that name
an earlier auto-reply in the subject or the text, and receipts worded as help desks and German
authorities word them."""

from __future__ import annotations

from mailprobe.classify import classify
from mailprobe.model import Kind

QUOTE = (
    "\n\nFrom: Jane Citizen <jane@example.org>\nSent: 28 February 2026 09:12\n"
    "To: FOI <foi@council.example>\nSubject: Freedom of Information request\n\n"
    "> Please provide the number of resident parking permits issued in 2025.\n"
)


def message(subject: str, body: str, extra: str = "") -> bytes:
    head = (
        "From: Liz Cole <liz.cole@council.example>\nTo: jane@example.org\n"
        f"Subject: {subject}\nIn-Reply-To: <req1@example.org>\n{extra}"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
    )
    return (head + body).encode("utf-8")


def test_reply_to_an_outlook_automatic_reply_is_human() -> None:
    raw = message("RE: Automatic reply: Freedom of Information request",
                  "Dear Jane,\n\nSorry - the automatic reply you got from my colleague is out of "
                  "date. I'm handling your request and will reply by 20 March.\n\nLiz" + QUOTE)
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_auto_reply_subject_after_reply_prefix_without_quote_stays_automatic() -> None:
    raw = message("Re: Auto: Freedom of Information request",
                  "I am away until 9 March and will reply when I return.")
    verdict = classify(raw)
    assert verdict.kind is Kind.AUTO_REPLY
    assert verdict.evidence == "Subject: Auto"


def test_outlook_automatic_reply_subject_stays_automatic() -> None:
    raw = message("Automatic reply: Freedom of Information request",
                  "I am out of the office until Monday 9 March.")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_answer_that_mentions_an_earlier_system_auto_reply_is_human() -> None:
    raw = message("Re: 咨询学校入学材料",
                  "您好，之前您可能收到了系统自动回复，现正式答复：入学需户口簿、房产证明和"
                  "预防接种证。请以后发到本邮箱。")
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_responder_naming_itself_a_system_auto_reply_stays_automatic() -> None:
    raw = message("Re: 咨询学校入学材料", "您好，您的邮件已收到，此为系统自动回复。")
    assert classify(raw).kind is Kind.AUTO_REPLY


def fresh(sender: str, subject: str, body: str) -> bytes:
    return (f"From: {sender}\nTo: jane@example.org\nSubject: {subject}\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            + body).encode("utf-8")


def test_help_desk_receipt_of_a_request_with_ticket_id_is_automatic() -> None:
    raw = fresh("Customer Services <help@desk.example>", "Ticket Received - FOI request",
                "Dear Jane,\n\nWe would like to acknowledge that we have received your request "
                "and a ticket has been created. A support representative will be reviewing your "
                "request and will send you a personal response.\n\nTicket ID: #8812\n")
    verdict = classify(raw)
    assert verdict.kind is Kind.AUTO_REPLY
    assert verdict.subkind == "acknowledgement"


def test_clerk_typing_a_receipt_of_a_request_in_a_reply_is_human() -> None:
    raw = message("RE: Freedom of Information request",
                  "Dear Jane,\n\nWe have received your request and will respond within 20 "
                  "working days.\n\nLiz")
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_german_receipt_sent_automatically_is_automatic() -> None:
    raw = fresh("no-reply@stadt.example", "Eingangsbestätigung Ihres Antrags (Az. 12-3456/26)",
                "Guten Tag,\n\nIhr Antrag ist am 02.03.2026 bei uns eingegangen und wurde unter "
                "dem Aktenzeichen 12-3456/26 erfasst.\n\nDiese Nachricht wurde automatisch "
                "versandt.")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_case_system_letter_with_an_answer_as_follows_is_human() -> None:
    raw = fresh("Council FOI <noreply@casework.example>", "Your request FOI-12345 - response",
                "Dear Jane Citizen,\n\nThank you for your request. Our response is as follows.\n\n"
                "1. In 2025 the council issued 4,212 resident parking permits.\n"
                "2. The council received 312,000 pounds in permit fees.\n\nYours sincerely\n"
                "Information Governance Team\n\nPlease do not reply to this email.")
    raw = raw.replace(b"MIME-Version", b"Auto-Submitted: auto-generated\nMIME-Version", 1)
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_case_system_receipt_that_promises_a_response_stays_automatic() -> None:
    raw = fresh("Council FOI <noreply@casework.example>", "Request received FOI-12345",
                "Thank you for your request. We aim to respond within 20 working days.\n\n"
                "Please do not reply to this email.")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_earthlink_style_challenge_is_an_automatic_challenge() -> None:
    raw = message("Re: Freedom of Information request",
                  "I apologize for this automatic reply to your email.\n\nTo control spam, I "
                  "now allow incoming messages only from senders I have approved beforehand.\n\n"
                  "If you would like to be added to my list of approved senders, please fill "
                  "out the short request form (see link below). Once I approve you, I will "
                  "receive your original message in my inbox.\n\nhttps://spam.example/a?c=XYZ")
    verdict = classify(raw)
    assert verdict.kind is Kind.AUTO_REPLY
    assert verdict.subkind == "challenge"


def test_german_clerk_typing_a_receipt_above_an_answer_is_human() -> None:
    raw = message("AW: Antrag nach dem IFG - Parkausweise",
                  "Sehr geehrte Frau Bürger,\n\nvielen Dank, Ihre Anfrage ist bei uns eingegangen."
                  " Zu Ihrer Frage: Im Jahr 2025 wurden 3.118 Bewohnerparkausweise ausgestellt."
                  "\n\nMit freundlichen Grüßen\nMaria Braun")
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_german_receipt_with_promise_from_a_fresh_subject_stays_automatic() -> None:
    raw = fresh("Bürgerservice <buergerservice@landkreis.example>", "Eingangsbestätigung",
                "Ihre Nachricht ist bei uns eingegangen. Wir werden Ihr Anliegen schnellstmöglich"
                " bearbeiten.")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_person_citing_automatic_wording_in_quotation_marks_is_human() -> None:
    raw = message("RE: Freedom of Information request",
                  "Dear Jane,\n\nYou wrote that you got a message saying \"this is an automated "
                  "response\" - please ignore it. The permit figure is 4,212.\n\nLiz" + QUOTE)
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_automatic_wording_not_in_quotation_marks_stays_automatic() -> None:
    raw = fresh("FOI <foi@council.example>", "Freedom of Information request",
                "This is an automated response. Your email has reached the FOI team.")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_officer_typing_a_logged_reference_in_a_reply_is_human() -> None:
    raw = message("RE: Freedom of Information request",
                  "Dear Jane,\n\nYour request has been received and logged under reference "
                  "FOI-2026-0412. I will come back to you with the figures next week.\n\nSam"
                  + QUOTE)
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_case_system_receipt_under_a_reference_stays_automatic() -> None:
    raw = fresh("Customer Contact Centre <contact@council.example>", "Enquiry received",
                "Thank you for contacting us. Your enquiry has been received and logged with "
                "reference 123456.")
    verdict = classify(raw)
    assert verdict.kind is Kind.AUTO_REPLY
    assert verdict.subkind == "acknowledgement"


def test_osticket_new_ticket_auto_response_is_automatic() -> None:
    raw = fresh("Helpdesk <helpdesk@council.example>", "Support Ticket Opened [#48812]",
                "Dear Jane,\n\nA request for support has been created and assigned #48812. A "
                "representative will follow-up with you as soon as possible. You can view this "
                "ticket's progress online.\n\nYour Council Team")
    verdict = classify(raw)
    assert verdict.kind is Kind.AUTO_REPLY
    assert verdict.subkind == "acknowledgement"


def test_system_notice_that_answers_nothing_is_not_an_auto_reply() -> None:
    raw = fresh("system@oa.gov.example", "您有一条新的待办事项",
                "您有一条新的待办事项：关于报送2026年度预算的通知。请登录OA系统查看。"
                "此邮件由系统自动发送，请勿直接回复。")
    verdict = classify(raw)
    assert verdict.kind is Kind.UNKNOWN


def test_system_worded_receipt_stays_an_auto_reply() -> None:
    raw = fresh("system@gov.example", "来信回执",
                "您的来信已收到，我们将在5个工作日内处理。此邮件由系统自动发送，请勿直接回复。")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_system_wording_in_a_threaded_message_stays_an_auto_reply() -> None:
    raw = message("Re: Freedom of Information request",
                  "This is an automated message. Your email has reached the FOI mailbox.")
    assert classify(raw).kind is Kind.AUTO_REPLY


def test_short_chinese_answer_with_a_do_not_reply_footer_is_human() -> None:
    raw = message("回复：咨询学校入学",
                  "您好，入学材料为户口簿、房产证明、预防接种证，请勿回复本邮件，有问题请拨打12345。")
    assert classify(raw).kind is Kind.HUMAN_REPLY


def test_chinese_do_not_reply_note_with_little_else_stays_automatic() -> None:
    raw = message("回复：咨询学校入学", "本邮箱仅用于发送通知，请勿回复本邮件。")
    assert classify(raw).kind is Kind.AUTO_REPLY
