"""Time and peak memory of scoring and of every report format on a large synthetic campaign.

    .venv/bin/python benchmarks/reports_bench.py [--units 10000] [--out DIR]

10,000 units x 2 probes (public + leader) = 20,000 probes and 30,000 messages, with the
outcome mix of the published studies (about a third answer: docs/scoring.md, "Where the
defaults come from"). Time is wall-clock without
tracing; peak memory is tracemalloc's peak of Python allocations in a second, traced run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mailprobe.report import FORMATS, write_report
from mailprobe.score import (
    BounceFacts,
    CampaignInput,
    CampaignScore,
    MessageFacts,
    ProbeFacts,
    Rubric,
    load_calendar,
    score_campaign,
)

START = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)  # crosses National Day 2025
NOW = datetime(2026, 1, 15, 4, 0, tzinfo=UTC)


def synthetic(units: int, seed: int = 1) -> CampaignInput:
    rnd = random.Random(seed)
    probes: list[ProbeFacts] = []
    messages: list[MessageFacts] = []
    for u in range(units):
        category = "county_district" if u % 12 == 0 else "city_department"
        for j, mtype in enumerate(("public", "leader")):
            pid = u * 2 + j
            accepted = START + timedelta(minutes=rnd.randrange(0, 60 * 24 * 5))
            kw: dict[str, Any] = {}
            roll = rnd.random()
            if mtype == "leader" and roll < 0.08:
                kw = {"address": None, "send_state": "pending", "accepted_at": None}
            elif roll < 0.15:
                kw = {"bounce": BounceFacts(True, "userunknown", False, "5.1.1", "coremail")}
            elif roll < 0.18:
                kw = {"bounce": BounceFacts(False, "blocked", True, "5.7.1", "qq")}
            elif roll < 0.55:
                pass
            elif roll < 0.65:
                kw = {"first_auto_reply_at": accepted + timedelta(minutes=2)}
            else:
                kw = {"first_human_reply_at": accepted + timedelta(hours=rnd.expovariate(1 / 60)),
                      "human_substantive": rnd.random() < 0.7}
            kw.setdefault("accepted_at", accepted)
            probes.append(ProbeFacts(
                probe_id=pid, campaign="bench", unit_id=f"U{u:05d}",
                unit_name=f"某市第{u}号单位", category=category, mailbox_type=mtype,
                address=kw.pop("address", f"{mtype}@u{u}.gov.cn"),
                send_state=kw.pop("send_state", "accepted"), token=f"t{pid}", code=f"C{pid}",
                **kw))
    for m in range(30_000):
        pid = rnd.randrange(len(probes))
        messages.append(MessageFacts(
            m, START + timedelta(hours=rnd.randrange(1, 2000)), f"staff{m}@qq.com",
            f"回复：关于办事时间的咨询 <{m}>", rnd.choice(["human_reply", "auto_reply", "bounce"]),
            detector="bench", evidence="在 2025年9月22日 …写道：", probe_token=f"t{pid}",
            probe_id=pid, correlation="in_reply_to"))
    return CampaignInput("bench", 20, Rubric(), probes, messages,
                         categories=("county_district", "city_department"))


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(seconds untraced, peak MiB traced, result of the untraced run)."""
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="mailprobe-bench-"))
    inp = synthetic(args.units)
    cal = load_calendar()
    print(f"{args.units} units, {len(inp.probes)} probes, {len(inp.messages)} messages -> {out}")
    secs, peak, score = measure(lambda: score_campaign(inp, NOW, cal))
    assert isinstance(score, CampaignScore)
    print(f"{'score_campaign':<16}{secs:8.2f} s {peak:9.1f} MiB peak")
    suffix = {"csv": "units.csv", "xlsx": "report.xlsx", "html": "report.html",
              "json": "report.json", "notice": "notice.md"}
    for fmt in FORMATS:
        path = out / suffix[fmt]
        secs, peak, written = measure(lambda f=fmt, p=path: write_report(score, f, p))
        files = list(out.glob(f"{written.stem}*.csv")) if fmt == "csv" else [written]
        size = sum(x.stat().st_size for x in files)
        print(f"{fmt:<16}{secs:8.2f} s {peak:9.1f} MiB peak {size / 2**20:8.1f} MiB on disk")


if __name__ == "__main__":
    main()
