"""The simulated world behind `mailprobe demo`: units, their mail systems and their answers.

Pure: a seeded random world (the ``changde2008`` profile: a city office's assessment of
13 county/district units and 142 city departments, about half of whose mailboxes were dead
or unread) and
real-shaped answer messages — RFC 3464 DSNs, QQ-style and government auto-replies, and
human replies quoting the probe — built as bytes, as the units' servers would send them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mailprobe.model import Mailbox, Unit

# Behaviour shares per mailbox type (sum to 1): what each published mailbox does with a probe.
PROFILE: dict[str, dict[str, float]] = {
    "public": {"unpublished": 0.03, "reject_rcpt": 0.08, "dsn_unknown": 0.10,
               "dsn_full": 0.04, "spam_reject": 0.02, "silent": 0.25, "auto_ack": 0.13,
               "human_brief": 0.10, "human": 0.25},
    "leader": {"unpublished": 0.12, "reject_rcpt": 0.10, "dsn_unknown": 0.12,
               "dsn_full": 0.04, "spam_reject": 0.02, "silent": 0.36, "auto_ack": 0.08,
               "human_brief": 0.05, "human": 0.11},
}
COUNTIES = ["武陵区", "鼎城区", "安乡县", "汉寿县", "澧县", "临澧县", "桃源县", "石门县",
            "津市市", "西湖管理区", "西洞庭管理区", "经济技术开发区", "柳叶湖旅游度假区"]
DEPARTMENTS = ["发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局",
               "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
               "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化旅游广电局",
               "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
               "统计局", "医疗保障局", "林业局", "城市管理和综合执法局", "行政审批服务局",
               "信访局", "粮食和物资储备局", "档案馆", "地方金融监督管理局", "机关事务管理局"]


@dataclass(frozen=True)
class Behaviour:
    """What one mailbox does with a probe; delay is in working hours after acceptance."""

    kind: str
    delay_hours: float = 0.0


@dataclass(frozen=True)
class World:
    units: tuple[Unit, ...]
    behaviour: dict[str, Behaviour]  # by address

    def behaviour_of(self, address: str) -> Behaviour:
        return self.behaviour.get(address.lower(), Behaviour("silent"))


def make_world(seed: int, n_county: int = 13, n_department: int = 142) -> World:
    """A reproducible world of units with published mailboxes and their behaviours."""
    rng = random.Random(seed)
    units: list[Unit] = []
    behaviour: dict[str, Behaviour] = {}
    names = [("county_district", f"{COUNTIES[i % len(COUNTIES)]}人民政府"
              + (f"（{i // len(COUNTIES) + 1}）" if i >= len(COUNTIES) else ""))
             for i in range(n_county)]
    names += [("city_department", f"市{DEPARTMENTS[i % len(DEPARTMENTS)]}"
               + (f"第{i // len(DEPARTMENTS) + 1}分局" if i >= len(DEPARTMENTS) else ""))
              for i in range(n_department)]
    for n, (category, name) in enumerate(names, start=1):
        domain = f"u{n:03d}.demo.gov.cn"
        boxes = []
        for mtype, local in (("public", "gzxx"), ("leader", "ldxx")):
            kind = _draw(rng, PROFILE[mtype])
            address = None if kind == "unpublished" else f"{local}@{domain}"
            boxes.append(Mailbox(mtype, address))
            if address is not None:
                behaviour[address] = Behaviour(kind, _delay(rng, kind))
        units.append(Unit(f"U{n:03d}", name, category, tuple(boxes), line=n + 1))
    return World(tuple(units), behaviour)


def _draw(rng: random.Random, shares: dict[str, float]) -> str:
    pick, total = rng.random(), 0.0
    for kind, share in shares.items():
        total += share
        if pick < total:
            return kind
    return "silent"


def _delay(rng: random.Random, kind: str) -> float:
    if kind.startswith("human"):
        # Log-normal around two working days; a tail beyond the 20-day window (160 h).
        return min(150.0, rng.lognormvariate(2.7, 1.1))
    if kind == "auto_ack":
        return rng.uniform(0.0, 0.05)
    return rng.uniform(0.0, 0.02)


def answer(probe: bytes, behaviour: Behaviour, arrival: datetime, our_address: str,
           rng: random.Random) -> bytes | None:
    """The message a unit's mail system or staff sends back to ``our_address``, if any."""
    from email import message_from_bytes, policy

    original = message_from_bytes(probe, policy=policy.default)
    builders = {"dsn_unknown": _dsn, "dsn_full": _dsn, "auto_ack": _auto_ack,
                "human_brief": _human, "human": _human}
    build = builders.get(behaviour.kind)
    if build is None:
        return None
    msg = build(original, probe, behaviour, our_address, rng)
    msg["Date"] = format_datetime(arrival)
    msg["Message-ID"] = make_msgid(domain=str(original["To"]).rpartition("@")[2].rstrip(">"))
    return bytes(msg)


def _dsn(original: EmailMessage, probe: bytes, behaviour: Behaviour, our_address: str,
         _rng: random.Random) -> EmailMessage:
    """A Postfix-shaped RFC 3464 report with the probe's headers returned."""
    from email import message_from_string, policy

    rcpt = str(original["To"])
    domain = rcpt.rpartition("@")[2]
    status, diag = (("5.1.1", f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown")
                    if behaviour.kind == "dsn_unknown" else
                    ("5.2.2", f"552 5.2.2 <{rcpt}>: Mailbox full, quota exceeded"))
    head = probe.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    returned = head.decode("ascii", errors="replace") + "\n"
    text = (f"From: MAILER-DAEMON@mx.{domain} (Mail Delivery System)\nTo: {our_address}\n"
            "Subject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; "
            'report-type=delivery-status; boundary="B-demo"\n\n'
            "--B-demo\nContent-Type: text/plain; charset=us-ascii\n\n"
            f"This is the mail system at host mx.{domain}.\n\nI'm sorry to have to inform "
            "you that your message could not\nbe delivered to one or more recipients.\n\n"
            f"<{rcpt}>: host mx.{domain} said: {diag}\n\n"
            "--B-demo\nContent-Type: message/delivery-status\n\n"
            f"Reporting-MTA: dns; mx.{domain}\n\nFinal-Recipient: rfc822; {rcpt}\n"
            f"Original-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: {status}\n"
            f"Diagnostic-Code: smtp; {diag}\n\n"
            f"--B-demo\nContent-Type: text/rfc822-headers\n\n{returned}\n--B-demo--\n")
    return message_from_string(text, policy=policy.default)


def _auto_ack(original: EmailMessage, _probe: bytes, _b: Behaviour, our_address: str,
              rng: random.Random) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = str(original["To"])
    msg["To"] = our_address
    if rng.random() < 0.5:  # QQ style: no Auto-Submitted, only its own header and subject
        msg["Subject"] = f"自动回复: {original['Subject']}"
        msg["X-QQ-AUTO-REPLY"] = "true"
        msg.set_content("这是来自QQ邮箱的假期自动回复邮件。\n您好，我最近正在休假中，"
                        "无法亲自回复您的邮件。我将在假期结束后，尽快给您回复。\n")
    else:
        msg["Subject"] = f"（自动回复）Re：{original['Subject']}"
        msg["Auto-Submitted"] = "auto-replied"
        msg.set_content(f"您的来信已收到，我们将在5个工作日内回复。受理编号：{rng.randrange(10**7)}"
                        "\n（此为系统自动回复，请勿直接回复本邮件）\n")
    return msg


def _human(original: EmailMessage, _probe: bytes, behaviour: Behaviour, our_address: str,
           rng: random.Random) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = str(original["To"])
    msg["To"] = our_address
    msg["Subject"] = f"回复：{original['Subject']}"
    msg["In-Reply-To"] = str(original["Message-ID"])
    msg["References"] = str(original["Message-ID"])
    if behaviour.kind == "human_brief":
        text = rng.choice(["已收到。", "收到，请电话咨询 0736-7200000。", "已转相关科室处理。"])
    else:
        text = ("您好！\n\n您咨询的事项可在工作日上午8:30-12:00、下午2:30-5:30到市政务服务中心"
                "二楼窗口办理，需携带本人身份证原件及复印件。如有疑问可拨打咨询电话。\n\n谢谢！")
    body = original.get_body(("plain",))
    quoted = body.get_content() if body is not None else ""
    msg.set_content(f"{text}\n\n------------------ 原始邮件 ------------------\n"
                    f"发件人: {original['From']}\n主题: {original['Subject']}\n\n{quoted}")
    return msg
