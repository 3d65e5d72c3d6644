"""A small scored campaign with hostile text, shared by the report tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from mailprobe.score import (
    BounceFacts,
    CampaignScore,
    ExcludedUnit,
    MessageFacts,
    OverrideEntry,
    score_campaign,
)
from mailprobe.score.types import ProbeFacts
from tests.score.factories import calendar, campaign, cst, probe

HOSTILE_SUBJECT = "回复：<script>alert(1)</script> <img src=x onerror=alert(1)>"
HOSTILE_NAME = "=HYPERLINK(\"http://evil.example\",\"点我\")"
FINAL = cst(2025, 9, 1, 12, 0)
OPEN = cst(2025, 3, 10, 9, 0)


def sample_probes() -> list[ProbeFacts]:
    county = {"category": "county_district"}
    reply = {"human_substantive": True}
    return [
        probe(1, "C01", first_human_reply_at=cst(2025, 3, 4, 10), **reply, **county),
        probe(2, "C01", "leader", first_human_reply_at=cst(2025, 3, 6, 15), **reply, **county),
        probe(3, "C02", first_auto_reply_at=cst(2025, 3, 3, 9, 2), **county),
        probe(4, "C02", "leader", bounce=BounceFacts(True, "userunknown", False, "5.1.1",
                                                      "coremail"), **county),
        probe(5, "D01", first_human_reply_at=cst(2025, 3, 5, 9), human_substantive=False),
        probe(6, "D01", "leader", address=None, send_state="pending", accepted_at=None),
        probe(7, "D02", unit_name=HOSTILE_NAME),
        probe(8, "D02", "leader", unit_name=HOSTILE_NAME,
              bounce=BounceFacts(False, "blocked", True, "5.7.1", "qq")),
        probe(9, "D03", first_human_reply_at=cst(2025, 3, 4, 10), **reply),
        probe(10, "D03", "leader", first_human_reply_at=cst(2025, 3, 4, 10), **reply),
    ]


def sample_messages() -> list[MessageFacts]:
    return [
        MessageFacts(101, cst(2025, 3, 4, 10), "staff@c01.gov.cn", HOSTILE_SUBJECT,
                     "human_reply", detector="human", evidence="<b>quoted</b>",
                     probe_token="tok1", probe_id=1, correlation="in_reply_to"),
        MessageFacts(102, cst(2025, 3, 3, 9, 5), "postmaster@c02.gov.cn", "系统退信",
                     "bounce", reason="userunknown", detector="coremail",
                     evidence="User not found", probe_token="tok4", probe_id=4,
                     correlation="return_path"),
        MessageFacts(103, cst(2025, 3, 3, 9, 2), "auto@c02.gov.cn", "自动回复: 咨询",
                     "auto_reply", subkind="acknowledgement", detector="autoreply"),
    ]


def sample_score(now: datetime = FINAL) -> CampaignScore:
    inp = campaign(
        sample_probes(), messages=sample_messages(),
        overrides=[OverrideEntry(cst(2025, 3, 8, 9), "王五", "substantive=yes", "101",
                                 "@SUM(A1) 复核")],
        excluded_units=[ExcludedUnit("X01", "撤并单位", "机构改革撤并", "city_department")],
        categories=("county_district", "city_department"))
    return score_campaign(inp, now, calendar())


def review_score(now: datetime = FINAL) -> CampaignScore:
    """The sample with messages awaiting review: C02 has a low-confidence match and a
    reply/bounce conflict on its leader mailbox; one more message is tied to no unit."""
    probes = [replace(p, pending_review=1, low_confidence_matches=1) if p.probe_id == 3
              else replace(p, pending_review=2, conflict=True) if p.probe_id == 4 else p
              for p in sample_probes()]
    messages = [*sample_messages(),
                MessageFacts(104, cst(2025, 3, 5, 11), "someone@c02.gov.cn", "关于咨询",
                             "human_reply", detector="human", confidence="low",
                             review="low_confidence"),
                MessageFacts(105, cst(2025, 3, 6, 8), "x@163.com", "Re: 咨询", "human_reply",
                             detector="human", review="unmatched")]
    inp = campaign(probes, messages=messages, unmatched_review=1,
                   categories=("county_district", "city_department"))
    return score_campaign(inp, now, calendar())
