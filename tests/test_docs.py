"""Docs stay true to the code: docs/cli.md is the --help of every command."""

from __future__ import annotations

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
