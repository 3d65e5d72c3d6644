"""Bounded atheris runs of the fuzz/ harnesses: each must do all its runs without a finding.

Each harness runs in a subprocess on a copy of its seed corpus, so libFuzzer's new corpus
entries and any crash artifact land in tmp_path, never in the repo. The libFuzzer seed and
PYTHONHASHSEED are fixed, so a failure here reproduces with the same command (printed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
# libFuzzer's own stop, far above the 8-15 s the runs below take on a busy 2-core machine: a
# run cut short by it fails the "Done N runs" check rather than passing on fewer inputs.
MAX_SECONDS = 240
CASES = [
    # harness            seed corpus  runs    extra options
    ("classify_fuzz.py", "classify", 6_000, []),
    ("registry_fuzz.py", "registry", 10_000, []),
    ("render_fuzz.py", "render", 5_000, [f"-dict={FUZZ / 'render.dict'}"]),
]


@pytest.mark.parametrize(("harness", "corpus", "runs", "extra"), CASES,
                         ids=[c[0].removesuffix(".py") for c in CASES])
def test_harness_finishes_its_runs_without_a_finding(
    tmp_path: Path, harness: str, corpus: str, runs: int, extra: list[str]
) -> None:
    seeds, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    shutil.copytree(FUZZ / "corpus" / corpus, seeds)
    artifacts.mkdir()
    command = [sys.executable, str(FUZZ / harness), f"-runs={runs}", "-seed=1",
               f"-max_total_time={MAX_SECONDS}", "-rss_limit_mb=1024", "-timeout=20",
               f"-artifact_prefix={artifacts}/", *extra, str(seeds)]
    env = {**os.environ, "PYTHONHASHSEED": "0", "TMPDIR": str(tmp_path)}
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", env=env, timeout=2 * MAX_SECONDS + 60, check=False)
    report = f"{' '.join(command)}\n{done.stdout[-6000:]}"
    assert done.returncode == 0, report
    assert f"Done {runs} runs" in done.stdout, report
    assert not any(artifacts.iterdir()), f"crash artifacts: {list(artifacts.iterdir())}"
