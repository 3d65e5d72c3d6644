"""The real-mail corpus (tests/corpus/): provenance, labels and the blind set kept out.

Structure only; the figures are benchmarks/corpus_accuracy.py's. See tests/corpus/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# The blind set's content hashes, where the workplace keeps them beside the checkout.
RESERVED = Path(__file__).resolve().parents[3] / "shared" / "hooks" / "reserved.sha256"
KINDS = {"auto_reply", "human_reply", "bounce", "delay", "not_a_reply"}
SUBKINDS = {"out_of_office", "acknowledgement", "challenge", "ticket_receipt", "vacation"}
REASONS = {
    "authfailure", "badreputation", "blocked", "contenterror", "delivered", "emailtoolarge",
    "expired", "failedstarttls", "feedback", "filtered", "hasmoved", "hostunknown",
    "mailboxfull", "mailererror", "networkerror", "norelaying", "notaccept", "notcompliantrfc",
    "onhold", "policyviolation", "ratelimited", "rejected", "requireptr", "securityerror",
    "spamdetected", "suppressed", "suspend", "syntaxerror", "systemerror", "systemfull",
    "undefined", "userunknown", "vacation", "virusdetected", "greylisting", "delayed",
}
# Kept for blind evaluation (issue 9): no source may come from these.
RESERVED_REPOS = re.compile(
    r"^(mysociety/alaveteli|okfde/froide|discourse/discourse|gitlabhq/gitlabhq|mailgun/talon"
    r"|redmine/redmine|rjbs/Mail-DeliveryStatus-BounceParser|whatcould/bounce-email"
    r"|tangofoxtrot/tmail_bouncer|ardiesaeidi/node-baunsu|jungleran/inmail|sisimai/.*)$"
    r"|sisimai|talon",
    re.IGNORECASE,
)
SOURCE_KEYS = {"repo", "commit", "licence", "licence_file", "paths", "notes"}


def sources() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.exists() else []


def labels(source: Path) -> list[dict[str, Any]]:
    path = source / "labels.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def content_hashes(raw: bytes) -> set[str]:
    """The blind list's normalisation (CRLF -> LF, trailing whitespace stripped), applied to
    the whole text and, to be safe either way, to every line as well."""
    text = raw.replace(b"\r\n", b"\n")
    whole = text.rstrip()
    lines = b"\n".join(line.rstrip() for line in text.split(b"\n")).rstrip()
    return {hashlib.sha256(whole).hexdigest(), hashlib.sha256(lines).hexdigest()}


def test_the_corpus_has_sources() -> None:
    assert sources(), f"no source folders under {CORPUS}"


@pytest.mark.parametrize("source", sources(), ids=lambda p: p.name)
def test_source_provenance(source: Path) -> None:
    meta = tomllib.loads((source / "SOURCE.toml").read_text(encoding="utf-8"))
    missing = SOURCE_KEYS - meta.keys()
    assert not missing, f"{source.name}: SOURCE.toml lacks {missing}"
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", meta["repo"])
    assert not RESERVED_REPOS.search(meta["repo"]), f"{meta['repo']} is kept for blind evaluation"
    assert re.fullmatch(r"[0-9a-f]{40}", meta["commit"])
    assert meta["licence"] and meta["notes"] and meta["paths"]


@pytest.mark.parametrize("source", sources(), ids=lambda p: p.name)
def test_every_file_labelled_and_every_label_a_file(source: Path) -> None:
    files = {p.name for p in source.iterdir()} - {"SOURCE.toml", "labels.jsonl"}
    named = [label["file"] for label in labels(source)]
    assert len(named) == len(set(named)), "a file labelled twice"
    assert set(named) == files, (
        f"unlabelled: {sorted(files - set(named))}; missing: {sorted(set(named) - files)}")


@pytest.mark.parametrize("source", sources(), ids=lambda p: p.name)
def test_labels_use_the_vocabulary(source: Path) -> None:
    for label in labels(source):
        where = f"{source.name}/{label['file']}"
        assert label["kind"] in KINDS, where
        assert label.get("basis") and label.get("origin_path"), where
        assert isinstance(label.get("judged"), bool), where
        if label["kind"] == "auto_reply":
            assert label.get("subkind") in SUBKINDS, where
        if label["kind"] in ("bounce", "delay"):
            for rcpt in label.get("recipients", []):
                assert rcpt["reason"] is None or rcpt["reason"] in REASONS, where
                assert rcpt["hard"] in (True, False, None), where


def test_no_file_is_in_the_blind_set() -> None:
    if not RESERVED.exists():
        pytest.skip(f"no blind-set hash list at {RESERVED}")
    reserved = set(RESERVED.read_text().split())
    hits = [str(p.relative_to(CORPUS)) for p in sorted(CORPUS.glob("*/*"))
            if p.name not in ("SOURCE.toml", "labels.jsonl")
            and content_hashes(p.read_bytes()) & reserved]
    assert not hits, f"files of the blind set: {hits}"


def load_benchmark() -> Any:
    """benchmarks/corpus_accuracy.py as a module (benchmarks/ is not a package)."""
    import importlib.util

    path = CORPUS.parents[1] / "benchmarks" / "corpus_accuracy.py"
    spec = importlib.util.spec_from_file_location("corpus_accuracy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_benchmark_scores_every_labelled_file() -> None:
    bench = load_benchmark()
    items = bench.corpus_items(CORPUS)
    tallies = bench.run(items, lambda _group: bench.contextlib.nullcontext())
    assert sum(t.files for t in tallies.values()) == sum(len(labels(s)) for s in sources())
    assert set(tallies) == {f"corpus:{s.name}" for s in sources()}


def test_benchmark_counts_a_human_reply_called_bounce() -> None:
    """A real delay notice labelled, for the test, as a human reply must count as h>b."""
    bench = load_benchmark()
    delay = next(item for item in bench.corpus_items(CORPUS) if item.kind == "delay")
    relabelled = bench.Item(delay.group, delay.path, "human_reply")
    tally = bench.run([relabelled], lambda _group: bench.contextlib.nullcontext())[delay.group]
    assert (tally.human, tally.human_bounce, tally.kind_right) == (1, 1, 0)
