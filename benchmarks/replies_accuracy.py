"""Print precision and recall of auto_reply vs human_reply over tests/fixtures/replies/.

    .venv/bin/python benchmarks/replies_accuracy.py            # through classify() when it exists
    .venv/bin/python benchmarks/replies_accuracy.py --direct   # autoreply.detect, then human.detect
    .venv/bin/python benchmarks/replies_accuracy.py -v         # also list every miss

Rerunnable: the figures depend only on the fixtures and the detectors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from mailprobe.classify import autoreply, human
from mailprobe.classify.message import parse_message
from mailprobe.model import Kind, Verdict

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "replies"
CLASSES = (Kind.AUTO_REPLY, Kind.HUMAN_REPLY)


def classify_direct(raw: bytes) -> Verdict:
    """The reply detectors alone, in DETECTORS order: auto-reply first, then human."""
    msg, error = parse_message(raw)
    if msg is None:
        return Verdict(Kind.UNPARSEABLE, detector="parser", error=error)
    for detect in (autoreply.detect, human.detect):
        verdict = detect(msg)
        if verdict is not None:
            return verdict
    return Verdict(Kind.UNKNOWN, detector="none")


def pipeline_classifier() -> Callable[[bytes], Verdict] | None:
    """``mailprobe.classify.classify`` if it exists and includes the reply detectors."""
    import mailprobe.classify as package

    classify = getattr(package, "classify", None)
    detectors = getattr(package, "DETECTORS", ())
    if classify is None or not {autoreply.detect, human.detect} <= set(detectors):
        return None
    return classify  # type: ignore[no-any-return]


def score(classify: Callable[[bytes], Verdict]) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Precision and recall per class, and a line per misclassified file."""
    labels = json.loads((FIXTURES / "labels.json").read_text(encoding="utf-8"))
    tp = dict.fromkeys(CLASSES, 0)
    fp = dict.fromkeys(CLASSES, 0)
    fn = dict.fromkeys(CLASSES, 0)
    misses: list[str] = []
    for name, label in sorted(labels.items()):
        verdict = classify((FIXTURES / name).read_bytes())
        want, got = Kind(label["kind"]), verdict.kind
        for cls in CLASSES:
            tp[cls] += want == cls and got == cls
            fp[cls] += want != cls and got == cls
            fn[cls] += want == cls and got != cls
        if want != got:
            why = f"{verdict.detector}: {verdict.evidence}"
            misses.append(f"{name}: expected {want}, got {got} ({why})")
    figures = {
        str(cls): (tp[cls] / max(1, tp[cls] + fp[cls]), tp[cls] / max(1, tp[cls] + fn[cls]))
        for cls in CLASSES
    }
    return figures, misses


def main(argv: list[str]) -> int:
    classify = None if "--direct" in argv else pipeline_classifier()
    mode = "classify()" if classify else "autoreply.detect + human.detect"
    figures, misses = score(classify or classify_direct)
    print(f"replies labelled set via {mode}")
    for cls, (precision, recall) in figures.items():
        print(f"{cls:12s} precision {precision:6.1%}  recall {recall:6.1%}")
    print(f"misclassified: {len(misses)}")
    if "-v" in argv:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
