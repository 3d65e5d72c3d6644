"""Fuzz classify(): it never raises, no detector fails, and every verdict keeps the invariants.

The invariants are tests/classify/test_invariants.py's: the detector is named, an unparseable
verdict says why, every bounce or delay names recipients with a reason and a hardness, and no
status is invented. A detector that raises is skipped by classify() and logged; the tests keep
that path empty, so here it is a finding too.

    .venv/bin/python fuzz/classify_fuzz.py -runs=100000 fuzz/corpus/classify
"""

from __future__ import annotations

import logging
import sys

import atheris

with atheris.instrument_imports():
    from mailprobe.classify import DETECTORS, classify
    from mailprobe.classify.message import parse_message
    from mailprobe.model import Kind, Verdict

NAMES = {d.__module__.rsplit(".", 1)[-1] for d in DETECTORS} | {"none", "parser"}


class DetectorFailures(logging.Handler):
    """Keeps the records classify() logs when a detector raises."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


FAILURES = DetectorFailures()
logging.getLogger("mailprobe.classify").addHandler(FAILURES)


def decoded(raw: bytes) -> str:
    """The message's decoded text (letter, DSN, returned headers), as the invariant test reads."""
    msg, _ = parse_message(raw)
    return "" if msg is None else "\n".join((msg.body, msg.dsn, msg.returned))


def check(raw: bytes, verdict: Verdict) -> None:
    assert verdict.detector in NAMES, f"unknown detector {verdict.detector!r}"
    assert verdict.kind is not Kind.UNPARSEABLE or verdict.error, "unparseable without an error"
    is_bounce = verdict.kind in (Kind.BOUNCE, Kind.DELAY)
    assert verdict.recipients or not is_bounce, f"{verdict.kind} without recipients"
    for r in verdict.recipients:
        assert not is_bounce or (r.reason and r.hard is not None), f"no reason/hardness: {r}"
        if r.status is not None:
            assert r.status.encode() in raw or r.status in decoded(raw), f"invented {r.status}"


def TestOneInput(data: bytes) -> None:
    verdict = classify(data)
    if FAILURES.records:
        record = FAILURES.records[0]
        FAILURES.records.clear()
        raise AssertionError(logging.Formatter().format(record))  # message + detector traceback
    check(data, verdict)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
