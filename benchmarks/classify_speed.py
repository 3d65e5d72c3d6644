"""Classification throughput on the shared corpus, repeated to >= 5,000 messages.

    .venv/bin/python benchmarks/classify_speed.py [N]

Prints messages/s for ``classify`` and for a bare ``email.message_from_bytes`` (compat32)
pass over the same bytes in the same run, their ratio, and peak memory (tracemalloc, over
one classify pass over the distinct files, run apart from the timing; ru_maxrss for the
whole process).
"""

from __future__ import annotations

import email
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from mailprobe.classify import classify

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bounces"


def load(corpus: Path, n: int) -> list[bytes]:
    files = [corpus / i["file"] for i in json.loads((corpus / "labels.json").read_text())["files"]]
    raws = [f.read_bytes() for f in files]
    return (raws * (n // len(raws) + 1))[:n]


def rate(fn: object, raws: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in raws:
        fn(raw)  # type: ignore[operator]
    return len(raws) / (time.perf_counter() - start)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    raws = load(CORPUS, n)
    rate(classify, raws[:500])  # warm the regex caches
    bare = rate(email.message_from_bytes, raws)
    ours = rate(classify, raws)
    tracemalloc.start()  # a separate pass: tracemalloc slows everything it watches
    rate(classify, raws[: len(set(raws))])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"messages: {len(raws)} ({len(set(raws))} distinct files, "
          f"{sum(map(len, raws)) / 1e6:.1f} MB)")
    print(f"bare email.message_from_bytes: {bare:8.0f} msg/s")
    print(f"classify():                    {ours:8.0f} msg/s  "
          f"(ratio {ours / bare:.2f} of bare parse)")
    print(f"peak traced memory during classify: {peak / 1e6:.1f} MB; process max RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
