"""Phrase tables for auto-reply and human-reply detection, kept as data (STYLE.md §G).

Every entry is a regular expression source, matched case-insensitively against decoded,
whitespace-squeezed text. Sources: DOMAIN.md ("What Chinese mail looks like"), RFC 3834,
and the shapes the common mailers write (QQ, Exmail, Coremail/163, Exchange, Gmail,
Thunderbird, Foxmail, Apple Mail, 139 mail, Dovecot Sieve vacation).
"""

from __future__ import annotations

# Senders that write bounces, not auto-replies: rule them out first, as Sisimai does.
BOUNCE_SENDER_LOCALPARTS: tuple[str, ...] = ("mailer-daemon", "postmaster")

# Headers whose mere presence (with a value other than "no"/"false") marks an auto-reply.
# X-Apple-Action: VACATION is iCloud's vacation responder (Sisimai corpus rfc3834-03).
AUTO_FLAG_HEADERS: tuple[str, ...] = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Reply",
    "X-QQ-AUTO-REPLY",
)
AUTO_FLAG_FALSE_VALUES: tuple[str, ...] = ("no", "false", "0", "off")

# Subject words of auto-responders. Matched at the start of the subject (after any number of
# "Re:" prefixes and an opening bracket) or as a bracketed suffix: "（自动回复）Re：咨询",
# "自动答复: 咨询", "咨询 [Auto Reply]".
AUTO_SUBJECT_WORDS: tuple[str, ...] = (
    r"自动回复",
    r"自动答复",
    r"自动应答",
    r"自動回覆",
    r"自動回復",
    r"自動答覆",
    r"假期自动回复",
    r"auto[- ]?reply",
    r"auto[- ]?response",
    r"automatic reply",
    r"automatic response",
    r"autoreply",
    r"auto[- ]?respond(?:er)?",
    r"out of (?:the )?office(?: reply| autoreply| notice)?",
    r"ooo",
    r"vacation reply",
    r"away from (?:the )?office",
)

# Body phrases that mark an auto-reply on their own. Checked on the new text only (quotes
# removed), and skipped when a negation (不是/并非/not) comes right before them.
AUTO_BODY_STRONG: tuple[str, ...] = (
    r"系统自动(?:回复|发送|发出|答复)",
    r"自动(?:回复|答复)(?:邮件|信息|消息|通知)",
    # "本邮件由系统自动发出" / "此邮件为自动回复": the message itself must be the subject, so
    # an answer such as "本平台会自动发送提醒短信" does not match.
    r"(?:此|本|这)(?:封|条|是一封|为一封)?(?:邮件|信件|信|消息|回信|回复|通知)[^。，,\n不非]{0,6}"
    r"自动(?:回复|答复|发送|发出)",
    r"(?:此|这)(?:为|是)(?:一封|一条)?(?:系统)?自动(?:回复|答复)",
    r"假期自动回复",
    r"请(?:勿|不要)(?:直接)?回复(?:本|此|该)(?:邮件|信|消息)",
    r"本邮件(?:无需|不需要|请勿)回复",
    r"this is an? (?:automatic|automated|auto-generated)",
    r"this (?:e-?mail|message|reply) (?:is|was) (?:automatically|auto-?)generated",
    r"please do not reply (?:directly )?to this (?:e-?mail|message)",
    r"do not reply to this (?:e-?mail|message)",
    r"(?:i am|i'm) (?:currently )?(?:out of|away from) (?:the )?office",
    r"(?:i am|i'm) (?:currently )?on (?:annual )?leave",
    r"i will be (?:out of (?:the )?office|away|on leave) (?:until|from|between)",
    r"i am currently away",
    r"with (?:limited|no) access to (?:my )?e-?mail",
)

# Negations that void a strong phrase right after them ("这不是自动回复").
NEGATIONS: tuple[str, ...] = (r"不是", r"并非", r"并不是", r"非", r"not ", r"isn't ", r"is not ")

# An acknowledgement body: a receipt phrase plus a promise or an acceptance number, and no
# answer. "您的来信已收到，我们将在3个工作日内回复" / 139 mail "您的来信已收到，我会尽快回信。"
ACK_RECEIPT: tuple[str, ...] = (
    r"(?:来信|来函|邮件|信件|留言|咨询|诉求|申请)(?:已|已经)(?:收到|收悉|受理|提交|登记)",
    r"(?:已|已经)(?:收到|收悉|受理)(?:了)?(?:您|你)的(?:来信|邮件|信件|留言|咨询|来函)",
    r"来信收悉",
    r"(?:已|已经)成功提交",
    r"(?:we|i) have received your (?:e-?mail|message|enquiry|inquiry|letter)",
    r"thank you for (?:your )?(?:e-?mail|message|contacting)",
    r"your (?:e-?mail|message) has been received",
)
ACK_PROMISE: tuple[str, ...] = (
    r"\d+\s*个?工作日内",
    r"[一二三四五六七八九十]+个?工作日内",
    r"尽快(?:回信|回复|答复|处理|办理|给您)",
    r"请耐心等待",
    r"受理(?:编号|号|单号)",
    r"查询(?:码|密码|编号)",
    r"信件编号",
    r"留言编号",
    r"可凭",
    r"(?:will|shall) (?:respond|reply|get back|be in touch)",
    r"as soon as possible",
    r"reference (?:number|no\.?)",
    r"ticket (?:number|no\.?|#)",
)
# Acceptance numbers decide with a receipt phrase even without a promise.
ACK_NUMBER: tuple[str, ...] = (r"受理(?:编号|号|单号)", r"查询(?:码|密码|编号)", r"信件编号")

# Words that show an answer is being given: they veto ACK detection (a system-sent answer
# letter "您的来信（受理编号 …）已办理，现答复如下：…" is a human reply).
ANSWER_MARKERS: tuple[str, ...] = (
    r"答复如下",
    r"回复如下",
    r"现(?:予以)?(?:答复|回复)",
    r"经(?:核实|核查|查|研究|了解|调查)",
    r"办理结果",
    r"处理结果如下",
    r"答复意见",
    r"here is (?:the|our) answer",
    r"in answer to your question",
)

# An answer letter: vetoes the weakest header signal (X-Auto-Response-Suppress, which Outlook
# and ticket systems also put on messages a person wrote).
ANSWER_LETTER: tuple[str, ...] = (
    r"答复如下",
    r"回复如下",
    r"现(?:予以)?答复",
    r"办理结果",
    r"答复意见",
)

# An answer follows: a system-sent answer letter ("答复如下：…" with "此邮件由系统自动发送，
# 请勿直接回复") is a human answer, whatever automatic headers or wording it carries.
# The marker must announce what follows ("如下", a colon), so an acknowledgement that
# mentions "办理结果" (a result to come) is not one.
ANSWER_GIVEN: tuple[str, ...] = (
    r"(?:现将|现就|现)?(?:[^。\n]{0,12})?(?:答复|回复|办理|处理)(?:情况|结果|意见)?如下",
    r"现(?:予以)?(?:答复|回复)(?:您|你)?[:：，,]",
    r"(?:答复|办理|处理)(?:意见|结果)\s*[:：]",
    r"here is (?:the|our) (?:answer|reply|response) to your",
    r"in (?:answer|response|reply) to your (?:question|enquiry|inquiry|request)[^.\n]{0,40}[,:]",
)

# Out-of-office words: set subkind "out_of_office" instead of "acknowledgement".
OUT_OF_OFFICE: tuple[str, ...] = (
    r"休假",
    r"假期",
    r"度假",
    r"出差",
    r"外出",
    r"不在办公室",
    r"不在岗",
    r"请假",
    r"产假",
    r"年假",
    r"out of (?:the )?office",
    r"on (?:annual |maternity |parental )?leave",
    r"vacation",
    r"holiday",
    r"away from (?:the |my )?(?:office|desk)",
    r"currently away",
    r"\bOOO\b",
)

# Subject prefixes of a reply ("Re:", "回复：", "答复:", Outlook "RE:", German "AW:").
REPLY_SUBJECT_PREFIX = r"^\s*(?:re|aw|sv|回复|回覆|答复|答覆|reply)\s*(?:\[\d+\])?\s*[:：]"

# Bulk mail: newsletters and lists are not replies.
BULK_HEADERS: tuple[str, ...] = ("List-Id", "List-Unsubscribe", "List-Post", "Feedback-ID")
BULK_PRECEDENCE: tuple[str, ...] = ("bulk", "list", "junk")

# Acknowledgement words: when nothing but these (plus greetings, punctuation and a signature)
# is left of the new text, the reply is a bare acknowledgement ("已收到", "收到，谢谢", "Noted").
ACK_WORDS: tuple[str, ...] = (
    r"(?:您的|你的)?(?:来信|邮件|信件|来函|留言|问题|咨询)?(?:已经|已)?(?:收到|收悉)(?:了|啦)?",
    r"谢谢(?:您)?|感谢(?:您)?(?:的来信)?|多谢|好的|知道了|了解",
    r"ok(?:ay)?|received|noted|thanks?(?: you)?|got it|with thanks|for your (?:e-?mail|message)",
)

# Signature lines: contact details, unit names, dates. Dropped before measuring the new text.
SIGNATURE_LINES: tuple[str, ...] = (
    r".{0,12}(?:电话|手机|联系电话|tel|phone|mobile|fax|传真|地址|邮编|email|e-mail|邮箱)\s*[:：]?.*\d.*",
    r"[^，。,.!?！？]{2,24}(?:局|厅|委|办|办公室|中心|政府|科|处|室|所|站|队|院|大队|街道|镇)",
    r"\d{4}\s*(?:年|-|/|\.)\s*\d{1,2}\s*(?:月|-|/|\.)\s*\d{1,2}\s*日?",
)

# Redirections and deferrals: short new text containing one of these is non-substantive.
NON_SUBSTANTIVE: tuple[str, ...] = (
    r"请(?:您)?(?:直接)?(?:电话|致电|来电)(?:咨询|联系)?",
    r"请(?:您)?拨打",
    r"电话咨询",
    r"请(?:您)?(?:携带[^。]{0,20})?(?:到|去|前往|来)[^。，,]{0,20}(?:窗口|大厅|现场|柜台|办理|咨询)",
    r"(?:窗口|现场|大厅)(?:办理|咨询)",
    r"已(?:转|转交|转给|转至|转到|转发)[^。]{0,30}(?:处理|办理|答复|回复)",
    r"转(?:交|给)?相关(?:部门|单位|科室)",
    r"已(?:转给|转交|转至|转到|转发给|转发至|移交)",
    r"(?:会|将)(?:尽快|及时)?(?:与您|和您)?(?:联系|回复|答复)(?:您|你)?",
    r"请(?:您)?(?:留意|关注|注意查收|耐心等待)",
    r"不属于(?:我|本)(?:单位|局|部门|委|办|中心)?(?:的)?(?:职责|职能|管辖)",
    r"请(?:您)?(?:向|与|联系)[^。]{0,20}(?:咨询|联系)",
    r"(?:正在|尽快)(?:处理|核实|办理|研究)",
    r"(?:稍后|另行|再)(?:回复|答复|联系)",
    r"please (?:call|phone|contact|visit)",
    r"(?:has been|was) forwarded to",
    r"(?:we|i) (?:will|shall) (?:reply|respond|get back)",
)
# After sentences with a redirection phrase, acknowledgement words, greetings and the signature
# are removed, at most this many letters/digits may remain for a non-substantive verdict: a
# name ("收到。王科") or "请耐心等待" may, an answer ("需提供身份证和租房合同") may not.
NON_SUBSTANTIVE_MAX_LEFTOVER = 8

# Greetings and sign-offs removed before measuring the new text.
COURTESY: tuple[str, ...] = (
    r"您好|你好|尊敬的[^，,：:\n]{0,12}[，,：:]?|亲爱的[^，,：:\n]{0,12}[，,：:]?",
    r"此致|敬礼|祝(?:您)?(?:好|工作顺利|生活愉快|顺利)|顺祝[^\n]{0,10}",
    r"dear [^,\n]{0,30},?|hello|hi\b|best regards|kind regards|regards|best wishes",
)

# Client trailers that are not part of what the person wrote.
MOBILE_TRAILERS: tuple[str, ...] = (
    r"发自我的\s*\S{0,20}",
    r"来自\s*\S{0,12}(?:邮箱|邮件|mail)\S{0,8}",
    r"sent from my \S.*",
    r"get outlook for \S.*",
    r"from my (?:iphone|ipad|android)",
)

# Contact details removed before counting what is left of the new text.
CONTACT_DETAILS: tuple[str, ...] = (
    r"(?:联系|咨询|服务|值班)?(?:电话|手机|热线|座机|tel|phone)\s*(?:号码)?\s*[:：]?\s*[\d\-\s()（）转]{5,}",
    r"[\d\-()（）+ ]{7,}",
    r"联系人\s*[:：]?\s*\S{0,4}",
    r"\S+@\S+",
    r"https?://\S+",
    r"(?:12345|12315|12333|12366|12319|12328)(?:热线|服务热线)?",
)

# Reply senders that are machines by name; without a reply marker they are not replies.
NOREPLY_LOCALPARTS = r"^(?:no-?reply|do-?not-?reply|donotreply|notifications?|newsletter)\b"
