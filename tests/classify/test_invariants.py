"""Invariants over every fixture and corpus file, and over truncated / garbled copies.

classify() never raises; the detector is always named; every bounce has a reason, a hardness
and at least one recipient; no status is invented (each appears literally in the raw bytes, or
in the decoded text of a base64/quoted-printable part).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailprobe.classify import DETECTORS, classify
from mailprobe.classify.message import parse_message
from mailprobe.model import Kind, Verdict

from .conftest import CORPUS, EML

FILES = sorted(EML.glob("*.eml")) + sorted((CORPUS / "maildir").glob("*/*.eml"))
NAMES = {d.__module__.rsplit(".", 1)[-1] for d in DETECTORS} | {"none", "parser"}


def assert_sound(raw: bytes, verdict: Verdict) -> None:
    assert verdict.detector in NAMES
    if verdict.kind is Kind.UNPARSEABLE:
        assert verdict.error
    if verdict.kind in (Kind.BOUNCE, Kind.DELAY):
        assert verdict.recipients
    for r in verdict.recipients:
        if verdict.kind in (Kind.BOUNCE, Kind.DELAY):
            assert r.reason and r.hard is not None
        if r.status is not None:
            assert r.status.encode() in raw or r.status in decoded(raw), (
                f"status {r.status} invented")


def decoded(raw: bytes) -> str:
    """The message's decoded text (letter, DSN, returned headers)."""
    msg, _ = parse_message(raw)
    return "" if msg is None else "\n".join((msg.body, msg.dsn, msg.returned))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file(path: Path) -> None:
    raw = path.read_bytes()
    assert_sound(raw, classify(raw))


@pytest.mark.skipif(not FILES, reason="no fixtures")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0), cut=st.floats(min_value=0, max_value=1),
       noise=st.binary(max_size=64), at=st.floats(min_value=0, max_value=1))
def test_truncated_and_garbled(index: int, cut: float, noise: bytes, at: float) -> None:
    raw = FILES[index % len(FILES)].read_bytes()
    truncated = raw[: int(len(raw) * cut)]
    pos = int(len(truncated) * at)
    garbled = truncated[:pos] + noise + truncated[pos:]
    for data in (truncated, garbled):
        assert_sound(data, classify(data))


@given(st.binary(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_arbitrary_bytes(data: bytes) -> None:
    assert_sound(data, classify(data))
