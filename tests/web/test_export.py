"""`mailprobe export`: one row per probe, CSV always, Parquet with pyarrow."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from mailprobe.export import ExportRow
from tests.conftest import cli_runner
from tests.web.test_web_roundtrip import launch, registry


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):  # type: ignore[no-untyped-def]
    run = cli_runner(tmp_path, monkeypatch, {"MAILPROBE_DATABASE_URL": db_url})
    run("units", "import", registry(
        tmp_path, "D01,教育局,city_department,jyj@example.org,https://www.a.gov.cn/ldxx",
        "D02,财政局,county_district,,https://www.b.gov.cn/ldxx"))
    run("campaign", "create", "r1", "--template", "consult_office_hours,elderly_subsidy")
    launch(run, "r1")
    forms = {r["unit_id"]: r["code"] for r in json.loads(run("web", "worksheet", "r1",
                                                             "--json"))}
    run("web", "submitted", forms["D01"], "--at", "2026-03-02T10:00")
    answer = tmp_path / "a.txt"
    answer.write_text("您好！您咨询的事项可在区政务服务中心办理，需携带身份证原件。",
                      encoding="utf-8")
    run("web", "answered", forms["D01"], "--at", "2026-03-03T10:00", "--text-file",
        str(answer))
    run("web", "failed", forms["D02"], "--reason", "验证码无法加载")
    return run


def test_csv_has_one_row_per_probe_with_the_codebook_columns(cli, tmp_path: Path) -> None:
    done = json.loads(cli("export", "r1", "--json"))
    assert (done["path"], done["rows"]) == ("export.csv", 3)
    with (tmp_path / "export.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {(r["unit_id"], r["role"]): r for r in csv.DictReader(handle)}
    assert list(next(iter(rows.values()))) == list(ExportRow.__dataclass_fields__)
    answered = rows[("D01", "leader")]
    assert (answered["channel"], answered["delivered"], answered["any_reply"],
            answered["substantive"], answered["censored"]) == ("form", "1", "1", "1", "0")
    assert float(answered["latency_working_hours"]) == pytest.approx(6.5)  # Mon 10:00 -> Tue 10:00
    assert answered["sent_at"] == "2026-03-02T02:00:00Z"
    assert answered["variant"] in ("consult_office_hours", "elderly_subsidy")
    dead = rows[("D02", "leader")]
    assert (dead["outcome"], dead["delivered"], dead["reason"]) == (
        "channel_unusable", "0", "web form unusable: 验证码无法加载")
    unsent = rows[("D01", "public")]
    assert (unsent["channel"], unsent["sent_at"], unsent["censored"]) == ("email", "", "0")


def test_parquet_holds_the_same_rows(cli, tmp_path: Path) -> None:
    cli("export", "r1", "--format", "parquet", "-o", "r1.parquet")
    table = pq.read_table(tmp_path / "r1.parquet")
    assert table.num_rows == 3 and table.column_names == list(ExportRow.__dataclass_fields__)
    assert sorted(table.column("outcome").to_pylist()) == [
        "channel_unusable", "human_substantive", "not_sent"]


def test_unknown_format_is_a_usage_error(cli) -> None:
    cli("export", "r1", "--format", "xls", code=3)


def _analysis():  # type: ignore[no-untyped-def]
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "export_analysis.py"
    spec = importlib.util.spec_from_file_location("export_analysis", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_kaplan_meier_of_the_analysis_script_matches_a_hand_computation() -> None:
    a = _analysis()
    obs = [a.Observation(h, r, "v") for h, r in
           [(2.0, True), (3.0, False), (5.0, True), (5.0, True), (8.0, False)]]
    # t=2: 5 at risk, 1 reply -> S=4/5; t=3 censored; t=5: 3 at risk, 2 replies -> S=4/15.
    assert [(t, round(s, 4), n, d) for t, s, n, d in a.kaplan_meier(obs)] == [
        (2.0, 0.2, 5, 1), (5.0, round(1 - 4 / 15, 4), 3, 2)]
    z, p = a.two_proportion_z(30, 100, 30, 100)
    assert (z, p) == (0.0, 1.0)
