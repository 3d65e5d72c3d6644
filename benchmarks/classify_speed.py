"""Classification throughput on the shared corpus, repeated to >= 5,000 messages.

    .venv/bin/python benchmarks/classify_speed.py [N]

Prints messages/s for ``classify`` and for a bare ``email.message_from_bytes`` (compat32)
pass over the same bytes in the same run, their ratio, and peak memory (tracemalloc, over
one classify pass over the distinct files, run apart from the timing; ru_maxrss for the
whole process). Then the command itself: the same messages written as .eml files into a
temp directory and ``mailprobe classify DIR --json`` run once, in its own process (file
reads and the JSON output included), timed from its start with and without the interpreter
start-up (``mailprobe --version``).
"""

from __future__ import annotations

import email
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from mailprobe.classify import classify

# The shared bounce corpus where it lies: $MAILPROBE_CORPUS, else beside the checkout.
CORPUS = Path(os.environ.get("MAILPROBE_CORPUS")
              or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bounces")


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
    command_rate(raws)
    return 0


def command_rate(raws: list[bytes]) -> None:
    """``mailprobe classify DIR --json`` over the same messages, one process."""
    mailprobe = [sys.executable, "-m", "mailprobe"]
    with tempfile.TemporaryDirectory(prefix="classify-bench-") as folder:
        for i, raw in enumerate(raws):
            Path(folder, f"{i:05d}.eml").write_bytes(raw)
        start = time.perf_counter()
        subprocess.run([*mailprobe, "--version"], check=True, capture_output=True)
        startup = time.perf_counter() - start
        start = time.perf_counter()
        done = subprocess.run([*mailprobe, "classify", folder, "--json"], check=True,
                              capture_output=True)
        wall = time.perf_counter() - start
    count = len(json.loads(done.stdout))
    print(f"mailprobe classify DIR --json: {count} files in {wall:.2f} s = {count / wall:.0f} "
          f"msg/s; {count / (wall - startup):.0f} msg/s without the {startup:.2f} s start-up")


if __name__ == "__main__":
    raise SystemExit(main())
