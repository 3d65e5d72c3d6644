"""JSON writer: one document following docs/report-schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mailprobe.report.rates import schema2_rates
from mailprobe.report.rows import report_tz, status_line
from mailprobe.score.rank import Comparison
from mailprobe.score.result import CampaignScore


def score_document(score: CampaignScore) -> dict[str, Any]:
    """The score tree with every rate as schema 2's rate object (what `score --json` prints)."""
    doc = score.to_dict()
    schema2_rates(doc, [score.stats, *score.category_stats], list(score.units),
                  score.deadlines)
    return doc


def report_document(score: CampaignScore, lang: str = "zh",
                    compare: Comparison | None = None) -> dict[str, Any]:
    """The JSON report as a dict: the score tree plus status line and optional comparison."""
    doc = score_document(score)
    doc["as_of"] = doc["generated_at"]
    doc["timezone"] = report_tz(score).key
    doc["status"] = status_line(score, lang)
    doc["lang"] = lang
    doc["comparison"] = compare.to_dict() if compare is not None else None
    return doc


def write_json(score: CampaignScore, path: Path, lang: str = "zh",
               compare: Comparison | None = None) -> Path:
    """Write the JSON report (UTF-8, Chinese kept as text, compact, streamed to the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fp:
        json.dump(report_document(score, lang, compare), fp, ensure_ascii=False,
                  separators=(",", ":"))
        fp.write("\n")
    return path
