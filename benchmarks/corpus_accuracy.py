"""Accuracy on real mail, in-sample and leave-one-source-out, per source group (issue 9).

    .venv/bin/python benchmarks/corpus_accuracy.py            # table on stdout
    .venv/bin/python benchmarks/corpus_accuracy.py --json     # one JSON document
    .venv/bin/python benchmarks/corpus_accuracy.py -v         # also every wrong file

Groups: ``corpus:<source>`` for tests/corpus/<source> (real mail from public projects),
``shared:<family>`` for the shared bounce corpus ($MAILPROBE_CORPUS, else
../shared/corpus/bounces beside the checkout; its bsd and not subsets, read where they lie),
``fixtures`` for tests/fixtures/replies (generated: shown, never evidence). In-sample classifies
every file with every rule; leave-one-source-out (LOSO) classifies group G's files inside
``rules.disabled({G})``, so rules written for G's files do not judge them. The gap between the
two is the overfitting measure. "One-file rules" fire on exactly one file of all corpora. Prints
figures only; no thresholds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from mailprobe.classify import classify
from mailprobe.model import Kind, Verdict

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "replies"
SHARED = Path(os.environ.get("MAILPROBE_CORPUS") or ROOT.parent / "shared" / "corpus" / "bounces")
SHARED_SUBSETS = ("bsd", "not")  # dos holds CRLF copies of bsd files: counting them twice skews
PSEUDO_STATUS = re.compile(r"[245]\.0\.9\d\d|[245]\.9\.\d{3}")  # Sisimai's invented codes
BOUNCE_KINDS = {Kind.BOUNCE, Kind.DELAY}
REPLY_LABELS = {"auto_reply", "human_reply"}
DECIDABLE = REPLY_LABELS | {"bounce", "delay"}  # labels the classifier has a kind for


@dataclass(frozen=True)
class Item:
    """One labelled real (or fixture) message."""

    group: str
    path: Path
    kind: str  # auto_reply | human_reply | bounce | delay | not_a_reply | feedback_report
    recipients: tuple[dict[str, Any], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.group}:{self.path.name}"


@dataclass
class Tally:
    """Counts for one group under one mode; rates are derived when printed."""

    files: int = 0
    replies: int = 0
    kind_right: int = 0
    human: int = 0
    human_bounce: int = 0
    human_auto: int = 0
    other_human: int = 0  # not_a_reply (notifications, newsletters, receipts) called human
    decidable: int = 0  # files labelled a reply, bounce or delay
    abstained: int = 0  # of those, called unknown or unparseable
    bounces: int = 0
    bounce_kind_right: int = 0
    rcpt: int = 0
    rcpt_found: int = 0
    reason: int = 0
    reason_right: int = 0
    hard: int = 0
    hard_right: int = 0
    status: int = 0
    status_right: int = 0
    # The same three, on labels a source states (a judged field, ours, left out).
    reason_stated: int = 0
    reason_stated_right: int = 0
    hard_stated: int = 0
    hard_stated_right: int = 0
    status_stated: int = 0
    status_stated_right: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.wrong.extend(other.wrong)


# --- loading ------------------------------------------------------------------------------


def corpus_items(root: Path = CORPUS) -> list[Item]:
    items: list[Item] = []
    for source in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        for line in (source / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                label = json.loads(line)
                items.append(Item(f"corpus:{source.name}", source / label["file"], label["kind"],
                                  tuple(with_judged(label))))
    return items


def with_judged(label: dict[str, Any]) -> list[dict[str, Any]]:
    """The label's recipients, each with ``judged``: the fields that are our reading, not the
    source's (all of them when the whole label is judged)."""
    judged = (["reason", "hard", "status"] if label.get("judged")
              else list(label.get("judged_fields") or ()))
    return [{**r, "judged": judged} for r in label.get("recipients") or ()]


def shared_root() -> Path | None:
    return SHARED if (SHARED / "labels.json").exists() else None


def shared_items(root: Path | None) -> list[Item]:
    """The shared corpus's labels in this benchmark's terms: ``addr`` -> ``address``, pseudo
    statuses dropped, ``not_bounce`` -> ``not_a_reply``."""
    if root is None:
        return []
    items: list[Item] = []
    for entry in json.loads((root / "labels.json").read_text())["files"]:
        if entry["subset"] not in SHARED_SUBSETS:
            continue
        recipients = tuple(
            {"address": r["addr"], "reason": r.get("reason"), "hard": r.get("hard"),
             "status": None if r.get("status_pseudo") or not r.get("status")
             or PSEUDO_STATUS.fullmatch(r["status"]) else r["status"]}
            for r in entry.get("recipients") or ())
        kind = {"not_bounce": "not_a_reply"}.get(entry["kind"], entry["kind"])
        items.append(Item(f"shared:{entry['family']}", root / entry["file"], kind, recipients))
    return items


def fixture_items(root: Path = FIXTURES) -> list[Item]:
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    return [Item("fixtures", root / name, {"unknown": "not_a_reply"}.get(lab["kind"], lab["kind"]))
            for name, lab in sorted(labels.items())]


# --- the classifier's rule switches (mailprobe/classify/rules.py, the classify branch) -----


def rules_module() -> ModuleType | None:
    """``mailprobe.classify.rules`` when it offers disabled/trace/rule_sources, else None."""
    try:
        from mailprobe.classify import rules  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return None
    needed = ("disabled", "trace", "rule_sources")
    return rules if all(hasattr(rules, name) for name in needed) else None


RULES_MISSING = ("leave-one-source-out and one-file rules need mailprobe.classify.rules with "
                 "disabled(), trace() and rule_sources() (the classify branch: `git merge "
                 "classify`); only in-sample figures are printed")


# --- scoring ------------------------------------------------------------------------------


def judge(item: Item, verdict: Verdict, tally: Tally) -> None:
    tally.files += 1
    got = verdict.kind
    if item.kind in DECIDABLE:  # for a notification or newsletter, unknown is the right answer
        tally.decidable += 1
        tally.abstained += got in (Kind.UNKNOWN, Kind.UNPARSEABLE)
    if item.kind in REPLY_LABELS:
        tally.replies += 1
        right = got.value == item.kind
        tally.kind_right += right
        if not right:
            tally.wrong.append(f"{item.name}: {item.kind} -> {got.value} ({verdict.detector})")
        if item.kind == "human_reply":
            tally.human += 1
            tally.human_bounce += got in BOUNCE_KINDS
            tally.human_auto += got is Kind.AUTO_REPLY
    elif item.kind in ("bounce", "delay"):
        judge_bounce(item, verdict, tally)
    elif item.kind == "not_a_reply" and got is Kind.HUMAN_REPLY:
        tally.other_human += 1
        tally.wrong.append(f"{item.name}: not_a_reply -> human_reply ({verdict.detector})")


def judge_bounce(item: Item, verdict: Verdict, tally: Tally) -> None:
    tally.bounces += 1
    right_kind = verdict.kind in BOUNCE_KINDS
    tally.bounce_kind_right += right_kind
    if not right_kind:
        tally.wrong.append(f"{item.name}: {item.kind} -> {verdict.kind.value} ({verdict.detector})")
    found = {r.address.lower(): r for r in verdict.recipients}
    for want in item.recipients:
        tally.rcpt += 1
        got = found.get(str(want["address"]).lower())
        tally.rcpt_found += got is not None
        for key in ("reason", "hard", "status"):
            if want.get(key) is None:
                continue
            right = got is not None and getattr(got, key) == want[key]
            names = [key] if key in want.get("judged", ()) else [key, f"{key}_stated"]
            for name in names:
                setattr(tally, name, getattr(tally, name) + 1)
                setattr(tally, f"{name}_right", getattr(tally, f"{name}_right") + right)
            if key == "reason" and not right:
                tally.wrong.append(f"{item.name}: reason {want[key]} -> "
                                   f"{got.reason if got else 'no recipient'}")


def run(items: Iterable[Item], context: Callable[[str], contextlib.AbstractContextManager[Any]],
        ) -> dict[str, Tally]:
    """Classify every item inside ``context(its group)`` and tally per group."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    by_group: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_group[item.group].append(item)
    for group, members in by_group.items():
        with context(group):
            for item in members:
                judge(item, classify(item.path.read_bytes()), tallies[group])
    return dict(tallies)


def fired_rules(items: Iterable[Item], rules: ModuleType) -> dict[str, list[str]]:
    """Rule id -> the files it fired on, every rule switched on."""
    fired: dict[str, list[str]] = defaultdict(list)
    for item in items:
        with rules.trace() as ids:
            classify(item.path.read_bytes())
        for rule_id in set(ids):
            fired[rule_id].append(item.name)
    return dict(fired)


# --- output -------------------------------------------------------------------------------


def pct(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def figures(t: Tally) -> dict[str, Any]:
    return {
        "files": t.files,
        "replies": t.replies,
        "kind_accuracy": pct(t.kind_right, t.replies),
        "human_to_bounce": t.human_bounce,
        "human_to_auto": t.human_auto,
        "other_to_human": t.other_human,
        "abstention": pct(t.abstained, t.decidable),
        "bounces": t.bounces,
        "bounce_kind": pct(t.bounce_kind_right, t.bounces),
        "reason": pct(t.reason_right, t.reason),
        "hard_soft": pct(t.hard_right, t.hard),
        "recipient_recall": pct(t.rcpt_found, t.rcpt),
        "status": pct(t.status_right, t.status),
        "reason_stated": pct(t.reason_stated_right, t.reason_stated),
        "hard_soft_stated": pct(t.hard_stated_right, t.hard_stated),
        "status_stated": pct(t.status_stated_right, t.status_stated),
        "judged_reasons": t.reason - t.reason_stated,
    }


COLUMNS = (("kind_accuracy", "kind%"), ("human_to_bounce", "h>b"), ("human_to_auto", "h>a"),
           ("other_to_human", "o>h"), ("abstention", "abst%"), ("reason", "reason%"),
           ("hard_soft", "hard%"), ("recipient_recall", "rcpt%"), ("status", "status%"))


def rollups(tallies: dict[str, Tally]) -> dict[str, Tally]:
    """Per group, then one line per corpus family (corpus/shared/fixtures) and real overall."""
    out = dict(sorted(tallies.items()))
    for prefix in ("corpus", "shared"):
        total = Tally()
        for group, tally in tallies.items():
            if group.startswith(prefix + ":"):
                total.add(tally)
        out[f"ALL {prefix}"] = total
    real = Tally()
    real.add(out["ALL corpus"])
    real.add(out["ALL shared"])
    out["ALL real"] = real
    return out


LEGEND = (
    "\nkind% = auto-vs-human kind right on auto/human replies (unknown is wrong); h>b, h>a = "
    "human replies called bounce/delay, auto-reply; o>h = not_a_reply (newsletters, "
    "notifications, receipts) called human; abst% = unknown or unparseable among files labelled a "
    "reply, bounce or delay (for a not_a_reply file unknown is right); "
    "reason/hard/rcpt/status on bounce and delay recipients.")


def stated_lines(inside: dict[str, Tally], loso: dict[str, Tally] | None) -> str:
    """The ALL rows again on labels the sources state: judged reason/hard/status left out."""
    lines = ["\nstated labels only (our judged reason/hard/status fields left out; "
             "in-sample / leave-one-source-out):"]
    for group in ("ALL corpus", "ALL shared", "ALL real"):
        a, b = figures(inside[group]), figures(loso[group]) if loso is not None else None
        parts = [f"{label} {cell(a[key])} / {cell(b[key]) if b else 'n/a'}" for key, label in
                 (("reason_stated", "reason%"), ("hard_soft_stated", "hard%"),
                  ("status_stated", "status%"))]
        lines.append(f"  {group:<12} {', '.join(parts)}  (judged reasons left out: "
                     f"{a['judged_reasons']})")
    return "\n".join(lines)


def cell(value: Any) -> str:
    return "-" if value is None else str(value)


def table(inside: dict[str, Tally], loso: dict[str, Tally] | None) -> str:
    head = f"{'group':<34} {'files':>5} {'repl':>4} {'bnc':>4} " + " ".join(
        f"{label:>15}" for _, label in COLUMNS)
    lines = [head, " " * 50 + "(each cell: in-sample / leave-one-source-out)"]
    for group, tally in inside.items():
        a, b = figures(tally), figures(loso[group]) if loso is not None else None
        cells = " ".join(f"{cell(a[key]) + ' / ' + (cell(b[key]) if b else 'n/a'):>15}"
                         for key, _ in COLUMNS)
        lines.append(f"{group:<34} {tally.files:>5} {tally.replies:>4} {tally.bounces:>4} {cells}")
    return "\n".join(lines)


def source_table(root: Path = CORPUS) -> list[dict[str, Any]]:
    """One row per tests/corpus source: repository, licence, files per kind, judged labels."""
    rows = []
    for source in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        meta = tomllib.loads((source / "SOURCE.toml").read_text(encoding="utf-8"))
        labels = [json.loads(line) for line in
                  (source / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
        rows.append({"source": source.name, "repo": meta["repo"], "licence": meta["licence"],
                     "files": len(labels), "judged": sum(bool(x["judged"]) for x in labels),
                     "kinds": dict(Counter(x["kind"] for x in labels)),
                     "clients": sorted({x["client"] for x in labels
                                        if x["kind"] == "human_reply" and x.get("client")})})
    return rows


def print_sources(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(row["kinds"].items()))
        print(f"{row['source']:<22} {row['files']:>4}  {row['licence']:<18} {row['repo']:<42} "
              f"{kinds} (judged {row['judged']})")
    clients = sorted({c for row in rows for c in row["clients"]})
    print(f"{'total':<22} {sum(r['files'] for r in rows):>4}  human-reply clients "
          f"({len(clients)}): {', '.join(clients)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong file")
    parser.add_argument("--sources", action="store_true",
                        help="only list the corpus sources: licence, files per kind, clients")
    args = parser.parse_args(argv)
    if args.sources:
        rows = source_table()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            print_sources(rows)
        return 0

    shared = shared_root()
    items = corpus_items() + shared_items(shared) + fixture_items()
    rules = rules_module()
    inside = rollups(run(items, lambda _group: contextlib.nullcontext()))
    loso = one_file = None
    if rules is not None:
        loso = rollups(run(items, lambda group: rules.disabled({group})))
        one_file = {rule: files[0] for rule, files in sorted(
            fired_rules(items, rules).items()) if len(files) == 1}
    else:
        print(RULES_MISSING, file=sys.stderr)
    if shared is None:
        print(f"shared corpus not found at {SHARED}: shared groups left out", file=sys.stderr)

    wrong = inside["ALL real"].wrong + inside.get("fixtures", Tally()).wrong
    if args.json:
        doc: dict[str, Any] = {"in_sample": {g: figures(t) for g, t in inside.items()},
               "leave_one_source_out": ({g: figures(t) for g, t in loso.items()}
                                        if loso is not None else None),
               "one_file_rules": one_file,
               "sources": dict(Counter(item.group for item in items))}
        if args.verbose:
            doc["wrong_in_sample"] = wrong
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    print(table(inside, loso))
    print(stated_lines(inside, loso))
    print(LEGEND)
    print("fixtures = generated messages (tests/fixtures/replies): shown, never evidence; "
          "not in ALL real.")
    if one_file is not None:
        print(f"\none-file rules ({len(one_file)}): rules that fire on exactly one file")
        for rule, name in one_file.items():
            print(f"  {rule:<40} {name}")
    if args.verbose:
        print("\nwrong, in-sample:")
        for line in wrong:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
