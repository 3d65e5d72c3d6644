"""Which groups of files each classifier rule decides, and the rules that decide one file only.

    .venv/bin/python benchmarks/rule_provenance.py [--corpus DIR ...] [--write]

Classifies every file of the shared bounce corpus (group ``shared:<family>``), of
``tests/fixtures`` (group ``fixtures``) and of each ``--corpus`` folder's sources (group
``corpus:<source>``, one per sub-folder) under ``rules.trace()``. Prints, per rule, the files
it decided and their groups; then the rules that decide exactly one file. With ``--write`` each
phrase cites, in ``mailprobe/classify/provenance.py`` (PHRASE_SOURCES), the group it decides
most files of (all tied ones): the group it was written for; the hand-written citations in
CITED are kept apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from mailprobe.classify import classify, rules

ROOT = Path(__file__).resolve().parents[1]
# The shared bounce corpus where it lies: $MAILPROBE_CORPUS, else beside the checkout.
SHARED = Path(os.environ.get("MAILPROBE_CORPUS") or ROOT.parent / "shared" / "corpus" / "bounces")


def shared_files() -> list[tuple[str, Path]]:
    labels = json.loads((SHARED / "labels.json").read_text())["files"]
    return [(f"shared:{item['family']}", SHARED / item["file"]) for item in labels]


def fixture_files() -> list[tuple[str, Path]]:
    return [("fixtures", p) for p in sorted((ROOT / "tests" / "fixtures").rglob("*.eml"))]


def corpus_files(folder: Path) -> list[tuple[str, Path]]:
    return [(f"corpus:{source.name}", p) for source in sorted(folder.iterdir()) if source.is_dir()
            for p in sorted(source.rglob("*.eml"))]


def fired_by_rule(files: list[tuple[str, Path]]) -> dict[str, list[tuple[str, Path]]]:
    fired: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    for group, path in files:
        with rules.trace() as ids:
            classify(path.read_bytes())
        for rule_id in ids:
            fired[rule_id].append((group, path))
    return fired


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    files = shared_files() + fixture_files()
    for folder in args.corpus:
        files += corpus_files(folder)
    fired = fired_by_rule(files)
    known = rules.rule_sources()
    print(f"{len(files)} files, {len(known)} rules, {len(fired)} fired at least once")
    one_file = sorted(rid for rid, hits in fired.items() if len(hits) == 1)
    support = text_support(files, one_file)
    print(f"\nrules that decide exactly one file ({len(one_file)}); 'words in' = files whose "
          "text the phrase matches, and their groups (a second group is a second sample):")
    for rid in one_file:
        group, path = fired[rid][0]
        n, groups = support.get(rid, (0, 0))
        print(f"  {rid}\t{group}\t{path.name}\twords in {n} files / {groups} groups"
              f"\tcites {','.join(known.get(rid, ())) or '-'}")
    never = sorted(rid for rid in known if rid not in fired)
    print(f"\nrules that decide no file ({len(never)})")
    if args.write:
        write(fired, known)
    return 0


def text_support(files: list[tuple[str, Path]], ids: list[str]) -> dict[str, tuple[int, int]]:
    """For each phrase rule in ``ids``: how many files' text it matches, in how many groups."""
    from mailprobe.classify.message import parse_message
    from mailprobe.classify.reasons import REASON_TABLE, _normal, phrase_id
    patterns = {phrase_id(e.reason, p): re.compile(p) for e in REASON_TABLE for p in e.phrases}
    wanted = {rid: patterns[rid] for rid in ids if rid in patterns}
    hits: dict[str, list[str]] = defaultdict(list)
    for group, path in files:
        msg, _ = parse_message(path.read_bytes())
        if msg is None:
            continue
        text = _normal(msg.body + "\n" + msg.dsn)
        for rid, pattern in wanted.items():
            if pattern.search(text):
                hits[rid].append(group)
    return {rid: (len(groups), len(set(groups))) for rid, groups in hits.items()}


def motivating(hits: list[tuple[str, Path]]) -> tuple[str, ...]:
    """The group(s) a phrase was written for, read from the files it decides: the group it
    decides most files of (all of them when tied). A phrase that also decides files of other
    groups has independent samples there, so leaving one of those groups out keeps it."""
    counts = Counter(group for group, _ in hits)
    if not counts:
        return ()
    top = max(counts.values())
    return tuple(sorted(g for g, n in counts.items() if n == top))


def write(fired: dict[str, list[tuple[str, Path]]], known: dict[str, tuple[str, ...]]) -> None:
    from mailprobe.classify.provenance import PHRASE_SOURCES
    out: dict[str, tuple[str, ...]] = {}
    for rid in sorted(known):
        if not rid.startswith("phrase:"):
            continue
        out[rid] = motivating(fired.get(rid, [])) or PHRASE_SOURCES.get(rid, ())
    path = ROOT / "mailprobe" / "classify" / "provenance.py"
    text = path.read_text()
    head = text[:text.index("PHRASE_SOURCES:")]
    lines = [head + "PHRASE_SOURCES: dict[str, tuple[str, ...]] = {"]
    for rid, groups in out.items():
        line = f"    {rid!r}: {groups!r},"
        if len(line) > 100:
            line = f"    {rid!r}:\n        {groups!r},"
        lines.append(line)
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
