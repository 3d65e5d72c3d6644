"""The shared corpus's labels, read where they lie (../shared/corpus/bounces from the repo)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def find_corpus() -> Path:
    """The shared corpus where it lies: $MAILPROBE_CORPUS, ../shared beside the checkout,
    or this workplace's /work/shared (a checkout elsewhere still finds it)."""
    candidates = [os.environ.get("MAILPROBE_CORPUS", ""),
                  str(Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bounces"),
                  "/work/shared/corpus/bounces"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "labels.json").exists():
            return Path(candidate)
    return Path(candidates[1])


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
