"""Every module in mailprobe/classify/ is a detector in DETECTORS or a documented helper."""

from __future__ import annotations

import importlib
import pkgutil

import mailprobe.classify as package
from mailprobe.classify import DETECTORS

# Helpers: no NAME/detect; each says in its docstring what it serves.
HELPERS = {"message", "mimeparse", "reasons", "reason_index", "refs", "extract",
           "phrases_reply", "quotes", "rules", "provenance", "weigh", "textparts"}


def modules() -> set[str]:
    return {m.name for m in pkgutil.iter_modules(package.__path__)}


def test_every_module_is_listed_or_a_helper() -> None:
    listed = {d.__module__.rsplit(".", 1)[-1] for d in DETECTORS}
    assert modules() - HELPERS == listed


def test_every_detector_has_name_and_docstring() -> None:
    for detect in DETECTORS:
        module = importlib.import_module(detect.__module__)
        assert module.NAME == detect.__module__.rsplit(".", 1)[-1]
        assert module.__doc__ and len(module.__doc__.strip()) > 40


def test_helpers_are_documented() -> None:
    for name in HELPERS & modules():
        module = importlib.import_module(f"mailprobe.classify.{name}")
        assert module.__doc__, name
        assert not hasattr(module, "detect"), name
