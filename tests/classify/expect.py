"""Helpers for the per-detector expected tables (docs/classify.md, "Adding a detector", step 2):
load a fixture, run one detector."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from mailprobe.classify.message import Mail, parse_message
from mailprobe.model import Verdict

from .conftest import CORPUS, EML, MISSING


def source(name: str) -> Path:
    """``corpus:maildir/...`` reads the shared corpus where it lies; anything else is ours."""
    if name.startswith("corpus:"):
        path = CORPUS / name.removeprefix("corpus:")
        if not path.exists():
            pytest.fail(MISSING)
        return path
    return EML / name


def load(name: str) -> Mail:
    msg, error = parse_message(source(name).read_bytes())
    assert msg is not None, error
    return msg


def check(module: ModuleType, name: str, kind: str, address: str, status: str | None,
          reason: str, hard: bool) -> Verdict:
    """Run ``module.detect`` on fixture ``name`` and compare the first recipient."""
    verdict = module.detect(load(name))
    assert verdict is not None, f"{module.NAME} did not claim {name}"
    assert verdict.detector == module.NAME
    first = verdict.recipients[0]
    got = (verdict.kind.value, first.address, first.status, first.reason, first.hard)
    assert got == (kind, address, status, reason, hard)
    return verdict


def not_mine(module: ModuleType, name: str) -> None:
    assert module.detect(load(name)) is None, f"{module.NAME} claimed {name}"
