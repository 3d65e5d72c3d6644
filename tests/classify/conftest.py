"""The shared bounce corpus's labels, read where they lie: $MAILPROBE_CORPUS, else
../shared/corpus/bounces beside the checkout."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def find_corpus() -> Path:
    """The shared corpus where it lies: $MAILPROBE_CORPUS when set, else
    ../shared/corpus/bounces beside the checkout (found relative to this file)."""
    named = os.environ.get("MAILPROBE_CORPUS", "")
    if named:
        return Path(named)
    return Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bounces"


CORPUS = find_corpus()
MISSING = (f"shared corpus not found at {CORPUS}; set MAILPROBE_CORPUS to the folder that "
           "holds labels.json")
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
    """The corpus labels with each entry's ``path``; fails when the corpus is not there."""
    items = corpus_items()
    if not items:
        pytest.fail(MISSING)
    return [{**item, "path": CORPUS / item["file"]} for item in items]
