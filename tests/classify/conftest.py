"""The shared corpus's labels, read where they lie (../shared/corpus/bounces from the repo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bounces"
EML = Path(__file__).resolve().parents[1] / "fixtures" / "eml"


def corpus_items() -> list[dict[str, Any]]:
    """Every labelled corpus file (bsd, not and dos subsets); ``[]`` if the corpus is absent."""
    labels = CORPUS / "labels.json"
    if not labels.exists():
        return []
    files: list[dict[str, Any]] = json.loads(labels.read_text())["files"]
    return files


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    """The corpus labels with each entry's ``path``; skips when the corpus is not there."""
    items = corpus_items()
    if not items:
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return [{**item, "path": CORPUS / item["file"]} for item in items]
