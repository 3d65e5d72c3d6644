"""Reproduce the field's two standard analyses from `mailprobe export` CSV, standard library only.

    .venv/bin/python benchmarks/export_analysis.py export.csv
    .venv/bin/python benchmarks/export_analysis.py --demo     # run the demo, export, analyse

1. A Kaplan-Meier curve of the time to the first human reply, in working hours (a probe
   without a reply is right-censored at the working time observed: ``censored`` = 1).
2. A variant comparison: the human-reply share per probe template with a Wilson 95 %
   interval, and a two-proportion z-test between the two largest variants (the randomised
   message variants of the audit studies cited in docs/export.md).
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

HOURS_PER_DAY = 6.5  # the default office hours, 08:30-12:00 and 14:30-17:30 (docs/scoring.md)


@dataclass(frozen=True)
class Observation:
    hours: float
    replied: bool
    variant: str


def read_export(path: Path) -> list[Observation]:
    """Probes that went out (a latency or an observed time), as survival observations."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [Observation(float(r["latency_working_hours"]), r["any_reply"] == "1",
                            r["variant"])
                for r in csv.DictReader(handle) if r["latency_working_hours"]]


def kaplan_meier(obs: list[Observation]) -> list[tuple[float, float, int, int]]:
    """(hours, share replied, at risk, replies) at each reply time: 1 - S(t), S = prod(1-d/n)."""
    events = Counter(o.hours for o in obs if o.replied)
    at_risk = len(obs)
    survival, curve = 1.0, []
    leaving = Counter(o.hours for o in obs)
    for t in sorted(leaving):
        d = events.get(t, 0)
        if d:
            survival *= 1 - d / at_risk
            curve.append((t, 1 - survival, at_risk, d))
        at_risk -= leaving[t]
    return curve


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """z and the two-sided p-value of H0: both variants get replies equally often."""
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / se
    return z, 2 * (1 - NormalDist().cdf(abs(z)))


def report(obs: list[Observation]) -> str:
    lines = [f"{len(obs)} probes out, {sum(o.replied for o in obs)} human replies", "",
             "Kaplan-Meier: share with a human reply by working hours"]
    curve = kaplan_meier(obs)
    for days in (1, 3, 5, 10, 20):  # the local rules' deadlines, in days of 6.5 office hours
        share = max((s for t, s, _, _ in curve if t <= days * HOURS_PER_DAY), default=0.0)
        lines.append(f"  by {days:>2} working days ({days * HOURS_PER_DAY:>5.1f} h): {share:6.1%}")
    lines += ["", "Variants: human-reply share (Wilson 95 %)"]
    by_variant: dict[str, list[Observation]] = {}
    for o in obs:
        by_variant.setdefault(o.variant, []).append(o)
    counts = sorted(((v, sum(o.replied for o in group), len(group))
                     for v, group in by_variant.items()), key=lambda x: -x[2])
    for variant, k, n in counts:
        low, high = wilson(k, n)
        lines.append(f"  {variant:<28} {k:>4}/{n:<4} {k / n:6.1%}  [{low:.1%}, {high:.1%}]")
    if len(counts) >= 2:
        (v1, k1, n1), (v2, k2, n2) = counts[:2]
        z, p = two_proportion_z(k1, n1, k2, n2)
        lines.append(f"  {v1} vs {v2}: z = {z:.2f}, p = {p:.3f}")
    return "\n".join(lines)


def demo_export(folder: Path) -> Path:
    """Run the demo into ``folder`` and export its campaign as CSV."""
    mailprobe = [sys.executable, "-m", "mailprobe"]
    subprocess.run([*mailprobe, "demo", "--out", str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    env = {"MAILPROBE_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "PATH": ""}
    names = subprocess.run([*mailprobe, "campaign", "list", "--json"], check=True, env=env,
                           capture_output=True, text=True).stdout
    import json

    name = json.loads(names)[0]["name"]
    path = folder / "export.csv"
    subprocess.run([*mailprobe, "export", name, "-o", str(path)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path)
    parser.add_argument("--demo", action="store_true", help="run the demo and export it first")
    args = parser.parse_args()
    if args.demo:
        with tempfile.TemporaryDirectory() as tmp:
            print(report(read_export(demo_export(Path(tmp)))))
    elif args.csv:
        print(report(read_export(args.csv)))
    else:
        parser.error("give an export CSV or --demo")


if __name__ == "__main__":
    main()
