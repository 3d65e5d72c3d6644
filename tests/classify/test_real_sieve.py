"""Vacation replies written by the test suite's real Dovecot Sieve (make_postfix_dsns.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailprobe.classify import classify
from mailprobe.model import Kind

EML = Path(__file__).resolve().parents[1] / "fixtures" / "eml"


@pytest.mark.parametrize("name", ["sieve-vacation-01.eml", "sieve-vacation-02.eml"])
def test_real_sieve_vacation_reply_is_an_auto_reply_with_its_probe_ref(name: str) -> None:
    verdict = classify((EML / name).read_bytes())
    assert (verdict.kind, verdict.detector) == (Kind.AUTO_REPLY, "autoreply")
    assert verdict.refs, "the vacation reply answers a probe and should carry its reference"
