"""Forms a government world written by someone else is likely to hold and the first cases
of tests/e2e/test_gov_world.py do not, each with its expected kind and match (issue 9).

| group      | forms                                                                         |
|------------|-------------------------------------------------------------------------------|
| clients    | Outlook "-----原始邮件-----", QQ Mail and 163/Coremail HTML only (&nbsp;, <br>, |
|            | blockquote), Gmail "于…写道：", Thunderbird "在 …星期二…写道：", Foxmail        |
|            | "发件人：", GBK labelled gb2312, a reply filed in Junk                          |
| typed      | only "回复：/答复：/Re：<probe subject>", codes in full width, split in a group,  |
|            | wrapped in a "> " quote, typed with 一; case systems' answers (答复如下, 经核实) |
|            | without or with Auto-Submitted; "收到，已转相关科室办理。"; replies that mention |
|            | 退回, 自动回复, or an old mailbox 已停用                                         |
| automatic  | QQ/Exmail and "（自动回复）" replies without RFC 3834 headers; receipts with     |
|            | 受理编号 (in a reply too), the code in brackets, a 12345 工单编号;               |
|            | "此邮箱已停用" without headers; a read receipt (no reply: for staff); 139      |
|            | mail's signed responder                                                       |
| strangers  | the probe forwarded back (with or without a note: low confidence, never        |
|            | credited), 回复：<a probe's subject> without the code, a code that is no        |
|            | probe's, newsletters, spam in Junk, a QQ holiday reply to mail never sent,    |
|            | backscatter naming a probed address                                           |
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

from tests.e2e.gov_mail import (
    Expect,
    Sent,
    backscatter,
    forwarded_probe,
    foxmail_block,
    full_width,
    gbk_as_gb2312,
    gmail_cn,
    gov,
    html_letter,
    letter,
    netease_html,
    original_block,
    qq_html,
    quoted,
    read_receipt,
    thunderbird_cn,
)

Add = Callable[[str, EmailMessage | bytes, Expect], None]


def blind_forms(ours: str, p: dict[str, Sent], add: Add) -> None:
    """Forms a world written by someone else is likely to hold and the cases above do not:
    more mail clients' quote headers, typed codes, prefixes, acknowledgements, read receipts,
    mail filed in Junk, and more strangers."""
    _blind_clients(ours, p, add)
    _blind_typed(ours, p, add)
    _blind_automatic(ours, p, add)
    _blind_strangers(ours, p, add)


def _blind_clients(ours: str, p: dict[str, Sent], add: Add) -> None:
    a = f"fgwxx@{gov('fgw')}"
    add(a, letter(a, ours, f"答复: {p[a].subject}", "张先生：\n\n您好！发改委政务窗口工作日"
                  "8:30-12:00、14:30-17:30受理。\n\n市发改委办公室"
                  + original_block(p[a], ours, a)),
        Expect("Outlook 中文 -----原始邮件-----, no thread headers", "human_reply", a))
    a, clerk = f"kjjxx@{gov('kjj')}", "kjj_zhou@qq.com"
    add(clerk, qq_html(clerk, ours, p[a], "您好，科技局窗口工作日8:30-12:00、14:30-17:30受理，"
                       "周末不办公。\n科技局 周"),
        Expect("QQ Mail HTML only, from a clerk's qq.com, code in subject and quote",
               "human_reply", a))
    a, clerk = f"gxjxx@{gov('gxj')}", "gxj_xu@163.com"
    add(clerk, netease_html(clerk, ours, p[a], "您好：\n工信局窗口工作日9:00-17:00受理。", "您好"),
        Expect("163 webmail HTML, 写道 blockquote, new subject: code only in the quote",
               "human_reply", a))
    a = f"sthjxx@{gov('sthj')}"
    add(a, letter(a, ours, f"Re: {p[a].subject}", "您好，生态环境局窗口工作日8:30-17:30。"
                  + gmail_cn(p[a], ours), in_reply_to=p[a].message_id,
                  references=p[a].message_id),
        Expect("Gmail 中文 于…写道 quote", "human_reply", a))
    a = f"rfbxx@{gov('rfb')}"
    add(a, gbk_as_gb2312(a, ours, p[a]),
        Expect("GBK labelled gb2312 (喆 镕 堃), no thread headers", "human_reply", a))
    a = f"gxsxx@{gov('gxs')}"
    add(a, netease_html(a, ours, p[a], "您好！供销社窗口工作日8:00-12:00，14:30-17:30。",
                        f"Re:{p[a].subject}"),
        Expect("Coremail HTML only from the probed address, no thread headers", "human_reply",
               a))
    a = f"kxxx@{gov('kx')}"
    add(a, letter(a, ours, f"回复: {p[a].subject}", "您好，科协办事窗口地址在市民之家3楼，"
                  "工作日均可办理。" + foxmail_block(p[a], ours, a)),
        Expect("Foxmail 发件人： block; an answer that gives an address", "human_reply", a,
               substantive=True))
    a = f"hszhxx@{gov('hszh')}"
    add(a, letter(a, ours, f"回复:{p[a].subject}", "您好，红十字会窗口工作日8:30-17:00受理。"
                  + thunderbird_cn(p[a])),
        Expect("Thunderbird 在 …星期二…, 张明 写道： quote", "human_reply", a))
    a = f"ggzyxx@{gov('ggzy')}"
    junk = letter(a, ours, f"回复：{p[a].subject}", "您好，交易中心窗口工作日8:30-17:30。\n"
                  + quoted(p[a], ours), in_reply_to=p[a].message_id)
    junk["X-Spam-Flag"] = "YES"
    add(a, junk, Expect("reply filed in Junk by the spam filter", "human_reply", a))


def _blind_typed(ours: str, p: dict[str, Sent], add: Add) -> None:
    a, colleague = f"whlyxx@{gov('whly')}", f"bgs@{gov('whly')}"
    add(colleague, letter(colleague, ours, f"Re：{p[a].subject}",
                          "您好，窗口工作日8:30-17:30受理，周六上午有人值班。\n"),
        Expect("quote removed, only Re：<probe subject>, from a colleague", "human_reply", a))
    a = f"scjgxx@{gov('scjg')}"
    add(a, letter(a, ours, f"答复：{p[a].subject}", "您好！市场监管局窗口工作日9:00-17:00受理。\n"),
        Expect("答复： prefix, quote removed, no thread headers", "human_reply", a))
    a, clerk = f"gzwxx@{gov('gzw')}", "gzw_he@139.com"
    add(clerk, letter(clerk, ours, "关于您咨询的答复", f"您好，来信（{full_width(p[a].code)}）"
                      "收悉：国资委窗口工作日8:30-17:30受理。\n"),
        Expect("clerk's 139.com mail, full-width code in the body only", "human_reply", a))
    a, clerk = f"tyjxx@{gov('tyj')}", "tyj_sun@foxmail.com"
    c = p[a].code
    add(clerk, letter(clerk, ours, "回复您的咨询", f"您好，关于您编号为{c[:6]}\n{c[6:]}的来信，"
                      "体育局窗口工作日均可办理。\n"),
        Expect("clerk's foxmail.com mail, code split inside a group", "human_reply", a))
    a, clerk = f"dsjxx@{gov('dsj')}", "dsj_lin@163.com"
    c = p[a].code
    wrapped = "".join(f"> {line}\n" for line in p[a].body.replace(c, f"{c[:7]}\n{c[7:]}")
                      .splitlines())
    add(clerk, letter(clerk, ours, "答复您的咨询", "您好，大数据中心窗口工作日9:00-17:00。\n\n"
                      f"在 2026-12-01 10:00:05，\"张明\" <{ours}> 写道：\n{wrapped}"),
        Expect("clerk's 163.com reply, the quoted code wrapped over \"> \" lines",
               "human_reply", a))
    a, clerk = f"glxx@{gov('gl')}", "gl_zhao@qq.com"
    add(clerk, letter(clerk, ours, f"关于{p[a].code.replace('-', '一')}的答复",
                      "您好，公路中心窗口工作日8:30-17:30受理。\n"),
        Expect("clerk's qq.com mail, code typed with 一 for the dashes", "human_reply", a))
    a, system = f"zsjxx@{gov('zsj')}", f"noreply@{gov('zsj')}"
    add(system, letter(system, ours, f"关于{p[a].code}号来信的答复",
                       f"张明：\n\n您好！您的来信（编号：{p[a].code}）已办结，答复如下：\n"
                       "政务服务大厅工作日8:30-17:30受理，周六上午开放综合窗口。\n\n"
                       "市政务服务和大数据管理局\n此邮件由系统自动发送，请勿直接回复。\n",
                       name="12345政务服务便民热线"),
        Expect("case system's 答复如下 with the code, no Auto-Submitted", "human_reply", a))
    a, system = f"bdcxx@{gov('bdc')}", f"xfxt@{gov('bdc')}"
    finding = letter(system, ours, f"您的来信已办结（{p[a].code}）",
                     "张明：您好！关于您反映的窗口办公时间问题，经核实，我中心窗口工作日8:30-17:30"
                     "受理，中午有人值班。\n此邮件由系统自动发送，请勿直接回复。\n")
    finding["Auto-Submitted"] = "auto-generated"
    add(system, finding, Expect("case system's answer opening with 经核实, Auto-Submitted",
                                "human_reply", a, substantive=True))
    a = f"clxx@{gov('cl')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "收到，已转相关科室办理。\n"
                  + quoted(p[a], ours), in_reply_to=p[a].message_id),
        Expect("short 收到，已转相关科室办理。", "human_reply", a, substantive=False))
    a = f"lsjxx@{gov('lsj')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "您好，前几天本邮箱空间已满，部分来信被退回，"
                  "现已清理。粮食局窗口工作日8:30-17:30受理。\n" + quoted(p[a], ours),
                  in_reply_to=p[a].message_id),
        Expect("human reply about a full mailbox and returned mail", "human_reply", a,
               substantive=True))
    a = f"tcxx@{gov('tc')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "您好，原来的邮箱已停用，今后请发到本邮箱。"
                  "关于您咨询的办公时间：工作日上午9:00-12:00，下午1:30-5:30，中午有人值班。\n"
                  + quoted(p[a], ours), in_reply_to=p[a].message_id),
        Expect("answer that opens with 原来的邮箱已停用", "human_reply", a, substantive=True))
    a = f"xczxxx@{gov('xczx')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "您好，抱歉此前邮箱设置了自动回复。现答复如下："
                  "窗口工作日9:00-17:00受理。\n" + quoted(p[a], ours)),
        Expect("human reply that mentions 自动回复", "human_reply", a))


def _blind_automatic(ours: str, p: dict[str, Sent], add: Add) -> None:
    a = f"flxx@{gov('fl')}"
    qq = letter(a, ours, f"自动回复：{p[a].subject}", "您好，您的邮件我已收到，我会尽快处理。\n")
    qq["X-QQ-AUTO-REPLY"] = "true"
    qq["X-QQ-MIME"] = "TCMime 1.0 by Tencent"
    add(a, qq, Expect("Exmail 自动回复： (full-width), X-QQ-AUTO-REPLY only", "auto_reply", a))
    a = f"qbxx@{gov('qb')}"
    add(a, letter(a, ours, "来信已收到", "您好！您的来信已收到，我们将在5个工作日内回复。"
                  "受理编号：QB20261201-0035，可凭此编号查询办理进度。\n市侨办\n"),
        Expect("acknowledgement 5个工作日内回复 with 受理编号, no headers", "auto_reply", a))
    a = f"mzwxx@{gov('mzw')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "您好！您的来信已收到，受理编号：MZW2026-0415，"
                  "我们将在5个工作日内答复。\n", in_reply_to=p[a].message_id),
        Expect("acknowledgement with 受理编号 in a reply (回复：, In-Reply-To)", "auto_reply", a))
    a, system = f"yjsxx@{gov('yjs')}", f"xxgk@{gov('yjs')}"
    add(system, letter(system, ours, "来信受理通知", f"您好！您的来信（编号{p[a].code}）已收到，"
                       "我们将在5个工作日内答复。\n"),
        Expect("acknowledgement naming the code in brackets: 来信（编号…）已收到", "auto_reply", a))
    a, hotline = f"mzwxx@{gov('mzw')}", "12345@changde.gov.cn"
    add(hotline, letter(hotline, ours, f"【12345】工单受理通知（{p[a].code}）",
                        "尊敬的市民：您反映的问题已受理，工单编号：CD20261201000123，承办单位将在"
                        "5个工作日内联系您。\n"),
        Expect("12345 hotline receipt with 工单编号 and the code", "auto_reply", a))
    a = f"qxjxx@{gov('qxj')}"
    add(a, letter(a, ours, f"自动回复：{p[a].subject}",
                  f"您好，此邮箱已停用，请改发至 bgs@{gov('qxj')}。\n"),
        Expect("此邮箱已停用 notice without RFC 3834 headers", "bounce", a, None, "suspend"))
    a = f"jrjxx@{gov('jrj')}"
    add(a, read_receipt(a, ours, p[a]),
        Expect("read receipt (MDN) 已读: no reply, for staff", "unknown", a, "unknown_kind"))
    a = f"zghxx@{gov('zgh')}"
    add(a, letter(a, ours, f"（自动回复）Re：{p[a].subject}",
                  "您好，您的邮件已收到，我会尽快回复您。\n"),
        Expect("（自动回复）Re： subject, no headers", "auto_reply", a))
    a = "gqtxx@139.com"
    add(a, letter(a, ours, f"Re:{p[a].subject}",
                  "您的来信已收到，我会尽快回信。\n【来自139邮箱的自动回复】\n"),
        Expect("139 mail auto-reply 您的来信已收到，我会尽快回信。", "auto_reply", a))


def _blind_strangers(ours: str, p: dict[str, Sent], add: Add) -> None:
    a, someone = f"gajxx@{gov('gaj')}", "wang_lei88@qq.com"
    add(someone, forwarded_probe(someone, ours, p[a], a),
        Expect("stranger: our probe forwarded back with nothing of its own",
               ("human_reply", "unknown"), a, "low_confidence"))
    a, someone = f"dzjxx@{gov('dzj')}", "zhou_ping@163.com"
    note = forwarded_probe(someone, ours, p[a], a)
    note.set_content("请问这封信是你们发的吗？\n" + str(note.get_content()))
    add(someone, note, Expect("someone forwards the probe to us with a question",
                              ("human_reply", "unknown"), a, "low_confidence"))
    citizen = "liu_min@126.com"
    add(citizen, letter(citizen, ours, "回复：咨询办事窗口的办公时间",
                        "我也想问这个问题，请问有答复了吗？\n"),
        Expect("stranger: 回复：<a probe's subject> without the code, 126.com",
               ("human_reply", "unknown"), None, "unmatched"))
    news = html_letter("newsletter@qq.com", ours, "QQ邮箱订阅：本周精选",
                       "<div>本周精选文章……</div><div><a href=\"https://example.com/u\">退订</a></div>",
                       List_Unsubscribe="<mailto:unsubscribe@qq.com>", Precedence="bulk")
    add("newsletter@qq.com", news, Expect("stranger: HTML newsletter from qq.com",
                                          ("unknown", "auto_reply"), None, "unmatched"))
    spam = letter("promo_77@foxmail.com", ours, "【优惠】办公用品批发", "全场五折，详询微信。\n")
    spam["X-Spam-Flag"] = "YES"
    add("promo_77@foxmail.com", spam, Expect("stranger: spam filed in Junk",
                                             ("human_reply", "unknown", "auto_reply"), None,
                                             "unmatched"))
    other = "zhao_qiang@163.com"
    add(other, letter(other, ours, "关于编号MP-12345-ABCDE的问题", "您好，我的件编号是"
                      "MP-12345-ABCDE，请问办到哪一步了？\n"),
        Expect("stranger: a code that is no probe's", ("human_reply", "unknown"), None,
               "unmatched"))
    add("", backscatter(ours, "dagxx@qq.com", "mx3.qq.com"),
        Expect("stranger: backscatter naming a probed address, another message returned",
               "bounce", None, "unmatched"))
    away = letter("chen_jie@qq.com", ours, "自动回复: 你好",
                  "这是来自QQ邮箱的假期自动回复邮件。\n您好，我最近正在休假中。\n")
    away["X-QQ-AUTO-REPLY"] = "true"
    add("", away, Expect("stranger: QQ holiday auto-reply to mail we never sent",
                         "auto_reply", None, "unmatched"))
