"""The JSON report validates against docs/report-schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mailprobe.report import write_report
from mailprobe.score.rank import compare_rounds
from tests.report.sample import HOSTILE_SUBJECT, OPEN, review_score, sample_score

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "report-schema.json")
                    .read_text(encoding="utf-8"))


def validate(doc: object) -> None:
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(doc)


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("now", [OPEN, None])
def test_report_validates(tmp_path: Path, now: object) -> None:
    score = sample_score() if now is None else sample_score(OPEN)
    doc = json.loads(write_report(score, "json", tmp_path / "r.json").read_text("utf-8"))
    validate(doc)
    assert doc["is_provisional"] is (now is not None)
    assert doc["messages"][-1]["subject"] == HOSTILE_SUBJECT or any(
        m["subject"] == HOSTILE_SUBJECT for m in doc["messages"])


def test_report_with_comparison_validates(tmp_path: Path) -> None:
    cmp = compare_rounds(sample_score(OPEN), sample_score())
    doc = json.loads(write_report(sample_score(), "json", tmp_path / "r.json",
                                  compare=cmp).read_text("utf-8"))
    validate(doc)
    assert {u["status"] for u in doc["comparison"]["units"]} == {"both"}


def test_schema_rejects_drift(tmp_path: Path) -> None:
    doc = json.loads(write_report(sample_score(), "json", tmp_path / "r.json").read_text("utf-8"))
    doc["units"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


def test_schema_rejects_a_plain_float_deadline_rate(tmp_path: Path) -> None:
    doc = json.loads(write_report(sample_score(), "json", tmp_path / "r.json").read_text("utf-8"))
    validate(doc)
    doc["deadlines"]["units"][0]["rates"]["on_time_rate"] = 0.5
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


def test_review_counts_validate(tmp_path: Path) -> None:
    doc = json.loads(write_report(review_score(), "json", tmp_path / "r.json").read_text("utf-8"))
    validate(doc)
    assert doc["stats"]["pending_review"] == 4
    assert {m["review"] for m in doc["messages"]} >= {"low_confidence", "unmatched"}
