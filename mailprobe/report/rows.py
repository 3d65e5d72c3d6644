"""Pure: the report tables built from a CampaignScore, shared by every writer.

A :class:`Table` is a title, column specs and rows of plain cells (str, int, float,
datetime, None). Times are aware datetimes in the campaign's time zone (the calendar's,
Asia/Shanghai by default), and headers say which zone; shares are rounded once
(numbers.py) and stay numbers 0-1 with the column format "percent", so the XLSX writer
keeps them numeric and the CSV and HTML writers print the same "50.0%".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mailprobe.report.labels import (
    action_label,
    confidence_label,
    correlation_label,
    detector_label,
    flags_text,
    kind_label,
    mailbox_label,
    reason_label,
    review_label,
    send_state_label,
    subkind_label,
    veto_reasons_text,
)
from mailprobe.report.numbers import base_label, rate_value, round_number
from mailprobe.report.rates import (
    DEADLINE_BASE,
    DEADLINE_RATES,
    GROUP_RATES,
    deadline_rate,
    group_rate,
    unit_rate,
    within_rate,
)
from mailprobe.score.deadlines import ReplyRates
from mailprobe.score.outcome import LABELS_EN, LABELS_ZH, Outcome
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore, GroupStats, UnitScore

Cell = str | int | float | datetime | None
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    fmt: str = "text"  # text | int | number | percent | time


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]]
    row_formats: tuple[str, ...] = ()  # for columns with fmt "auto": one format per row

    def headers(self, lang: str) -> list[str]:
        return [c.zh if lang == "zh" else c.en for c in self.columns]

    def cell_format(self, row: int, col: int) -> str:
        fmt = self.columns[col].fmt
        if fmt == "auto":
            return self.row_formats[row] if row < len(self.row_formats) else "text"
        return fmt


def when(at: datetime | None, tz: ZoneInfo = BEIJING) -> str:
    """Local time in ``tz`` as "YYYY-MM-DD HH:MM:SS" (empty for None); headers name the zone."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def report_tz(score: CampaignScore) -> ZoneInfo:
    """The campaign's time zone: the calendar's (``[calendar] timezone``), Asia/Shanghai."""
    return ZoneInfo(str(score.calendar.get("timezone", "Asia/Shanghai")))


def tz_label(tz: ZoneInfo, lang: str) -> str:
    """How headers mark the zone: 北京时间 for Asia/Shanghai, else the zone's name."""
    if tz.key == "Asia/Shanghai":
        return "北京时间" if lang == "zh" else "Beijing time"
    return tz.key


def local(at: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A time cell: the instant in the campaign's zone (writers format or store it)."""
    return at.astimezone(tz) if at else None


def outcome_label(o: Outcome, lang: str) -> str:
    return (LABELS_ZH if lang == "zh" else LABELS_EN)[o]


EVIDENCE_LABELS = {
    "answers": ("回复可靠", "answers"),
    "does_not_answer": ("基本不回复", "does not answer"),
    "insufficient_evidence": ("证据不足", "insufficient evidence"),
}
CATEGORY_LABELS = {"county_district": ("县（市、区）", "counties and districts"),
                   "city_department": ("市直部门", "city departments")}


def category_label(cat: str, lang: str) -> str:
    pair = CATEGORY_LABELS.get(cat)
    return cat if pair is None else pair[0 if lang == "zh" else 1]


def status_line(score: CampaignScore, lang: str) -> str:
    """The sentence every export carries: provisional or final, and the overrides log."""
    n = len(score.overrides)
    tz = report_tz(score)
    zone = tz_label(tz, lang)
    closes, as_of = when(score.window_closes_at, tz), when(score.generated_at, tz)
    if lang == "zh":
        state = (f"暂定结果：回复观察期尚未结束（截至 {closes}，{zone}）"
                 if score.is_provisional else "最终结果：回复观察期已结束")
        return f"{state}；数据截至 {as_of}（{zone}）；人工更正记录 {n} 条，见“更正记录”。"
    state = (f"PROVISIONAL: the reply window is open until {closes} ({zone})"
             if score.is_provisional else "Final: the reply window has closed")
    return f"{state}; as of {as_of} ({zone}); overrides log: {n} entries."


UNIT_COLUMNS = (
    Column("category", "类别", "category"), Column("rank", "排名", "rank", "int"),
    Column("unit_id", "单位编号", "unit id"), Column("name", "单位名称", "unit name"),
    Column("public_outcome", "公开信箱结果", "public mailbox outcome"),
    Column("leader_outcome", "领导信箱结果", "leader mailbox outcome"),
    Column("public_score", "公开信箱得分", "public score", "number"),
    Column("leader_score", "领导信箱得分", "leader score", "number"),
    Column("score", "单位得分", "unit score", "number"),
    Column("points", "折算分值", "points", "number"),
    Column("reply_rate", "人工回复率（占计入考核的探测）", "human-reply rate (of charged probes)",
           "percent"),
    Column("reply_low", "人工回复率区间下限", "reply-rate interval low", "percent"),
    Column("reply_high", "人工回复率区间上限", "reply-rate interval high", "percent"),
    Column("evidence", "证据等级", "evidence class"),
    Column("median_hours", "回复用时中位数（工作小时）", "median latency (working h)", "number"),
    Column("flags", "标记", "flags"), Column("status", "状态", "status"),
    Column("pending_review", "待复核邮件", "pending review", "int"),
    Column("low_confidence_matches", "其中低可信匹配", "low-confidence matches", "int"),
    Column("conflicts", "回复与退信冲突", "conflicts", "int"),
)


def units_table(score: CampaignScore, lang: str = "zh") -> Table:
    """One row per unit, per category in rank order (unranked last)."""
    rows: list[list[Cell]] = []
    for u in score.units:
        rows.append([
            category_label(u.category, lang), u.rank, u.unit_id, u.name,
            _outcomes(u.public_outcomes, lang), _outcomes(u.leader_outcomes, lang),
            _r(u.public_score), _r(u.leader_score), _r(u.score), _r(u.points),
            unit_rate(u).value, rate_value(u.reply_low), rate_value(u.reply_high),
            EVIDENCE_LABELS[u.evidence_class][0 if lang == "zh" else 1],
            _r(u.median_latency_hours), flags_text(u.flags, lang), _state(u.is_provisional, lang),
            u.pending_review, u.low_confidence_matches, u.conflicts])
    title = "单位得分与排名" if lang == "zh" else "Unit scores and ranks"
    return Table("units", title, UNIT_COLUMNS, rows)


def _outcomes(outcomes: Sequence[Outcome], lang: str) -> str:
    if not outcomes:
        return outcome_label(Outcome.NOT_PUBLISHED, lang)
    return "；".join(outcome_label(o, lang) for o in outcomes)


def _state(provisional: bool, lang: str) -> str:
    if lang == "zh":
        return "暂定" if provisional else "最终"
    return "provisional" if provisional else "final"


def _r(value: float | None, digits: int = 2) -> float | None:
    return round_number(value, digits)


def zoned(columns: tuple[Column, ...], tz: ZoneInfo, lang: str) -> tuple[Column, ...]:
    """Columns whose time headers name the campaign's zone (北京时间 is the default's name)."""
    zone = tz_label(tz, lang)
    return tuple(Column(c.key, c.zh.replace("北京时间", zone),
                        c.en.replace("(Beijing)", f"({zone})"), c.fmt) for c in columns)


PROBE_COLUMNS = (
    Column("probe_id", "探测编号", "probe id", "int"), Column("unit_id", "单位编号", "unit id"),
    Column("name", "单位名称", "unit name"), Column("category", "类别", "category"),
    Column("mailbox_type", "信箱类型", "mailbox"), Column("address", "信箱地址", "address"),
    Column("code", "查询码", "code"), Column("send_state", "发送状态", "send state"),
    Column("accepted_at", "发出时间（北京时间）", "accepted (Beijing)", "time"),
    Column("outcome", "结果", "outcome"), Column("charged", "计入考核", "charged"),
    Column("score", "信箱得分", "mailbox score", "number"),
    Column("human_at", "首次人工回复时间（北京时间）", "first human reply (Beijing)", "time"),
    Column("human_hours", "人工回复用时（工作小时）", "human latency (working h)", "number"),
    Column("human_days", "人工回复用时（工作日）", "human latency (working days)", "number"),
    Column("auto_hours", "自动回复用时（工作小时）", "auto-reply latency (working h)", "number"),
    Column("estimated", "日历为估算", "calendar estimated"),
    Column("bounce", "退信原因", "bounce reason"), Column("status", "状态码", "status"),
    Column("flags", "标记", "flags"),
)


def probes_table(score: CampaignScore, lang: str = "zh") -> Table:
    """One row per probe: outcome, components and latencies."""
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    tz = report_tz(score)
    rows: list[list[Cell]] = []
    for p in score.probes:
        h, a = p.human_latency, p.auto_latency
        estimated = any(s is not None and s.estimated for s in (h, a))
        rows.append([
            p.probe_id, p.unit_id, p.unit_name, category_label(p.category, lang),
            mailbox_label(p.mailbox_type, lang), p.address or "", p.code,
            send_state_label(p.send_state, lang), local(p.accepted_at, tz),
            outcome_label(p.outcome, lang), yes if p.is_charged else no, _r(p.score),
            local(p.first_human_reply_at, tz), _r(h.working_hours) if h else None,
            h.working_days if h else None, _r(a.working_hours) if a else None,
            yes if estimated else no, reason_label(p.bounce_reason, lang),
            p.bounce_status or "", flags_text(p.flags, lang)])
    return Table("probes", "探测明细" if lang == "zh" else "Probes",
                 zoned(PROBE_COLUMNS, tz, lang), rows)


EVIDENCE_COLUMNS = (
    Column("message_id", "邮件编号", "message id"),
    Column("received_at", "收到时间（北京时间）", "received (Beijing)", "time"),
    Column("sender", "发件人", "sender"), Column("subject", "主题", "subject"),
    Column("kind", "类型", "kind"), Column("subkind", "子类型", "subkind"),
    Column("reason", "原因", "reason"), Column("detector", "判定模块", "detector"),
    Column("evidence", "判定依据", "evidence"), Column("probe_id", "探测编号", "probe id", "int"),
    Column("token", "令牌", "token"), Column("correlation", "关联依据", "matched by"),
    Column("confidence", "匹配可信度", "match confidence"),
    Column("review", "待复核原因", "review reason"),
)


def evidence_table(score: CampaignScore, lang: str = "zh") -> Table:
    """Every received message with the verdict, detector and the evidence that tied it."""
    tz = report_tz(score)
    rows: list[list[Cell]] = [
        [str(m.message_id), local(m.received_at, tz), m.sender, m.subject,
         kind_label(m.kind, lang), subkind_label(m.subkind, lang),
         reason_label(m.reason, lang), detector_label(m.detector, lang), m.evidence, m.probe_id,
         m.probe_token or "", correlation_label(m.correlation, lang),
         confidence_label(m.confidence, lang), review_label(m.review, lang)]
        for m in score.messages]
    return Table("evidence", "证据清单" if lang == "zh" else "Evidence",
                 zoned(EVIDENCE_COLUMNS, tz, lang), rows)


STAT_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("units", "单位数", "units", "int"), ("probes", "探测数", "probes", "int"),
    ("published", "已公开信箱", "published mailboxes", "int"),
    ("sent", "已发送", "sent", "int"), ("delivered", "已送达", "delivered", "int"),
    ("hard_bounce_rate", "永久退信率", "hard-bounce rate", "percent"),
    ("soft_bounce_rate", "暂时退信率", "soft-bounce rate", "percent"),
    ("sender_side_rate", "发信方原因被拒收率", "sender-side rejection rate", "percent"),
    ("delivery_rate", "送达率", "delivery rate", "percent"),
    ("auto_ack_rate", "自动回复率", "auto-acknowledgement rate", "percent"),
    ("human_reply_rate_sent", "人工回复率", "human-reply rate", "percent"),
    ("human_reply_rate_delivered", "人工回复率", "human-reply rate", "percent"),
    ("substantive_rate", "实质回复率", "substantive rate", "percent"),
    ("latency_median", "回复用时中位数（工作小时）", "latency median (working h)", "number"),
    ("latency_p75", "回复用时P75（工作小时）", "latency P75 (working h)", "number"),
    ("latency_p90", "回复用时P90（工作小时）", "latency P90 (working h)", "number"),
    ("auto_median", "自动回复用时中位数（工作小时）", "auto-reply median (working h)", "number"),
    ("units_no_effective_channel", "无有效渠道单位数", "units without an effective channel", "int"),
    ("units_overdue", "超3个月未回复单位数", "units overdue 3 months", "int"),
    ("mean_unit_score", "平均得分", "mean unit score", "number"),
    ("pending_review", "待复核邮件数", "messages pending review", "int"),
    ("low_confidence_matches", "其中低可信匹配", "low-confidence matches", "int"),
    ("conflicts", "回复与退信冲突数", "reply/bounce conflicts", "int"),
)


def stat_label(key: str, zh: str, en: str, lang: str) -> str:
    """A statistic's name; a rate's name says its base: 送达率（占已发送）."""
    name = zh if lang == "zh" else en
    if key not in GROUP_RATES:
        return name
    base = base_label(GROUP_RATES[key][2], lang)
    return f"{name}（{base}）" if lang == "zh" else f"{name} ({base})"


def stat_value(s: GroupStats, key: str) -> Cell:
    """One statistic as shown: rates rounded once (numbers.py), other numbers to 2 places."""
    if key in GROUP_RATES:
        return group_rate(s, key).value
    special = {"latency_median": s.latency_hours.median, "latency_p75": s.latency_hours.p75,
               "latency_p90": s.latency_hours.p90, "auto_median": s.auto_latency_hours.median}
    value = special[key] if key in special else getattr(s, key)
    return _r(value) if isinstance(value, float) else value


def categories_table(score: CampaignScore, lang: str = "zh") -> Table:
    """Campaign statistics: one column per category plus the total."""
    groups = [*score.category_stats, score.stats]
    names = [category_label(g.label, lang) if g.label != "all" else
             ("合计" if lang == "zh" else "all") for g in groups]
    columns = (Column("indicator", "指标", "indicator"),
               *(Column(f"g{i}", n, n, "auto") for i, n in enumerate(names)))
    rows: list[list[Cell]] = []
    formats: list[str] = []
    for key, zh, en, fmt in STAT_ROWS:
        rows.append([stat_label(key, zh, en, lang), *(stat_value(g, key) for g in groups)])
        formats.append(fmt)
    for d in score.stats.within_days:
        label = (f"{d}个工作日内人工回复（占已送达）" if lang == "zh"
                 else f"answered within {d} working days (of delivered)")
        rows.append([label, *(within_rate(g, d).value for g in groups)])
        formats.append("percent")
    title = "总体与分类统计" if lang == "zh" else "Statistics by category"
    return Table("categories", title, columns, rows, tuple(formats))


def summary_table(score: CampaignScore, lang: str = "zh") -> Table:
    """Key facts of the campaign: name, window, status, calendar, rubric, counts."""
    zh = lang == "zh"
    s = score.stats
    tz = report_tz(score)
    zone = tz_label(tz, lang)
    items: list[tuple[str, str, Cell, str]] = [
        ("活动", "campaign", score.campaign, "text"),
        ("状态", "status", status_line(score, lang), "text"),
        (f"数据截至（{zone}）", f"as of ({zone})", local(score.generated_at, tz), "time"),
        ("回复期限（工作日）", "reply window (working days)", score.window_days, "int"),
        (f"观察期结束（{zone}）", f"window closes ({zone})", local(score.window_closes_at, tz),
         "time"),
        ("办公时间", "office hours", ", ".join(score.calendar.get("office_hours", [])), "text"),
        ("日历来源", "calendar sources", calendar_sources(score, lang), "text"),
        ("单位数", "units", s.units, "int"), ("探测数", "probes", s.probes, "int"),
        ("送达率（占已发送）", "delivery rate (of sent)", stat_value(s, "delivery_rate"),
         "percent"),
        ("人工回复率（占已发送）", "human-reply rate (of sent)",
         stat_value(s, "human_reply_rate_sent"), "percent"),
        ("更正记录条数", "overrides logged", len(score.overrides), "int"),
        ("未纳入单位数", "units excluded", len(score.excluded_units), "int"),
        ("待重测探测数", "probes to re-probe", sum("REPROBE" in p.flags for p in score.probes),
         "int"),
        ("待复核邮件数", "messages pending review", s.pending_review, "int"),
        ("其中低可信匹配", "low-confidence matches", s.low_confidence_matches, "int"),
        ("回复与退信冲突数", "reply/bounce conflicts", s.conflicts, "int"),
    ]
    if s.pending_review:
        items.append(("注意", "note", review_note(score, lang), "text"))
    if s.latency_estimated:
        items.append(("注意", "note", "部分用时涉及尚无官方节假日安排的年份，按推算的法定节日估算"
                      "（未含调休），见“日历来源”" if zh else "some latencies touch a year without "
                      "an official holiday schedule: estimated (see calendar sources)", "text"))
    rows: list[list[Cell]] = [[a if zh else b, v] for a, b, v, _ in items]
    columns = (Column("item", "项目", "item"), Column("value", "内容", "value", "auto"))
    return Table("summary", "概况" if zh else "Summary", columns, rows,
                 tuple(f for *_, f in items))


def review_note(score: CampaignScore, lang: str) -> str:
    """What staff must know while messages await review: figures may still change."""
    s = score.stats
    if lang == "zh":
        conflicts = f"其中 {s.conflicts} 个探测的回复与退信冲突。" if s.conflicts else ""
        return (f"尚有 {s.pending_review} 封回信待人工复核，相关单位的结果可能调整"
                f"（用 mailprobe review 查看）。{conflicts}")
    conflicts = f" Probes with a reply/bounce conflict: {s.conflicts}." if s.conflicts else ""
    return (f"{s.pending_review} messages await review; the results of the units concerned "
            f"may change (see mailprobe review).{conflicts}")


def calendar_sources(score: CampaignScore, lang: str) -> str:
    """Per year where the calendar came from, estimated years said so: 2028: 估算（...）."""
    return ("；" if lang == "zh" else "; ").join(
        f"{y}: {source_label(src, lang)}"
        for y, src in score.calendar.get("year_sources", {}).items())


def source_label(source: str, lang: str) -> str:
    """A calendar source (workcal.WorkCalendar.year_source) in words."""
    zh = lang == "zh"
    if source.startswith("table:"):
        return f"官方安排（{source[6:]}）" if zh else f"official ({source[6:]})"
    if source in ("chinesecalendar", "holidays"):
        return f"官方安排（{source}）" if zh else f"official ({source})"
    if source == "estimated:holidays":
        return ("估算：法定节日按公历和农历推算，未含调休" if zh
                else "estimated: statutory holidays computed, no make-up days")
    return "估算：仅按周一至周五" if zh else "estimated: Monday-Friday only"


OVERRIDE_COLUMNS = (
    Column("at", "时间（北京时间）", "time (Beijing)", "time"), Column("who", "操作人", "who"),
    Column("action", "操作", "action"), Column("target", "对象", "target"),
    Column("reason", "理由", "reason"),
)


def overrides_table(score: CampaignScore, lang: str = "zh") -> Table:
    """The staff overrides log, as applied to this score."""
    tz = report_tz(score)
    rows: list[list[Cell]] = [[local(o.at, tz), o.who, action_label(o.action, lang), o.target,
                               o.reason] for o in score.overrides]
    return Table("overrides", "更正记录" if lang == "zh" else "Overrides log",
                 zoned(OVERRIDE_COLUMNS, tz, lang), rows)


def excluded_table(score: CampaignScore, lang: str = "zh") -> Table:
    columns = (Column("unit_id", "单位编号", "unit id"), Column("name", "单位名称", "unit name"),
               Column("category", "类别", "category"), Column("reason", "原因", "reason"))
    rows: list[list[Cell]] = [[e.unit_id, e.name, category_label(e.category, lang), e.reason]
                              for e in score.excluded_units]
    return Table("excluded", "未纳入单位" if lang == "zh" else "Excluded units", columns, rows)


TREND_LABELS = {"better": ("进步", "better"), "worse": ("退步", "worse"),
                "unchanged": ("基本持平", "unchanged")}


def comparison_table(cmp: Comparison, lang: str = "zh") -> Table:
    """Per unit: previous and current score and rank (rank change positive = moved up)."""
    columns = (
        Column("unit_id", "单位编号", "unit id"), Column("name", "单位名称", "unit name"),
        Column("category", "类别", "category"), Column("status", "比对", "matched"),
        Column("score_before", f"上轮得分（{cmp.previous}）", f"score ({cmp.previous})", "number"),
        Column("score_after", f"本轮得分（{cmp.current}）", f"score ({cmp.current})", "number"),
        Column("score_change", "得分变化", "score change", "number"),
        Column("rank_before", "上轮排名", "previous rank", "int"),
        Column("rank_after", "本轮排名", "rank", "int"),
        Column("rank_change", "名次变化", "rank change", "int"),
        Column("trend", f"变化判断（±{cmp.threshold:g}分）", f"trend (±{cmp.threshold:g} points)"),
    )
    rows: list[list[Cell]] = [
        [c.unit_id, c.name, category_label(c.category, lang), c.status, _r(c.score_before),
         _r(c.score_after), _r(c.score_change), c.rank_before, c.rank_after, c.rank_change,
         TREND_LABELS[c.trend][0 if lang == "zh" else 1] if c.trend else None]
        for c in cmp.units]
    return Table("comparison", "与上轮比较" if lang == "zh" else "Change since the last round",
                 columns, rows)


def deadlines_table(score: CampaignScore, lang: str = "zh") -> Table:
    """Any response / any reply / substantive / on time side by side; the veto flag."""
    dl = score.deadlines
    days = dl.on_time_working_days if dl else 5
    of = base_label(DEADLINE_BASE, lang)
    columns = (
        Column("group", "范围", "group"), Column("unit_id", "单位编号", "unit id"),
        Column("name", "单位名称", "unit name"),
        Column("base", "计入考核的已发出探测", "charged probes sent", "int"),
        *(_deadline_column(key, zh, en, of, lang) for key, zh, en in _deadline_headers(days)),
        Column("veto", "互动回应差（单项否决提示）", "veto flag", "text"),
        Column("veto_reasons", "情形", "reasons", "text"))
    rows: list[list[Cell]] = []
    if dl is not None:
        groups = [("全部" if lang == "zh" else "all", dl.overall)]
        groups += [(category_label(r.label, lang), r) for r in dl.categories]
        for label, r in groups:
            rows.append([label, None, None, *_rate_cells(r), None, None])
        for u in dl.units:
            veto = ("是" if lang == "zh" else "yes") if u.is_veto else ""
            rows.append([category_label(u.category, lang), u.unit_id, u.name,
                         *_rate_cells(u.rates), veto, veto_reasons_text(u.veto_reasons, lang)])
    rule = (dl.veto_rule if lang == "zh" else dl.veto_rule_en) if dl else ""
    title = ("按时答复与互动回应差提示" if lang == "zh" else "Deadlines and veto flag") + \
        (f"：{rule}" if lang == "zh" and rule else f": {rule}" if rule else "")
    return Table("deadlines", title, columns, rows)


def _deadline_headers(days: int) -> list[tuple[str, str, str]]:
    return [("any_response_rate", "任何回应率（含自动回复）", "any response"),
            ("any_reply_rate", "人工回复率", "any reply"),
            ("substantive_rate", "实质答复率", "substantive"),
            ("on_time_rate", f"按时回复率（{days}个工作日）", f"on time ({days} working days)"),
            ("on_time_substantive_rate", "按时实质答复率", "on-time substantive")]


def _deadline_column(key: str, zh: str, en: str, of: str, lang: str) -> Column:
    """A deadline rate's column; its header names the base (…，占计入考核的探测)."""
    if lang == "zh":
        zh = f"{zh[:-1]}，{of}）" if zh.endswith("）") else f"{zh}（{of}）"
    else:
        en = f"{en[:-1]}, {of})" if en.endswith(")") else f"{en} ({of})"
    return Column(key.removesuffix("_rate"), zh, en, "percent")


def _rate_cells(r: ReplyRates) -> list[Cell]:
    """The base, then each deadline rate rounded once (numbers.py)."""
    return [r.base, *(deadline_rate(r, key).value for key in DEADLINE_RATES)]


def all_tables(score: CampaignScore, lang: str = "zh",
               compare: Comparison | None = None) -> list[Table]:
    """Every table, in report order."""
    tables = [summary_table(score, lang), categories_table(score, lang),
              units_table(score, lang), probes_table(score, lang),
              evidence_table(score, lang), overrides_table(score, lang),
              excluded_table(score, lang)]
    if compare is not None:
        tables.insert(3, comparison_table(compare, lang))
    if score.deadlines is not None:
        tables.append(deadlines_table(score, lang))
    return tables


def top_units(units: Iterable[UnitScore], n: int) -> list[UnitScore]:
    return [u for u in units if u.rank is not None][:n]
