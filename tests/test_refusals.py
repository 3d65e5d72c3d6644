"""A wrong set-up is refused before anything leaves: config files, an uninitialised database,
placeholder senders, report files that would be replaced; --json failures are documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailprobe.cli import app
from tests.conftest import cli_runner

REGISTRY = Path(__file__).resolve().parent / "fixtures" / "registry" / "units-ok.csv"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):  # type: ignore[no-untyped-def]
    return cli_runner(tmp_path, monkeypatch, {"MAILPROBE_DATABASE_URL": db_url})


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def error_document(stdout: str) -> dict[str, object]:
    data = json.loads(stdout)
    assert set(data) == {"error"} and set(data["error"]) == {"exit_code", "message"}
    return data["error"]  # type: ignore[no-any-return]


def test_a_missing_config_file_is_an_error_naming_it(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "nonexistent.toml"
    result = invoke("-c", str(missing), "units", "list")
    assert result.exit_code == 3 and str(missing) in result.stderr
    monkeypatch.setenv("MAILPROBE_CONFIG", str(missing))
    result = invoke("units", "list", "--json")
    assert result.exit_code == 3
    assert error_document(result.stdout) == {
        "exit_code": 3, "message": result.stderr.split("error: ", 1)[1].replace("\n", "")}
    assert str(missing) in result.stdout


def test_a_config_error_keeps_file_section_and_key_on_the_console(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mailprobe.toml").write_text('[smtp]\nport = "x"\n', encoding="utf-8")
    result = invoke("units", "list")
    assert result.exit_code == 3
    assert "mailprobe.toml: [smtp] port: 'x' is not of type int" in result.stderr


def test_commands_other_than_init_refuse_a_missing_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["run"], ["units", "list"], ["campaign", "list"], ["score", "x"]):
        result = invoke(*command, "--json")
        assert result.exit_code == 3, command
        message = str(error_document(result.stdout)["message"])
        assert "sqlite:///mailprobe.db" in message and "run `mailprobe init`" in message
    assert list(tmp_path.iterdir()) == []
    assert invoke("init").exit_code == 0
    assert invoke("units", "list").exit_code == 0


def test_a_database_without_mailprobe_schema_is_not_initialised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILPROBE_DATABASE_URL", db_url)
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).write_bytes(b"")  # an empty SQLite database
    result = invoke("units", "list", "--json")
    assert result.exit_code == 3
    assert "is not initialised" in str(error_document(result.stdout)["message"])
    assert invoke("init").exit_code == 0
    assert invoke("units", "list").exit_code == 0


def test_send_refuses_a_placeholder_sender(cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                           smtp_sink) -> None:
    monkeypatch.setenv("MAILPROBE_SMTP_PORT", str(smtp_sink.port))
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1")
    cli("campaign", "launch", "r1", "--yes")  # launched while placeholders were allowed
    monkeypatch.setenv("MAILPROBE_PROBE_ALLOW_PLACEHOLDER", "false")
    refused = error_document(cli("campaign", "send", "r1", "--json", code=3))
    assert "placeholder domain example.org" in str(refused["message"])
    assert cli("campaign", "send", "r1", "--dry-run", "--json")  # checking sends nothing
    monkeypatch.setenv("MAILPROBE_PROBE_FROM", "consult@mail.gov-office.cn")
    monkeypatch.setenv("MAILPROBE_PROBE_RETURN_PATH", "probe+{token}@mail.gov-office.cn")
    cli("campaign", "send", "r1")
    assert smtp_sink.connections > 0 and smtp_sink.received


def test_report_without_o_is_named_after_its_format_and_never_replaced(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path) -> None:
    cli("units", "import", str(REGISTRY))
    cli("campaign", "create", "r1")
    names = {"csv": "report.csv", "xlsx": "report.xlsx", "html": "report.html",
             "json": "report.json", "notice": "notice.md"}
    for fmt, name in names.items():
        assert json.loads(cli("report", "r1", "--format", fmt, "--json"))["path"] == name
    before = {name: (tmp_path / name).read_bytes() for name in names.values()}
    for fmt, name in names.items():
        refused = error_document(cli("report", "r1", "--format", fmt, "--json", code=3))
        assert f"{name} already exists" in str(refused["message"]) and "--force" in str(
            refused["message"])
        assert (tmp_path / name).read_bytes() == before[name]
    cli("report", "r1", "--format", "json", "--force")
    assert (tmp_path / "report.json").read_bytes() != b""


def test_a_usage_error_under_json_is_an_error_document_too(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mailprobe", "units", "list", "--json",
                           "--no-such-option"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "MAILPROBE_DATABASE_URL": "sqlite://"})
    assert done.returncode == 2
    assert error_document(done.stdout) == {"exit_code": 2,
                                           "message": "No such option: --no-such-option"}
