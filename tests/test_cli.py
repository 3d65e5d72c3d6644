"""The command line: exit codes, --json documents, dry runs that change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailprobe.cli import app
from tests.conftest import cli_runner

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):  # type: ignore[no-untyped-def]
    """Run mailprobe in a temp dir, configured by the environment alone."""
    return cli_runner(tmp_path, monkeypatch, {"MAILPROBE_DATABASE_URL": db_url})


def test_version_prints_the_package_version() -> None:
    from mailprobe import __version__

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"mailprobe {__version__}"


def test_init_writes_a_commented_config_and_creates_the_database(cli, tmp_path: Path) -> None:
    data = json.loads(cli("init", "--json"))
    assert data["config_written"] is True
    assert "[smtp]" in (tmp_path / "mailprobe.toml").read_text(encoding="utf-8")
    assert json.loads(cli("init", "--json"))["config_written"] is False


def test_bad_registry_row_exits_3_and_stores_nothing(cli) -> None:
    cli("units", "import", str(FIXTURES / "registry" / "units-bad.csv"), code=3)
    assert json.loads(cli("units", "list", "--json")) == []


def test_registry_dry_run_checks_without_storing(cli) -> None:
    data = json.loads(cli("units", "import", str(FIXTURES / "registry" / "units-ok.csv"),
                          "--dry-run", "--json"))
    assert data["units"] > 0 and data["dry_run"] is True
    assert json.loads(cli("units", "list", "--json")) == []


def test_campaign_without_template_uses_the_shipped_default(cli) -> None:
    cli("units", "import", str(FIXTURES / "registry" / "units-ok.csv"))
    created = json.loads(cli("campaign", "create", "r1", "--json"))
    assert created["templates"] == ["consult_office_hours"] and created["probes"] > 0
    status = json.loads(cli("campaign", "status", "r1", "--json"))
    assert status["counts"]["pending"] == created["probes"]
    assert set(status["counts"]) == {"pending", "sending", "accepted", "deferred", "rejected",
                                     "uncertain", "manual", "submitted", "unusable",
                                     "cancelled"}


def test_preview_shows_message_and_what_replies_match_on(cli) -> None:
    cli("units", "import", str(FIXTURES / "registry" / "units-ok.csv"))
    cli("campaign", "create", "r1")
    [item] = json.loads(cli("campaign", "preview", "r1", "--limit", "1", "--json"))
    code = item["matched_on"]["code"]
    assert code in item["subject"] and code in item["body"]
    assert item["matched_on"]["return_path"].startswith("probe+")


def test_unknown_template_and_campaign_are_bad_input(cli) -> None:
    cli("units", "import", str(FIXTURES / "registry" / "units-ok.csv"))
    cli("campaign", "create", "r1", "--template", "nope", code=3)
    cli("campaign", "status", "missing", code=3)


def test_unreachable_database_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILPROBE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(app, ["units", "list"])
    assert result.exit_code == 5, result.output


def test_refused_smtp_login_exits_5_and_marks_nothing_sent(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, make_smtp_sink) -> None:
    sink = make_smtp_sink(credentials=("probe", "right"))
    cli = cli_runner(tmp_path, monkeypatch, {
        "MAILPROBE_DATABASE_URL": db_url, "MAILPROBE_SMTP_PORT": str(sink.port),
        "MAILPROBE_SMTP_USERNAME": "probe", "MAILPROBE_SMTP_PASSWORD_ENV": "PROBE_PW",
        "PROBE_PW": "not-the-Secret-42"})
    cli("units", "import", str(FIXTURES / "registry" / "units-ok.csv"))
    cli("campaign", "create", "r1")
    cli("campaign", "launch", "r1", "--yes")
    result = CliRunner().invoke(app, ["campaign", "send", "r1"])
    assert result.exit_code == 5
    assert "password" in result.output and "Secret-42" not in result.output
    counts = json.loads(cli("campaign", "status", "r1", "--json"))["counts"]
    assert counts["pending"] > 0 and counts["pending"] == sum(counts.values())
    assert sink.received == []


def test_worktime_json_over_national_day_2026(cli) -> None:
    data = json.loads(cli("worktime", "2026-09-30T17:00", "2026-10-09T09:00", "--json"))
    assert data == {"working_hours": 7.5, "working_days": 2.0, "estimated": False}


def test_worktime_into_2027_is_flagged_estimated(cli) -> None:
    assert json.loads(cli("worktime", "2027-01-04", "2027-01-06", "--json"))["estimated"] is True


def test_import_warns_about_a_unit_that_publishes_no_mailbox(cli, tmp_path: Path) -> None:
    registry = tmp_path / "units.csv"
    registry.write_text("单位编号,单位名称,类别,公开信箱,领导信箱\n"
                        "D01,某区,县（市、区）,a@a.gov.cn,\nD02,某县,县（市、区）,,\n",
                        encoding="utf-8")
    data = json.loads(cli("units", "import", str(registry), "--json"))
    assert data["added"] == 2
    assert data["warnings"] == [
        'units.csv:3: unit "D02" (某县) publishes no mailbox; imported, it scores as '
        '"no channel published": confirm with the unit that it has none']
