"""Docs stay true to the code: docs/cli.md is the --help of every command, and every test
the docs cite exists."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from mailprobe.cli import app
from mailprobe.clidoc import command_paths, render

ROOT = Path(__file__).resolve().parent.parent


def test_cli_doc_matches_the_help_of_every_command() -> None:
    expected = render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "run: .venv/bin/python -m mailprobe.clidoc > docs/cli.md"


def test_every_command_has_help_text() -> None:
    root = typer.main.get_command(app)
    for path in command_paths(root, []):
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert (command.help or "").strip(), f"mailprobe {' '.join(path)} has no help"


def test_readme_names_the_two_quick_start_commands_and_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./scripts/demo" in readme and "./scripts/test" in readme
    for code in range(6):
        assert f"| {code} |" in readme


def test_every_test_the_docs_cite_exists() -> None:
    """`tests/x.py::test_y` (and a following `::test_z`, same file) in docs/ and fuzz/."""
    cited: list[tuple[str, str]] = []
    docs = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "fuzz" / "README.md", ROOT / "README.md"]
    for doc in docs:
        path = ""
        text = doc.read_text(encoding="utf-8")
        for found in re.finditer(r"(tests/[\w/]+\.py)?::(test_\w+)", text):
            path = found.group(1) or path
            cited.append((path, found.group(2)))
    assert len(cited) > 20
    missing = [f"{path}::{name}" for path, name in cited
               if not re.search(rf"^(?:async )?def {name}\(",
                                (ROOT / path).read_text(encoding="utf-8"), re.M)]
    assert missing == []
