"""A simulated Chinese government world, end to end through real servers (issue 9 §3).

Sixty-five units publish mailboxes on their own domains or on free-mail services. Postfix
delivers the probes into Dovecot, bounces unknown users and full mailboxes with real DSNs,
and relays the Sieve vacation replies; clerks answer in the forms seen in Chinese offices
(top-posted with "原始邮件", from a personal qq.com/163.com address with the code typed by
hand, HTML only, GB18030, forwarded to another department, case and petition systems), and
strangers write from the same free-mail domains. mailprobe then polls, classifies, matches
and scores, and every message is checked for its kind and the probe it is credited to (or
the review reason) — above all, that no stranger is credited to any unit.

``gov_forms.blind_forms`` adds what a world written by someone else is likely to hold and
the first cases do not (its docstring lists them): more mail clients' quote headers, typed
codes, acknowledgements, a read receipt, Sieve :from, reject and redirect, mail filed in
Junk, and more strangers (the probe forwarded back, backscatter naming a probed address).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

import pytest

from mailprobe.config import (
    CampaignSettings,
    DnsSettings,
    ImapSettings,
    ProbeSettings,
    Settings,
    SmtpSettings,
)
from mailprobe.review import review_items
from mailprobe.score import load_calendar
from mailprobe.service import campaigns, lifecycle, open_db, receive, reports, setup
from mailprobe.store import Database
from mailprobe.store.campaigns import get_campaign
from mailprobe.store.messages import messages_with_verdicts
from mailprobe.store.probes import probe_rows
from mailprobe.token import code
from tests.conftest import FixedClock
from tests.e2e.gov_forms import blind_forms
from tests.e2e.gov_mail import (
    ANSWER,
    Expect,
    Sent,
    backscatter,
    gb18030_reply,
    gov,
    html_only,
    letter,
    quoted,
    typed,
)
from tests.servers.dovecot import Dovecot, MailUser
from tests.servers.fixtures import _require_mail_servers
from tests.servers.postfix import Postfix
from tests.servers.postgres import pg_schema
from tests.servers.process import free_port, wait_until, world_readable_dir

pytestmark = pytest.mark.servers

PROBE_DOMAIN = "probe.test"
FREE_MAIL = ("163.com", "126.com", "qq.com", "sina.com", "sina.com.cn", "139.com", "foxmail.com")


def vacation(subject: str | None, reason: str) -> str:
    """A Sieve vacation script (RFC 5230) as a clerk's mail client would install it."""
    head = f':subject "{subject}" ' if subject else ""
    return f'require "vacation";\nvacation :days 1 {head}"{reason}";\n'


# What each published mailbox is and does. "user": a Dovecot account (else an unknown user);
# "sieve": its vacation script; "quota": a full mailbox.
@dataclass(frozen=True)
class Box:
    unit_id: str
    unit_name: str
    mtype: str
    address: str
    user: bool = True
    sieve: str | None = None
    quota: str | None = None
    keeps_mail: bool = True  # False: its Sieve script rejects or redirects every message


BOXES = (
    Box("U01", "武陵区人民政府", "public", f"gzxx@{gov('wuling')}", user=False),
    Box("U01", "武陵区人民政府", "leader", f"ldxx@{gov('wuling')}"),
    Box("U02", "鼎城区人民政府", "public", f"gzxx@{gov('dingcheng')}", quota="*:storage=1K"),
    Box("U03", "安乡县人民政府", "public", f"zwgk@{gov('anxiang')}",
        sieve=vacation("自动回复：外出学习",
                       "您好，本人3月2日至6日外出学习，邮件无法及时处理，回来后尽快回复。")),
    Box("U04", "汉寿县人民政府", "public", f"office@{gov('hanshou')}",
        sieve=vacation("Out of Office", "I am out of the office until 9 March with no access "
                       "to e-mail. For urgent matters please call the county office.")),
    Box("U05", "澧县人民政府", "public", f"lxxx@{gov('lixian')}",
        sieve=vacation("自动应答：此邮箱已停用",
                       "此邮箱已停用，请将来信发送至 lxzf@lixian.changde.gov.cn，谢谢。")),
    Box("U06", "临澧县人民政府", "public", f"gzxx@{gov('linli')}"),
    Box("U07", "桃源县人民政府", "public", f"gzxx@{gov('taoyuan')}"),
    Box("U08", "石门县人民政府", "public", f"gzxx@{gov('shimen')}"),
    Box("U09", "津市市人民政府", "public", f"gzxx@{gov('jinshi')}"),
    Box("U10", "市教育局", "public", f"jyjxx@{gov('jyj')}"),
    Box("U11", "市民政局", "public", f"mzjxx@{gov('mzj')}"),
    Box("U12", "市信访局", "public", f"xfjxx@{gov('xfj')}"),
    Box("U13", "市住房和城乡建设局", "public", f"zjjxx@{gov('zjj')}"),
    Box("U14", "市公安局", "public", f"gajxx@{gov('gaj')}"),
    Box("U14", "市公安局", "leader", f"jzxx@{gov('gaj')}"),
    Box("U15", "市财政局", "public", "czjxx@163.com"),
    Box("U16", "市卫生健康委员会", "public", f"wjwxx@{gov('wjw')}"),
    Box("U17", "市商务局", "public", f"swjxx@{gov('swj')}",
        sieve=vacation(None, "您的邮件已收到，我们会尽快处理，谢谢。")),
    Box("U18", "市审计局", "public", f"sjjxx@{gov('sjj')}"),
    Box("U18", "市审计局", "leader", f"jzxx@{gov('sjj')}", user=False),
    Box("U19", "市统计局", "public", f"tjjxx@{gov('tjj')}"),
    Box("U20", "市档案馆", "public", "dagxx@qq.com"),
    Box("U21", "市林业局", "public", f"lyjxx@{gov('lyj')}"),
    Box("U21", "市林业局", "leader", f"jzxx@{gov('lyj')}"),
    Box("U22", "市自然资源和规划局", "public", f"zrjxx@{gov('zrj')}", user=False),
    Box("U23", "市司法局", "public", "sfjxx@qq.com"),
    Box("U24", "市水利局", "public", f"slj@{gov('slj')}", user=False),
    Box("U25", "市人力资源和社会保障局", "public", f"rsjxx@{gov('rsj')}"),
    Box("U26", "市交通运输局", "public", f"jtjxx@{gov('jtj')}"),
    Box("U27", "市医疗保障局", "public", f"ybjxx@{gov('ybj')}"),
    Box("U28", "市农业农村局", "public", f"nyjxx@{gov('nyj')}"),
    Box("U29", "市应急管理局", "public", f"yjjxx@{gov('yjj')}"),
    Box("U30", "市城市管理和综合执法局", "public", f"cgjxx@{gov('cgj')}"),
    Box("U31", "市行政审批服务局", "public", "xzspj@sina.com.cn"),
    Box("U32", "市退役军人事务局", "public", f"tyjrxx@{gov('tyjr')}"),
    # Forms a world written by someone else may hold (tests/e2e/gov_forms.py).
    Box("U33", "市发展和改革委员会", "public", f"fgwxx@{gov('fgw')}"),
    Box("U34", "市科学技术局", "public", f"kjjxx@{gov('kjj')}"),
    Box("U35", "市工业和信息化局", "public", f"gxjxx@{gov('gxj')}"),
    Box("U36", "市生态环境局", "public", f"sthjxx@{gov('sthj')}"),
    Box("U37", "市文化旅游广电局", "public", f"whlyxx@{gov('whly')}"),
    Box("U38", "市市场监督管理局", "public", f"scjgxx@{gov('scjg')}"),
    Box("U39", "市国有资产监督管理委员会", "public", f"gzwxx@{gov('gzw')}"),
    Box("U40", "市体育局", "public", f"tyjxx@{gov('tyj')}"),
    Box("U41", "市人民防空办公室", "public", f"rfbxx@{gov('rfb')}"),
    Box("U42", "市机关事务管理局", "public", f"jgswxx@{gov('jgsw')}",
        sieve=('require ["vacation"];\nvacation :days 3 :subject "Re: 来信收悉" '
               ':from "机关事务局办公室 <jgswxx@jgsw.changde.gov.cn>" '
               ':addresses ["jgswxx@jgsw.changde.gov.cn"] '
               '"您好，来信收悉。本邮箱工作日处理来信，我们将尽快答复。";\n')),
    Box("U43", "市妇女联合会", "public", f"flxx@{gov('fl')}"),
    Box("U44", "市人民政府侨务办公室", "public", f"qbxx@{gov('qb')}"),
    Box("U45", "市政务服务和大数据管理局", "public", f"zsjxx@{gov('zsj')}"),
    Box("U46", "市残疾人联合会", "public", f"clxx@{gov('cl')}"),
    Box("U47", "市气象局", "public", f"qxjxx@{gov('qxj')}"),
    Box("U48", "市地方金融监督管理局", "public", f"jrjxx@{gov('jrj')}"),
    Box("U49", "市公共资源交易中心", "public", f"ggzyxx@{gov('ggzy')}"),
    Box("U50", "市总工会", "public", f"zghxx@{gov('zgh')}"),
    Box("U51", "共青团市委", "public", "gqtxx@139.com"),
    Box("U52", "市粮食和物资储备局", "public", f"lsjxx@{gov('lsj')}"),
    Box("U53", "市乡村振兴局", "public", f"xczxxx@{gov('xczx')}"),
    Box("U54", "市供销合作社", "public", f"gxsxx@{gov('gxs')}"),
    Box("U55", "市科学技术协会", "public", f"kxxx@{gov('kx')}"),
    Box("U56", "市红十字会", "public", f"hszhxx@{gov('hszh')}"),
    Box("U57", "市机关工委", "public", f"jggwxx@{gov('jggw')}",
        sieve='require "reject";\nreject "此邮箱已停止使用，请通过市政府门户网站留言。";\n',
        keeps_mail=False),
    Box("U58", "市档案局", "public", f"dajxx@{gov('daj')}",
        sieve=f'redirect "old_dajxx@{gov("daj")}";\n', keeps_mail=False),
    Box("U59", "市地震局", "public", f"dzjxx@{gov('dzj')}"),
    Box("U60", "市民族宗教事务委员会", "public", f"mzwxx@{gov('mzw')}"),
    Box("U61", "市政府研究室", "public", f"yjsxx@{gov('yjs')}"),
    Box("U62", "市投资促进事务中心", "public", f"tcxx@{gov('tc')}"),
    Box("U63", "市大数据中心", "public", f"dsjxx@{gov('dsj')}"),
    Box("U64", "市公路建设养护中心", "public", f"glxx@{gov('gl')}"),
    Box("U65", "市不动产登记中心", "public", f"bdcxx@{gov('bdc')}"),
)
# Our own mailbox files what the spam filter flagged into Junk (mailprobe polls both).
SPAM_FILTER = ('require "fileinto";\nif header :is "X-Spam-Flag" "YES" '
               '{ fileinto "Junk"; stop; }\n')
DEFERRING = gov("slj")  # routed to Postfix's retry: transport, which always defers
DOMAINS = tuple(sorted(({b.address.rpartition("@")[2] for b in BOXES} | set(FREE_MAIL)
                        | {PROBE_DOMAIN}) - {DEFERRING}))


# -------------------------------------------------------------------------- the servers


@pytest.fixture
def servers() -> Iterator[tuple[Dovecot, Postfix]]:
    """A fresh Dovecot and a Postfix that serves every unit's domain and the free-mail
    domains locally; Dovecot's Sieve vacation replies go back through this Postfix."""
    _require_mail_servers()
    dovecot = Dovecot(world_readable_dir("mailprobe-world-dovecot-"), submission_port=free_port())
    postfix = Postfix.start_new(lmtp_port=dovecot.lmtp_port, smtp_port=dovecot.submission_port,
                                domains=DOMAINS, delay_warning="2s", extra_transports={
                                    DEFERRING: "retry:4.4.1 simulated temporary failure"})
    try:
        dovecot.start()
        yield dovecot, postfix
    finally:
        dovecot.cleanup()
        postfix.cleanup()


@dataclass
class World:
    dovecot: Dovecot
    mta: Postfix
    ours: MailUser
    users: dict[str, MailUser]
    settings: Settings
    factory: Database
    clock: FixedClock


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'world.db'}"
    else:
        with pg_schema("world") as url:
            yield url


@pytest.fixture
def world(request: pytest.FixtureRequest, servers: tuple[Dovecot, Postfix], database_url: str,
          tmp_path, monkeypatch: pytest.MonkeyPatch) -> World:  # type: ignore[no-untyped-def]
    """The units' mailboxes and a launched campaign; probes go out with a VERP return path
    (bounces and vacation replies carry the token back) or with our plain address."""
    dovecot, gov_postfix = servers
    ours = dovecot.create_user(domain=PROBE_DOMAIN, vacation=SPAM_FILTER)
    users = {b.address: dovecot.create_user(b.address.split("@")[0], domain=b.address
                                             .rpartition("@")[2], vacation=b.sieve,
                                             quota=b.quota)
             for b in BOXES if b.user}
    monkeypatch.setenv("MP_WORLD_IMAP_PASSWORD", ours.password)
    local = ours.address.split("@")[0]
    settings = Settings(
        smtp=SmtpSettings(host="127.0.0.1", port=gov_postfix.smtp_port, tls="none", timeout=10),
        imap=ImapSettings(host="127.0.0.1", port=dovecot.imap_port, tls="none",
                          username=ours.address, password_env="MP_WORLD_IMAP_PASSWORD",
                          batch=20),
        probe=ProbeSettings(from_=ours.address, from_name="张明",
                            return_path=(f"{local}+{{token}}@{PROBE_DOMAIN}"
                                         if request.param == "verp" else "")),
        campaign=CampaignSettings(unit_spacing_minutes=0),
        dns=DnsSettings(check=False))
    settings = replace(settings, database=replace(settings.database, url=database_url))
    # Real time: the servers stamp INTERNALDATE now, and matching by sender needs the window.
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    factory = open_db(settings, create=True)
    registry = tmp_path / "单位名录.csv"
    registry.write_text(_registry_csv(), encoding="utf-8-sig")
    imported = setup.import_units(registry, settings, clock=clock)
    assert not imported.errors, imported.errors
    campaigns.create(settings, "world", TEMPLATES, ["public", "leader"], 20, seed=9,
                     clock=clock)
    lifecycle.launch(settings, "world", clock=clock)
    return World(dovecot, gov_postfix, ours, users, settings, factory, clock)


TEMPLATES = ["consult_office_hours", "business_licence_documents", "elderly_subsidy"]


def _registry_csv() -> str:
    """The registry as staff keep it: Chinese headers, one row per unit."""
    rows: dict[str, dict[str, str]] = {}
    for box in BOXES:
        row = rows.setdefault(box.unit_id, {"name": box.unit_name, "public": "", "leader": ""})
        row[box.mtype] = box.address
    return "单位编号,单位名称,类别,公开信箱,领导信箱\n" + "".join(
        f"{uid},{r['name']},市直部门,{r['public']},{r['leader']}\n" for uid, r in rows.items())


# -------------------------------------------------------------------------- people's mail


def _as_sent(w: World) -> dict[str, Sent]:
    """Every probe as sent, its body as the unit's mailbox received it (where it did)."""
    full = {b.address for b in BOXES if b.quota or not b.keeps_mail}
    with w.factory() as s:
        rows = probe_rows(s, get_campaign(s, "world").id)
    return {p.address: Sent(p.message_id, p.subject,
                            _received_body(w, p.address) if p.address in w.users
                            and p.address not in full else "", code(p.token))
            for p in rows}


def _received_body(w: World, address: str) -> str:
    [raw] = w.dovecot.wait_for_mail(w.users[address], 1)
    body = message_from_bytes(raw, policy=policy.default).get_body(("plain",))
    return body.get_content() if body is not None else ""


def scripted(w: World, probes: dict[str, Sent]) -> list[tuple[str, bytes, Expect]]:
    """Every message people send to our inbox: (envelope sender, raw bytes, expectation)."""
    ours = w.ours.address
    p = probes
    out: list[tuple[str, EmailMessage | bytes, Expect]] = []

    def add(sender: str, msg: EmailMessage | bytes, expect: Expect) -> None:
        out.append((sender, msg, expect))

    a = f"ldxx@{gov('wuling')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", ANSWER + quoted(p[a], ours),
                  in_reply_to=p[a].message_id, name="武陵区政府办"),
        Expect("top-posted reply, 原始邮件 quote, In-Reply-To", "human_reply", a,
               substantive=True))
    a = f"gzxx@{gov('linli')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "您好，工作日8:30-17:30，周末不受理。\n"),
        Expect("no In-Reply-To, code in the subject", "human_reply", a))
    a, clerk = f"gzxx@{gov('taoyuan')}", "lixiaoyun2019@qq.com"
    add(clerk, letter(clerk, ours, f"关于来信（编号{typed(p[a].code, 'fullwidth')}）的答复",
                      "张先生您好：\n\n您咨询的窗口时间为工作日9:00-17:00，中午有人值班。"
                      "\n\n桃源县政务中心 李\n"),
        Expect("clerk's qq.com mail, full-width code typed", "human_reply", a))
    a, clerk = f"gzxx@{gov('shimen')}", "smzwzx_wang@163.com"
    add(clerk, letter(clerk, ours, f"答复 编号：{typed(p[a].code, 'spaced')}",
                      "您好，办事窗口工作日上午8点半至12点，下午2点半至5点半。周末不办公。\n"),
        Expect("clerk's 163.com mail, 编号： lower case, space inside", "human_reply", a))
    a = f"gzxx@{gov('jinshi')}"
    add(a, html_only(a, ours, p[a]), Expect("HTML-only reply", "human_reply", a))
    a = f"jyjxx@{gov('jyj')}"
    add(a, gb18030_reply(a, ours, p[a]), Expect("GB18030 reply", "human_reply", a))
    a, dept = f"mzjxx@{gov('mzj')}", f"shjzk@{gov('mzj')}"
    add(dept, letter(dept, ours, f"回复：转发：{p[a].subject}",
                     "您好，此件由办公室转我科办理。窗口时间为工作日8:30-17:30。\n社会救助科\n"
                     + quoted(p[a], ours)),
        Expect("forwarded to a department, answered from the unit's domain", "human_reply", a))
    a, system = f"xfjxx@{gov('xfj')}", f"noreply@{gov('xfj')}"
    ack = letter(system, ours, "来信受理回执",
                 "您的来信已收到，我们将在15个工作日内依法办理并答复。\n"
                 "此邮件由系统自动发送，请勿直接回复。\n市信访局网上信访系统\n",
                 name="网上信访系统")
    ack["Auto-Submitted"] = "auto-generated"
    add(system, ack, Expect("petition system acknowledgement, no code", "auto_reply", a,
                            "low_confidence"))
    a, system = f"zjjxx@{gov('zjj')}", f"12345@{gov('zjj')}"
    answer = letter(system, ours, "您的来信已办结",
                    f"张明：\n\n您好！您于2026年3月2日反映的《{p[a].subject}》一事，现答复如下：\n"
                    "我局政务服务窗口受理时间为工作日上午8:30-12:00，下午2:30-5:30，中午安排人员值班，"
                    "周末及法定节假日不受理。\n\n市住房和城乡建设局\n\n此邮件由系统自动发送，请勿直接回复。\n",
                    name="市住建局案件办理系统")
    answer["Auto-Submitted"] = "auto-generated"
    add(system, answer, Expect("case system's answer 答复如下", "human_reply", a))
    a = "czjxx@163.com"
    add(a, letter(a, ours, "窗口时间", "您好，财政局窗口工作日8:30-17:00受理。\n"),
        Expect("fresh mail from the very 163.com address probed", "human_reply", a))
    a, colleague = f"wjwxx@{gov('wjw')}", f"bgs@{gov('wjw')}"
    add(colleague, letter(colleague, ours, "您好", "您咨询的事项请致电0736-7777777咨询。\n"),
        Expect("colleague at the unit's domain, nothing else ties it", "human_reply", a,
               "low_confidence"))
    a = f"sjjxx@{gov('sjj')}"
    both = letter(a, ours, f"回复：{p[a].subject}", ANSWER + quoted(p[a], ours),
                  in_reply_to=p[a].message_id)
    both.add_alternative(f"<div>{ANSWER}</div><blockquote>{p[a].body}</blockquote>",
                         subtype="html")
    both["X-Mailer"] = "Foxmail 7.2.25.228[cn]"
    add(a, both, Expect("Foxmail multipart/alternative reply", "human_reply", a))
    a = f"tjjxx@{gov('tjj')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}", "已收到。\n" + quoted(p[a], ours),
                  in_reply_to=p[a].message_id),
        Expect("brief 已收到", "human_reply", a, substantive=False))
    a, colleague = f"lyjxx@{gov('lyj')}", f"bgs@{gov('lyj')}"
    add(colleague, letter(colleague, ours, "关于咨询的回复",
                          "您好，工作日8:30-17:30均可办理。\n林业局办公室\n"),
        Expect("colleague at a unit's domain probed twice (public, leader)", "human_reply",
               (a, f"jzxx@{gov('lyj')}"), "low_confidence"))
    a, clerk = f"zrjxx@{gov('zrj')}", "zrj_chen@126.com"
    body = f"你好，关于编号{p[a].code[:9]}\n{p[a].code[9:]}的来信：窗口工作日均可办理。\n"
    add(clerk, letter(clerk, ours, "答复", body),
        Expect("clerk's 126.com answer, code broken over a line, the address bounced",
               "human_reply", a, "conflict"))
    a = "sfjxx@qq.com"
    qq = letter(a, ours, f"自动回复: {p[a].subject}",
                "这是来自QQ邮箱的假期自动回复邮件。\n您好，我最近正在休假中，无法亲自回复您的邮件。"
                "我将在假期结束后，尽快给您回复。\n")
    qq["X-QQ-AUTO-REPLY"] = "true"
    add(a, qq, Expect("QQ Mail holiday auto-reply to the From address", "auto_reply", a))
    a = f"rsjxx@{gov('rsj')}"
    coremail = letter(a, ours, f"Re:{p[a].subject}",
                      "您好，人社局服务窗口工作日8:30-12:00、14:30-17:30，周六上午有人值班。\n\n"
                      f"在 2026-03-02 09:00:05，\"张明\" <{ours}> 写道：\n"
                      + "".join(f"> {line}\n" for line in p[a].body.splitlines()),
                      in_reply_to=p[a].message_id, references=p[a].message_id)
    coremail["X-Mailer"] = "Coremail Webmail Server Version XT5.0.13"
    add(a, coremail, Expect("Coremail reply, 写道 quote", "human_reply", a))
    a = f"jtjxx@{gov('jtj')}"
    outlook = letter(a, ours, f"答复: {p[a].subject}",
                     "张先生：\n窗口时间为工作日上午9点至下午5点。\n\n"
                     f"发件人: 张明 <{ours}>\n发送时间: 2026年3月2日 9:00\n"
                     f"收件人: {a}\n主题: {p[a].subject}\n\n{p[a].body}",
                     in_reply_to=p[a].message_id)
    outlook["Thread-Index"] = "AdqM2wQ0Zk1mYwz7T2qk0xYzAAAAAA=="
    outlook["X-Mailer"] = "Microsoft Outlook 16.0"
    add(a, outlook, Expect("Outlook reply, 答复: and a 发件人 block", "human_reply", a))
    a = f"ybjxx@{gov('ybj')}"
    pdf = letter(a, ours, f"回复：{p[a].subject}", "您好，答复函详见附件。\n",
                 in_reply_to=p[a].message_id)
    pdf.add_attachment(b"%PDF-1.4\n% reply letter\n", maintype="application",
                       subtype="pdf", filename="答复函.pdf")
    add(a, pdf, Expect("reply with a PDF letter: 详见附件", "human_reply", a, substantive=True))
    a = f"nyjxx@{gov('nyj')}"
    add(a, letter(a, ours, f"回复：{p[a].subject}",
                  "您好，您的来信已收到，我们会尽快处理。\n" + quoted(p[a], ours),
                  in_reply_to=p[a].message_id),
        Expect("clerk types 来信已收到 by hand", "human_reply", a, substantive=False))
    a = f"yjjxx@{gov('yjj')}"
    oof = letter(a, ours, f"自动答复: {p[a].subject}",
                 "您好，我于3月2日至3月9日休假，期间不能及时回复邮件。急事请致电0736-7100000。\n",
                 in_reply_to=p[a].message_id)
    oof["Auto-Submitted"] = "auto-generated"
    oof["X-Auto-Response-Suppress"] = "All"
    oof["X-MS-Exchange-Inbox-Rules-Loop"] = a
    add(a, oof, Expect("Exchange out-of-office 自动答复", "auto_reply", a))
    a, clerk = f"cgjxx@{gov('cgj')}", "liu_cg@sina.com.cn"
    add(clerk, letter(clerk, ours, f"关于{p[a].code.replace('-', '_')}号来信的答复",
                      "您好，城管局窗口工作日8:30-17:30受理。\n"),
        Expect("clerk's sina.com.cn mail, code typed with underscores", "human_reply", a))
    a, host = f"tyjrxx@{gov('tyjr')}", f"xxk@mail.{gov('tyjr')}"
    add(host, letter(host, ours, "关于您咨询事项的回复", "您好，窗口工作日8:30-17:30受理。\n"),
        Expect("colleague on the unit's mail host (mail.<domain>), nothing else",
               "human_reply", a, "low_confidence"))
    # Strangers: none of them answers a probe.
    stranger = "fapiao888@sina.com"
    add(stranger, letter(stranger, ours, "代开各类正规发票，税点低",
                         "本公司长期代开增值税发票，点数优惠，联系微信 fp888。\n"),
        Expect("stranger: spam from sina.com", ("human_reply", "unknown", "auto_reply"), None,
               "unmatched"))
    news = letter("newsletter@163.com", ours, "网易邮箱精选 第12期", "本期内容：春季出游攻略……\n"
                  "如不想再收到此类邮件，请点击退订。\n")
    news["List-Unsubscribe"] = "<mailto:unsubscribe@163.com>"
    news["Precedence"] = "bulk"
    add("newsletter@163.com", news,
        Expect("stranger: newsletter from 163.com", ("unknown", "auto_reply"), None, "unmatched"))
    citizen = "zhangsan1987@163.com"
    add(citizen, letter(citizen, ours, "请问公积金怎么提取",
                        "你好，我想问一下住房公积金提取需要什么材料？谢谢。\n"),
        Expect("stranger: citizen's question from 163.com (a probed domain)",
               ("human_reply", "unknown"), None, "unmatched"))
    citizen = "lihua1990@sina.com.cn"
    add(citizen, letter(citizen, ours, "咨询", "您好，请问行政审批窗口在哪里？谢谢。\n"),
        Expect("stranger: question from sina.com.cn, where a unit's mailbox is",
               ("human_reply", "unknown"), None, "unmatched"))
    other = "xiaoming_2020@qq.com"
    add(other, letter(other, ours, "Re: 咨询办事窗口的办公时间", "周末也可以去吗？\n",
                      in_reply_to=make_msgid(domain="qq.com")),
        Expect("stranger: qq.com reply to another thread, same words", "human_reply", None,
               "unmatched"))
    away = letter("wangfang_88@126.com", ours, "自动回复：你好",
                  "您好，我正在休假，3月10日后回复您的邮件。\n")
    away["Auto-Submitted"] = "auto-replied"
    add("", away, Expect("stranger: 126.com vacation reply to mail we never sent", "auto_reply",
                         None, "unmatched"))
    add("", backscatter(ours), Expect("stranger: backscatter DSN for mail we never sent",
                                      "bounce", None, "unmatched"))
    blind_forms(ours, p, add)
    return [(s, m if isinstance(m, bytes) else bytes(m), e) for s, m, e in out]


AUTOMATIC = (
    Expect("Postfix DSN: unknown user", "bounce", f"gzxx@{gov('wuling')}", None,
           "userunknown"),
    Expect("Postfix DSN: unknown user (leader)", "bounce", f"jzxx@{gov('sjj')}", None,
           "userunknown"),
    Expect("Postfix DSN: unknown user, a clerk answered too", "bounce", f"zrjxx@{gov('zrj')}",
           "conflict", "userunknown"),
    Expect("Postfix DSN: mailbox full (quota)", "bounce", f"gzxx@{gov('dingcheng')}", None,
           "mailboxfull"),
    Expect("Postfix delay warning", "delay", f"slj@{gov('slj')}", None),
    Expect("Sieve vacation, Chinese subject", "auto_reply", f"zwgk@{gov('anxiang')}"),
    Expect("Sieve vacation, English subject", "auto_reply", f"office@{gov('hanshou')}"),
    Expect("Sieve 此邮箱已停用 notice", "bounce", f"lxxx@{gov('lixian')}", None, "suspend"),
    Expect("Sieve vacation, default subject", "auto_reply", f"swjxx@{gov('swj')}"),
    Expect("Sieve reject (RFC 5429)", "bounce", f"jggwxx@{gov('jggw')}"),
    Expect("Sieve redirect to an unknown user", "bounce", f"dajxx@{gov('daj')}", None,
           "userunknown"),
    Expect("Sieve vacation with :from, :subject \"Re: 来信收悉\", :days, :addresses",
           "auto_reply", f"jgswxx@{gov('jgsw')}"),
)
JUNKED = 2  # the reply and the spam flagged X-Spam-Flag: YES
SILENT = frozenset({f"gajxx@{gov('gaj')}", f"jzxx@{gov('gaj')}", "dagxx@qq.com",
                    "xzspj@sina.com.cn"})


# -------------------------------------------------------------------------- the test


@pytest.mark.parametrize(("world", "database_url"), [
    ("verp", "sqlite"),
    pytest.param("plain", "postgresql", marks=pytest.mark.postgres),
], indirect=True)
def test_gov_world_kinds_and_matches(world: World) -> None:
    w = world
    sent = campaigns.send(w.settings, "world", clock=w.clock)
    assert sent.counts["accepted"] == len(BOXES), sent.counts
    probes = _as_sent(w)
    messages = scripted(w, probes)
    for sender, raw, _ in messages:
        w.mta.send(sender, [w.ours.address], raw)
    expected = len(messages) + len(AUTOMATIC)
    wait_until(lambda: (len(w.dovecot.messages(w.ours))
                        + len(w.dovecot.messages(w.ours, "Junk"))) >= expected,
               f"{expected} messages in our inbox and Junk", 40, log=w.mta.log)
    assert len(w.dovecot.messages(w.ours, "Junk")) == JUNKED

    polled = receive.poll(w.settings, w.clock)
    assert polled.polled.new == expected
    rows = _results(w)
    by_key = {e.case: e for _, _, e in messages} | {e.case: e for e in AUTOMATIC}
    found = _assign(rows, messages)
    table, wrong = _table(by_key, found, _probe_ids(w))
    assert not wrong, f"{len(wrong)} of {len(by_key)} messages wrong:\n{table}"

    w.clock.advance(days=1)
    scored = reports.score(w.settings, "world", load_calendar(), clock=w.clock)
    ids = _probe_ids(w)
    by_address = {address: p for p in scored.probes for address, pid in ids.items()
                  if pid == p.probe_id}
    outcome = {address: p.outcome.value for address, p in by_address.items()}
    # Strangers credit nobody: the silent units stay silent, the free-mail ones included.
    assert {a: outcome[a] for a in SILENT} == dict.fromkeys(SILENT, "no_reply")
    assert outcome["czjxx@163.com"].startswith("human")
    assert outcome[f"gzxx@{gov('wuling')}"] == "hard_bounce"
    # Waiting for staff: counted for no probe, and flagged.
    assert outcome[f"wjwxx@{gov('wjw')}"] == "no_reply"
    assert "REVIEW_PENDING" in by_address[f"wjwxx@{gov('wjw')}"].flags
    assert "REVIEW_CONFLICT" in by_address[f"zrjxx@{gov('zrj')}"].flags


@dataclass(frozen=True)
class Result:
    sender: str
    raw: bytes
    kind: str
    reason: str | None
    probe_id: int | None
    review: str | None
    evidence: str
    confidence: str | None
    substantive: bool | None


def _results(w: World) -> list[Result]:
    """Each stored message's verdict and match; the review reason as staff see it (a
    conflict is found across messages, not stored with the match)."""
    waiting = {item.message: item.reason for item in review_items(w.factory)}
    with w.factory() as s:
        return [Result((verdict.sender or "").lower(), message.raw, verdict.kind,
                       verdict.reason, match.probe_id if match else None,
                       waiting.get(message.id), match.evidence if match else "",
                       match.confidence if match else None, verdict.is_substantive)
                for message, verdict, match in messages_with_verdicts(s)]


def _probe_ids(w: World) -> dict[str, int]:
    with w.factory() as s:
        campaign = get_campaign(s, "world")
        return {p.address: p.id for p in probe_rows(s, campaign.id)}


def _assign(rows: list[Result], messages: list[tuple[str, bytes, Expect]]
            ) -> dict[str, Result]:
    """Which stored message is which case: scripted ones by their Message-ID, the servers'
    own by the address they concern."""
    found: dict[str, Result] = {}
    ids = {_header(raw, "Message-ID"): e.case for _, raw, e in messages}
    for row in rows:
        case = ids.get(_header(row.raw, "Message-ID"))
        if case is None:
            case = _automatic_case(row.raw)
        found[case] = row
    return found


def _automatic_case(raw: bytes) -> str:
    msg = message_from_bytes(raw, policy=policy.default)
    sender = parseaddr(str(msg["From"]))[1].lower()
    for expect in AUTOMATIC:
        if expect.probe == sender or (expect.kind in ("bounce", "delay") and expect.probe
                                      and sender.startswith(("mailer-daemon", "postmaster"))
                                      and expect.probe.encode() in raw):
            return expect.case
    return f"unexpected message from {sender}: {msg['Subject']}"


def _header(raw: bytes, name: str) -> str:
    return str(message_from_bytes(raw, policy=policy.default)[name] or "").strip()


def _table(expected: dict[str, Expect], found: dict[str, Result],
           ids: dict[str, int]) -> tuple[str, list[str]]:
    """An accuracy table (one line per message) and the cases that came out wrong."""
    address = {v: k for k, v in ids.items()}
    lines = [f"{'case':<58} {'kind':<24} {'match (expected → got)':<60} ok"]
    wrong = [case for case in found if case not in expected]
    kind_ok = match_ok = 0
    for case, want in expected.items():
        got = found.get(case)
        kinds = (want.kind,) if isinstance(want.kind, str) else want.kind
        k_ok = got is not None and got.kind in kinds and (want.reason in (None, got.reason)) and (
            want.substantive in (None, got.substantive))
        got_match = ("(missing)" if got is None else
                     f"{address.get(got.probe_id or -1, '-')}/{got.review or 'credited'}"
                     f" [{got.evidence}]")
        probes = want.probe if isinstance(want.probe, tuple) else (want.probe,)
        want_match = f"{'|'.join(p or '-' for p in probes)}/{want.review or 'credited'}"
        m_ok = got is not None and (address.get(got.probe_id or -1) in probes
                                    and got.review == want.review)
        kind_ok += k_ok
        match_ok += m_ok
        if not (k_ok and m_ok):
            wrong.append(case)
        shown = (got.kind + (f"({got.reason})" if got.reason else "")
                 + {True: "+", False: "-", None: ""}[got.substantive]) if got else "?"
        lines.append(f"{case:<58} {'/'.join(kinds) + ' → ' + shown:<24} "
                     f"{want_match + ' → ' + got_match:<60} {'ok' if k_ok and m_ok else 'WRONG'}")
    lines.append(f"kind right {kind_ok}/{len(expected)}, match right {match_ok}/{len(expected)}")
    lines += [f"unexpected: {case}" for case in found if case not in expected]
    return "\n".join(lines), wrong
