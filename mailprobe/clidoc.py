"""Render every command's --help as Markdown, so docs/cli.md can be checked against the code."""

from __future__ import annotations

import os
from typing import Any

import typer.main
from typer.testing import CliRunner

from mailprobe.cli import app


def command_paths(command: Any, path: list[str]) -> list[list[str]]:
    """Every command path under ``command`` (groups included), sorted."""
    found = [path]
    for name in sorted(getattr(command, "commands", {})):
        found += command_paths(command.commands[name], [*path, name])
    return found


def render() -> str:
    """The whole of docs/cli.md."""
    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    runner = CliRunner()
    parts = ["# mailprobe command line\n",
             "Generated from `--help` by `python -m mailprobe.clidoc > docs/cli.md`; "
             "a test checks that this file matches the code.\n"]
    for path in command_paths(typer.main.get_command(app), []):
        text = runner.invoke(app, [*path, "--help"], prog_name="mailprobe",
                             color=False).output
        title = " ".join(["mailprobe", *path])
        parts.append(f"## {title}\n\n```\n{_plain(text)}\n```\n")
    return "\n".join(parts)


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


if __name__ == "__main__":
    print(render(), end="")
