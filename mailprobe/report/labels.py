"""Pure: Chinese labels for the codes reports show (flags, states, kinds, reasons, evidence).

Chinese reports show no English codes; ``--lang en`` keeps the codes themselves. A code
without a label (a reason added to classify/reasons.py later) is shown as it is, so nothing
is hidden; tests/report/test_labels.py checks that the known vocabularies are all covered.
"""

from __future__ import annotations

FLAGS_ZH = {
    "NO_EFFECTIVE_CHANNEL": "无有效渠道",
    "OVERDUE_3_MONTHS": "超3个月未回复",
    "CENSORED": "观察期内未回复",
    "REPROBE": "待重测",
    "LATENCY_UNKNOWN": "用时不明",
    "SUBSTANCE_UNREVIEWED": "实质性待复核",
    "BOUNCE_THEN_REPLY": "退信后又回复",
    "DELAY_NOTICE": "延迟投递通知",
    "ESTIMATED_CALENDAR": "日历为估算",
    "CHANNEL_MISSING": "未公开信箱",
    "REVIEW_PENDING": "有邮件待人工复核",
    "REVIEW_CONFLICT": "回复与退信冲突（待复核）",
    "LATENCY_AT_FIRST_SEEN": "用时按首次发现计",
}
MAILBOX_ZH = {"public": "公开信箱", "leader": "领导信箱"}
SEND_STATES_ZH = {
    "pending": "待发送", "sending": "发送中", "accepted": "已发出", "deferred": "暂缓重试",
    "rejected": "被拒收", "uncertain": "结果不明", "manual": "待人工提交",
    "submitted": "已提交", "unusable": "渠道不可用", "cancelled": "已取消",
}
KINDS_ZH = {
    "bounce": "退信", "delay": "延迟通知", "auto_reply": "自动回复", "human_reply": "人工回复",
    "feedback_report": "投诉反馈报告", "unknown": "无法判定", "unparseable": "无法解析",
}
SUBKINDS_ZH = {"acknowledgement": "受理回执", "out_of_office": "外出自动回复",
               "delivered": "投递成功通知", "read_receipt": "已读回执"}
CORRELATION_ZH = {
    "return_path": "退信地址中的令牌", "returned_original": "退回原文中的令牌",
    "in_reply_to": "回复引用了探测邮件", "code": "查询码", "sender+window": "发件人与时间窗口",
    "staff": "人工关联", "domain+window": "同域发件人（低可信）",
    "query_code": "网站查询码",
}
REASONS_ZH = {
    "userunknown": "收件人不存在", "hostunknown": "域名不存在", "hasmoved": "收件人已迁移",
    "mailboxfull": "信箱已满", "suspend": "信箱已停用", "emailtoolarge": "邮件过大",
    "mailererror": "对方系统错误", "systemerror": "对方系统错误", "systemfull": "对方系统已满",
    "notaccept": "对方不接收邮件", "networkerror": "网络错误", "expired": "投递超时",
    "syntaxerror": "协议错误", "ratelimited": "发信频率受限", "contenterror": "内容被拒",
    "securityerror": "安全策略拒收", "authfailure": "发信认证未通过", "requireptr": "需要反向解析",
    "spamdetected": "被判为垃圾邮件", "blocked": "发信方被拦截", "badreputation": "发信方信誉低",
    "rejected": "被拒收", "filtered": "被过滤", "onhold": "原因不明", "undefined": "原因不明",
    "delivered": "已投递", "vacation": "自动回复", "toomanyconn": "连接过多",
    "failedstarttls": "加密连接失败", "norelaying": "对方拒绝转发",
    "notcompliantrfc": "邮件格式不合规范",
    "policyviolation": "违反对方策略", "virusdetected": "被判含病毒",
    "greylisting": "灰名单暂缓投递", "delayed": "延迟投递（仍在重试）",
}
# Detectors (classify/*.py NAME): product names stay (Postfix, Coremail), generic ones get words.
DETECTORS_ZH = {
    "human": "人工回复识别", "autoreply": "自动回复识别", "dsn": "标准退信报告（DSN）",
    "generic": "通用退信识别", "arf": "投诉反馈报告（ARF）", "suspend": "停用通知识别",
    "mdn": "已读回执（MDN）",
    "smtp": "发信时被拒", "parser": "无法解析", "none": "无法判定", "staff": "人工判定",
    "web_page": "网站答复页面",
    "tencent": "腾讯企业邮箱", "netease": "网易邮箱", "aliyun": "阿里云邮箱", "ses": "Amazon SES",
    "postfix": "Postfix", "exim": "Exim", "qmail": "qmail", "exchange": "Exchange",
    "coremail": "Coremail", "sendmail": "Sendmail", "courier": "Courier", "domino": "Domino",
    "gmail": "Gmail", "yahoo": "Yahoo",
}
ACTIONS_ZH = {"substantive": "实质性判定", "link": "关联", "unlink": "取消关联",
              "kind": "类型判定", "exclude": "不纳入"}
VALUES_ZH = {"yes": "是", "no": "否"}
# score/deadlines.py veto reasons; ``unanswered_over_<N>_days:<mailbox>`` carries its numbers.
VETO_REASONS_ZH = {"no_effective_channel": "无有效咨询渠道"}
REVIEW_ZH = {"unmatched": "未能关联", "low_confidence": "低可信匹配", "conflict": "回复与退信冲突",
             "unknown_kind": "类型无法判定"}
CONFIDENCE_ZH = {"high": "高", "low": "低"}


def _label(table: dict[str, str], code: str | None, lang: str) -> str:
    if not code:
        return ""
    return table.get(code, code) if lang == "zh" else code


def flag_label(flag: str, lang: str) -> str:
    """A flag such as ``CHANNEL_MISSING:leader`` -> 未公开信箱（领导信箱）."""
    if lang != "zh":
        return flag
    name, _, detail = flag.partition(":")
    label = FLAGS_ZH.get(name, name)
    return f"{label}（{MAILBOX_ZH.get(detail, detail)}）" if detail else label


def flags_text(flags: tuple[str, ...] | list[str], lang: str) -> str:
    return ("、" if lang == "zh" else " ").join(flag_label(f, lang) for f in flags)


def mailbox_label(mailbox_type: str, lang: str) -> str:
    return _label(MAILBOX_ZH, mailbox_type, lang)


def send_state_label(state: str, lang: str) -> str:
    return _label(SEND_STATES_ZH, state, lang)


def kind_label(kind: str, lang: str) -> str:
    return _label(KINDS_ZH, kind, lang)


def subkind_label(subkind: str | None, lang: str) -> str:
    return _label(SUBKINDS_ZH, subkind, lang)


def reason_label(reason: str | None, lang: str) -> str:
    return _label(REASONS_ZH, reason, lang)


def correlation_label(evidence: str | None, lang: str) -> str:
    return _label(CORRELATION_ZH, evidence, lang)


def detector_label(detector: str, lang: str) -> str:
    return _label(DETECTORS_ZH, detector, lang)


def action_label(action: str, lang: str) -> str:
    """``substantive=yes`` -> 实质性判定：是."""
    if lang != "zh":
        return action
    name, _, value = action.partition("=")
    label = ACTIONS_ZH.get(name, name)
    return f"{label}：{VALUES_ZH.get(value, value)}" if value else label


def veto_reason_label(reason: str, lang: str) -> str:
    """``unanswered_over_90_days:leader`` -> 领导信箱咨询超过90天未回应."""
    if lang != "zh":
        return reason
    name, _, mailbox = reason.partition(":")
    days = name.removeprefix("unanswered_over_").removesuffix("_days")
    if name.startswith("unanswered_over_") and days.isdigit():
        return f"{MAILBOX_ZH.get(mailbox, mailbox)}咨询超过{days}天未回应"
    return VETO_REASONS_ZH.get(reason, reason)


def veto_reasons_text(reasons: tuple[str, ...] | list[str], lang: str) -> str:
    return ("、" if lang == "zh" else " ").join(veto_reason_label(r, lang) for r in reasons)


def review_label(reason: str | None, lang: str) -> str:
    """Why a message waits for staff review (correlate.REVIEW_REASONS)."""
    return _label(REVIEW_ZH, reason, lang)


def confidence_label(confidence: str | None, lang: str) -> str:
    return _label(CONFIDENCE_ZH, confidence, lang)
