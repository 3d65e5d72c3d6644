"""The built wheel is a complete tool: installed into a fresh venv outside the checkout, it
initialises, imports a registry, creates a campaign, runs the demo and writes every report
format, all from the files it carries (templates, the calendar, the migrations)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md", "mailprobe", "templates", "db")
REPORTS = {"csv": "report.csv", "xlsx": "report.xlsx", "html": "report.html",
           "json": "report.json", "notice": "notice.md"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build from a copy of the sources, so the checkout gets no build/ or egg-info."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-q", "-w", str(dist), str(src)],
                   check=True, capture_output=True, text=True)
    (built,) = dist.glob("mailprobe-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; its dependencies come from this venv's site-packages
    through a .pth file (offline, and the checkout itself is not on its path)."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True)
    Path(site.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--disable-pip-version-check", "-q", str(wheel)],
                   check=True, capture_output=True, text=True)
    return env_dir / "bin"


def run_in(bin_dir: Path, cwd: Path) -> Callable[..., str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILPROBE_")}
    env |= {"PYTHONPATH": "", "MAILPROBE_PROBE_ALLOW_PLACEHOLDER": "true",
            "MAILPROBE_DNS_CHECK": "false",
            "MAILPROBE_PROBE_FROM": "consult@example.org",
            "MAILPROBE_PROBE_RETURN_PATH": "probe+{token}@example.org"}

    def run(*args: str) -> str:
        done = subprocess.run([str(bin_dir / "mailprobe"), *args], cwd=cwd, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done.stdout

    return run


def test_wheel_carries_templates_migrations_and_the_calendar(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for wanted in ("/templates/probe/consult_office_hours.j2", "/templates/report/report.html.j2",
                   "/mailprobe.toml", "/env.py", "/alembic.ini", "/versions/0001_initial_schema.py",
                   "/score/calendar_cn.toml"):
        assert any(n.endswith(wanted) or wanted.strip("/") in n for n in names), wanted
    assert any("_templates/probe/" in n for n in names)
    assert any("_templates/report/" in n for n in names)


def test_installed_wheel_imports_from_its_own_venv(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c",
                            "import mailprobe, mailprobe.resources as r; print(mailprobe.__file__);"
                            "print(r.templates_dir()); print(r.migrations_dir())"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    venv_dir = str(installed.parent)
    for line in where.stdout.split():
        assert line.startswith(venv_dir) and not line.startswith(str(ROOT)), line


def test_installed_wheel_runs_a_round_and_writes_every_report(installed: Path,
                                                              tmp_path: Path) -> None:
    registry = tmp_path / "units.csv"
    shutil.copy2(ROOT / "tests" / "fixtures" / "registry" / "units-ok.csv", registry)
    run = run_in(installed, tmp_path)
    assert "newest schema" in run("init")
    assert "[smtp]" in (tmp_path / "mailprobe.toml").read_text(encoding="utf-8")
    run("units", "import", str(registry))
    assert "(draft): 6 probes" in run("campaign", "create", "r1")
    for fmt, name in REPORTS.items():
        run("report", "r1", "--format", fmt, "-o", str(tmp_path / "out" / name))
        assert (tmp_path / "out" / name).stat().st_size > 0, fmt
    assert (tmp_path / "mailprobe.db").exists()


def test_installed_wheel_runs_the_demo(installed: Path, tmp_path: Path) -> None:
    run_in(installed, tmp_path)("demo", "--seed", "7", "--out", "demo")
    for name in REPORTS.values():
        assert (tmp_path / "demo" / name).stat().st_size > 0, name
