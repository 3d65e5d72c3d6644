"""The shared Sisimai corpus: kind per file, and the aggregate figures against issue 3's targets.

The scorer's rules are restated here (stdlib, small): delay counts as bounce; a recipient is
judged on address, hard/soft, status (where Sisimai's code is real) and reason.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from mailprobe.classify import classify
from mailprobe.model import Kind, Verdict

from .conftest import corpus_items

SCORER_KIND = {Kind.BOUNCE: "bounce", Kind.DELAY: "bounce", Kind.AUTO_REPLY: "auto_reply"}
PSEUDO = re.compile(r"[245]\.0\.9\d\d|[245]\.9\.\d{3}")
NOT_A_BOUNCE = {"vacation", "feedback", "delivered"}
# A delay notice's "delayed" (still trying, no cause stated) is Sisimai's "expired" there.
SISIMAI_NAME = {"delayed": "expired"}

# Files whose label we do not follow, each with the reason (kind only).
KIND_EXCEPTIONS = {
    "rb-issue-368-bug.eml": "a real mailbox-full bounce that Sisimai's test calls not a bounce",
    "lhost-kddi-01.eml": "KDDI's Japanese letter names the failed address nowhere we read",
    "lhost-fml-02.eml": "an fml mailing-list refusal ('you are not a member'), not a daemon letter",
}

# Issue 3's targets, with hard and reason lowered by issue 9's decision: phrases that decided
# one corpus file without a public description or a second sample were removed (the list is
# in docs/classify.md, "Rules removed"); in-sample figures fell by what they had fitted.
TARGETS = {
    "kind": 0.99,
    "bounce_r": 0.99,
    "bounce_p": 0.995,
    "addr": 0.99,
    "hard": 0.96,
    "status": 0.97,
    "reason": 0.86,
}
# What this version reaches on the bsd+not half (a floor against regressions).
FLOORS = {
    "kind": 0.99,
    "bounce_r": 0.99,
    "bounce_p": 0.995,
    "addr": 0.99,
    "hard": 0.965,
    "status": 0.98,
    "reason": 0.88,
}


def kind3(kind: str) -> str:
    return kind if kind in ("bounce", "auto_reply") else "other"


def scorer_kind(verdict: Verdict) -> str:
    return SCORER_KIND.get(verdict.kind, "other")


@pytest.mark.parametrize(
    "item", corpus_items(), ids=lambda item: str(item["file"]).removeprefix("maildir/")
)
def test_kind_per_file(item: dict[str, Any], corpus: list[dict[str, Any]]) -> None:
    name = item["file"].rsplit("/", 1)[-1]
    if name in KIND_EXCEPTIONS:
        pytest.xfail(KIND_EXCEPTIONS[name])
    path = next(c["path"] for c in corpus if c["file"] == item["file"])
    verdict = classify(path.read_bytes())
    assert scorer_kind(verdict) == kind3(item["kind"]), verdict


def figures(items: list[dict[str, Any]]) -> dict[str, float]:
    n: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    for item in items:
        verdict = classify(item["path"].read_bytes())
        got, want = scorer_kind(verdict), kind3(item["kind"])
        n["kind"] += 1
        ok["kind"] += got == want
        if got == "bounce":
            n["bounce_p"] += 1
            ok["bounce_p"] += item["kind"] == "bounce"
        if item["kind"] != "bounce":
            continue
        n["bounce_r"] += 1
        ok["bounce_r"] += got == "bounce"
        judge_recipients(item, verdict, n, ok)
    return {k: ok[k] / n[k] for k in n}


def judge_recipients(
    item: dict[str, Any], verdict: Verdict, n: Counter[str], ok: Counter[str]
) -> None:
    free = list(verdict.recipients)
    for want in (r for r in item["recipients"] if r["reason"] not in NOT_A_BOUNCE):
        got = next((r for r in free if r.address == want["addr"].lower()), None)
        n["addr"] += 1
        ok["addr"] += got is not None
        if got is None and len(free) == 1:
            got = free[0]
        if got is not None:
            free.remove(got)
        n["hard"] += 1
        ok["hard"] += got is not None and got.hard == want["hard"]
        n["reason"] += 1
        reason = got.reason or "" if got is not None else ""
        ok["reason"] += SISIMAI_NAME.get(reason, reason) == want["reason"]
        if want["status"] and not PSEUDO.fullmatch(want["status"]):
            n["status"] += 1
            ok["status"] += got is not None and got.status == want["status"]


@pytest.fixture(scope="module")
def primary(corpus: list[dict[str, Any]]) -> dict[str, float]:
    return figures([i for i in corpus if i["subset"] in ("bsd", "not")])


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_no_regression_below_floor(primary: dict[str, float], metric: str) -> None:
    assert primary[metric] >= FLOORS[metric], f"{metric} {primary[metric]:.3f}"


@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_issue3_target(primary: dict[str, float], metric: str) -> None:
    assert primary[metric] >= TARGETS[metric], f"{metric} {primary[metric]:.3f}"


def test_crlf_copies_agree(corpus: list[dict[str, Any]]) -> None:
    """The dos subset (CRLF copies) classifies like its LF twin wherever a twin exists."""
    by_file = {i["file"]: i for i in corpus}
    pairs = [
        (i, by_file[i["twin"]])
        for i in corpus
        if i["subset"] == "dos" and i.get("twin_match") == "exact" and i.get("twin") in by_file
    ]
    assert pairs
    for dos, lf in pairs:
        a, b = classify(dos["path"].read_bytes()), classify(lf["path"].read_bytes())
        assert (a.kind, [r.address for r in a.recipients]) == (
            b.kind,
            [r.address for r in b.recipients],
        ), dos["file"]
