"""Shared fixtures: the database on SQLite and PostgreSQL, a fixed clock, fixture loaders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.servers.postgres import pg_schema

pytest_plugins = ["tests.servers.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on a SQLite file and on a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mailprobe.db'}"
    else:
        with pg_schema() as url:
            yield url


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # Mon 09:00 in Shanghai


@pytest.fixture
def eml() -> object:
    def load(name: str) -> bytes:
        return (FIXTURES / "eml" / name).read_bytes()

    return load


def cli_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> Callable[..., str]:
    """``run(*args, code=0)``: mailprobe in ``tmp_path``, configured by ``env`` alone;
    asserts the exit code and returns stdout (one JSON document with --json)."""
    from typer.testing import CliRunner

    from mailprobe.cli import app

    monkeypatch.chdir(tmp_path)
    base = {
        "MAILPROBE_PROBE_FROM": "consult@example.org",
        "MAILPROBE_PROBE_RETURN_PATH": "probe+{token}@example.org",
        "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "true",
        "MAILPROBE_SMTP_TLS": "none",
        "MAILPROBE_SMTP_HOST": "127.0.0.1",
    }
    for key, value in {**base, **env}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result.stdout

    return run
