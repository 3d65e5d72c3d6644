"""Chinese reports show no English codes: every code the pipeline emits has a Chinese label."""

from __future__ import annotations

import re
from pathlib import Path

from mailprobe.classify import reasons
from mailprobe.correlate import REVIEW_REASONS
from mailprobe.model import Kind, RefKind
from mailprobe.report.labels import (
    CORRELATION_ZH,
    DETECTORS_ZH,
    FLAGS_ZH,
    KINDS_ZH,
    REASONS_ZH,
    REVIEW_ZH,
    SEND_STATES_ZH,
    VETO_REASONS_ZH,
    flag_label,
)
from mailprobe.report.rows import all_tables
from tests.report.sample import review_score, sample_score

ROOT = Path(__file__).resolve().parents[2]


def test_every_reason_kind_evidence_and_detector_has_a_label() -> None:
    known = ({r for r, _ in reasons.PHRASES} | set(reasons.STATUS_REASONS.values())
             | set(reasons.REPLY_REASONS.values()) | reasons.SENDER_SIDE | reasons.HARD_REASONS)
    assert known - set(REASONS_ZH) == set()
    assert {k.value for k in Kind} - set(KINDS_ZH) == set()
    assert {r.value for r in RefKind} - set(CORRELATION_ZH) == set()
    names = {m.group(1) for p in (ROOT / "mailprobe" / "classify").glob("*.py")
             for m in re.finditer(r'^NAME = "(\w+)"', p.read_text("utf-8"), re.M)}
    assert names and names - set(DETECTORS_ZH) == set()


def test_every_flag_the_scorer_sets_has_a_label() -> None:
    source = (ROOT / "mailprobe" / "score" / "metrics.py").read_text("utf-8")
    flags = set(re.findall(r'flags\.(?:append|insert)\((?:0, )?f?"([A-Z_0-9]+)', source))
    assert flags and flags - set(FLAGS_ZH) == set()
    assert flag_label("CHANNEL_MISSING:leader", "zh") == "未公开信箱（领导信箱）"


def test_chinese_tables_hold_no_codes_and_english_keeps_them() -> None:
    codes = (set(FLAGS_ZH) | set(SEND_STATES_ZH) | set(KINDS_ZH) | set(REASONS_ZH)
             | set(CORRELATION_ZH)) - {"delivered"}
    found_zh = _codes_in(all_tables(sample_score(), "zh"), codes)
    assert found_zh == set()
    assert {"accepted", "human_reply", "userunknown", "REPROBE"} <= _codes_in(
        all_tables(sample_score(), "en"), codes)


def _codes_in(tables: list, codes: set[str]) -> set[str]:  # type: ignore[type-arg]
    words = {w for t in tables for row in t.rows for cell in row if isinstance(cell, str)
             for w in re.split(r"[\s、；:]+", cell)}
    return words & codes


def test_review_reasons_and_veto_reasons_have_labels_and_no_code_shows() -> None:
    assert set(REVIEW_REASONS) == set(REVIEW_ZH)
    codes = set(REVIEW_ZH) | set(VETO_REASONS_ZH) | {"high", "low"}
    tables = all_tables(review_score(), "zh")
    assert _codes_in(tables, codes) == set()
    veto_cells = [r[-1] for t in tables if t.name == "deadlines" for r in t.rows if r[-1]]
    assert veto_cells and all("unanswered" not in str(c) for c in veto_cells)
    assert {"low_confidence", "unmatched"} <= _codes_in(all_tables(review_score(), "en"), codes)
