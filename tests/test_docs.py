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


# Documents outside the repository that comments and docs must not cite (state the fact and
# cite a file here or a public source instead), and absolute paths of one machine. The shared
# bounce corpus may be named where it lies, as data (../shared/corpus/bounces).
OUTSIDE_CITATION = re.compile(
    r"\b(?:DOMAIN|SERVERS|STYLE)\.md\b|(?<![\w.~])/wor[k]/|\.\./shared/(?!corpus/bounces\b)")
CITING_ROOTS = ("mailprobe", "docs", "templates", "tests", "benchmarks", "fuzz", "scripts", "db")
TOP_LEVEL = ("README.md", "pyproject.toml", "setup.py", "MANIFEST.in")
TEXT_SUFFIXES = {".py", ".md", ".j2", ".toml", ".tmpl", ".yaml", ".mako", ".ini", ".in", ".cfg",
                 ".sh", ""}


def text_files_that_may_cite() -> list[Path]:
    """Source, templates and docs, without the data of tests/corpus and generated folders."""
    files = [ROOT / name for name in TOP_LEVEL if (ROOT / name).exists()]
    for top in CITING_ROOTS:
        for path in sorted((ROOT / top).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if (path.is_file() and path.suffix in TEXT_SUFFIXES
                    and parts[:2] != ("tests", "corpus")
                    and not any(part.startswith(".") or part == "__pycache__" for part in parts)):
                files.append(path)
    return files


def test_outside_citation_pattern_catches_what_it_should() -> None:
    # Assembled, so that this file does not cite them itself.
    cited = [f"({'DOMAIN'}.md)", f"see {'SERVERS'}.md", f"{'STYLE'}.md §G",
             "/" + "work/shared/corpus", "../" + "shared/notes", "../" + "shared/corpus/README.md"]
    fine = ["docs/scoring.md", "RFC 3501 §6.4.8", "../shared/corpus/bounces/labels.json",
            "tests/corpus/README.md", "the network/workers"]
    assert [text for text in cited if not OUTSIDE_CITATION.search(text)] == []
    assert [text for text in fine if OUTSIDE_CITATION.search(text)] == []


def test_comments_and_docs_cite_only_the_repository_or_public_sources() -> None:
    files = text_files_that_may_cite()
    assert len(files) > 100 and ROOT / "mailprobe" / "poll.py" in files
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in files
             for number, line in enumerate(
                 path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if OUTSIDE_CITATION.search(line)]
    assert found == []
