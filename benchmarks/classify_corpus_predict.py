"""Print one JSON line per corpus file, in the form the corpus scorer reads.

    .venv/bin/python benchmarks/classify_corpus_predict.py > /tmp/pred.jsonl
    python3 "${MAILPROBE_CORPUS:-../shared/corpus/bounces}/score.py" /tmp/pred.jsonl [--include-dos]

Reads the files where they lie (the labels' file list); copies nothing. Kind mapping for the
scorer: delay -> bounce (Sisimai counts delay DSNs as bounces), unknown/unparseable/
human_reply -> not_bounce.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from mailprobe.classify import classify
from mailprobe.classify.extract import REPLY
from mailprobe.model import Kind, Recipient

# The shared bounce corpus where it lies: $MAILPROBE_CORPUS, else beside the checkout.
CORPUS = Path(os.environ.get("MAILPROBE_CORPUS")
              or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bounces")
SCORER_KIND = {Kind.BOUNCE: "bounce", Kind.DELAY: "bounce", Kind.AUTO_REPLY: "auto_reply",
               Kind.FEEDBACK_REPORT: "feedback_report"}

# Our delay notices' reason "delayed" (still trying, no cause stated) is what Sisimai calls
# "expired" in a delay notice (docs/classify.md, "Delay notices").
SCORER_REASON = {"delayed": "expired"}


def permanent(kind: Kind, r: Recipient) -> bool:
    """Temporary (4xx) or permanent (5xx): the status's class, else the reply code's, else
    the kind (a delay notice is temporary, a final bounce permanent)."""
    reply = REPLY.search(r.diagnostic)
    code = r.status or (reply.group(1) if reply else "")
    if code:
        return code.startswith("5")
    return kind is not Kind.DELAY


def predict(corpus: Path = CORPUS) -> list[dict[str, object]]:
    labels = json.loads((corpus / "labels.json").read_text())["files"]
    rows: list[dict[str, object]] = []
    for item in labels:
        verdict = classify((corpus / item["file"]).read_bytes())
        rows.append({
            "file": item["file"],
            "kind": SCORER_KIND.get(verdict.kind, "not_bounce"),
            "detector": verdict.detector,
            "recipients": [{"addr": r.address, "status": r.status,
                            "reason": SCORER_REASON.get(r.reason or "", r.reason),
                            "hard": r.hard, "permanent": permanent(verdict.kind, r)}
                           for r in verdict.recipients],
        })
    return rows


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    for row in predict(corpus):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
