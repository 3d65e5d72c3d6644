"""Fuzz probe-template source through the sandboxed renderer: only InputError may escape.

Each input is written as a template file and rendered with render_probe(); a probe that
renders must also serialise (RenderedProbe.as_bytes), since campaign.py sends those bytes.
The sandbox must hold: a canary in os.environ, reachable only by leaving the sandbox
(``lipsum.__globals__.os.environ``), must never appear in a probe or an error message.

    .venv/bin/python fuzz/render_fuzz.py -runs=100000 -dict=fuzz/render.dict fuzz/corpus/render
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from mailprobe.config import ProbeSettings
    from mailprobe.errors import InputError
    from mailprobe.model import Mailbox, Unit
    from mailprobe.render import render_probe

CANARY = "canary-5d1e0f-sandbox-escape"
os.environ["MAILPROBE_FUZZ_CANARY"] = CANARY
UNIT = Unit("D01", "某某市某某区人民政府", "county_district",
            (Mailbox("public", "zwgk@example.gov.cn"),))
SETTINGS = ProbeSettings()
FOLDER = Path(tempfile.gettempdir()) / f"render_fuzz-{os.getpid()}"  # removed after each input
NAMES = (f"t{n}" for n in itertools.count())  # a fresh name each time: Jinja caches by name


def render(source: str) -> str:
    """The probe's bytes as text, or the InputError's message."""
    name = next(NAMES)
    path = FOLDER / f"{name}.j2"
    FOLDER.mkdir(exist_ok=True)
    path.write_text(source, encoding="utf-8")
    try:
        probe = render_probe(name, UNIT, UNIT.mailboxes[0], "0123456789", SETTINGS,
                             date(2026, 3, 2), directory=FOLDER)
    except InputError as err:
        return str(err)
    finally:
        path.unlink()
        FOLDER.rmdir()
    assert "\n" not in probe.subject, probe.subject
    return probe.subject + probe.body + probe.as_bytes().decode("ascii")


def TestOneInput(data: bytes) -> None:
    text = render(data.decode("utf-8", "replace"))
    assert CANARY not in text, "sandbox escape: the canary reached the output"


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
