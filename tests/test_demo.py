"""`mailprobe demo`: the main job on the embedded default, end to end on loopback."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailprobe.cli import app


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    out = tmp_path_factory.mktemp("demo") / "mailprobe-demo"
    result = CliRunner().invoke(app, ["demo", "--seed", "7", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out


def test_demo_writes_every_report_format(demo_run) -> None:  # type: ignore[no-untyped-def]
    _, out = demo_run
    for name in ("report.csv", "report.json", "report.xlsx", "report.html", "notice.md",
                 "notice.docx"):
        assert (out / name).stat().st_size > 0, name


def test_demo_csv_has_one_ranked_row_per_unit(demo_run) -> None:  # type: ignore[no-untyped-def]
    summary, out = demo_run
    with (out / "report.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert len(body) == summary["units"] == 155
    assert len({r[header.index("单位编号")] for r in body}) == 155
    assert {"排名", "单位得分", "公开信箱结果", "领导信箱结果"} <= set(header)


def test_demo_world_shows_the_changde_profile(demo_run) -> None:  # type: ignore[no-untyped-def]
    summary, _ = demo_run
    messages = summary["messages"]
    assert isinstance(messages, dict) and messages["review"] == 0
    assert messages["matched"] == messages["stored"] > 100
    assert 0.2 < float(summary["human_reply_rate_sent"]) < 0.5  # type: ignore[arg-type]
    assert summary["provisional"] is False


def test_demo_is_reproducible_with_a_seed(demo_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, _ = demo_run
    again = CliRunner().invoke(app, ["demo", "--seed", "7", "--out", str(tmp_path / "d"),
                                     "--json"])
    second = json.loads(again.stdout)
    keys = ("send_states", "messages", "delivery_rate", "human_reply_rate_sent", "first_ranked")
    assert {k: first[k] for k in keys} == {k: second[k] for k in keys}
