"""Before a round: `doctor` checks the set-up; `demo` runs the simulated world.

The top-level commands here are registered on the app in cli/__init__.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from mailprobe.cli.common import STATE, JsonFlag, emit, err, handled, out
from mailprobe.errors import ExitCode


def doctor(
    send_test: Annotated[
        bool, typer.Option("--send-test", help="Also send one message to the probe inbox "
                           "itself and wait for it by IMAP (VERP return path included).")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """Check the set-up before a round: config, database, SMTP, IMAP, sender, destinations."""
    from mailprobe.doctor import passed, run_doctor

    checks = run_doctor(STATE.get("config"), send_test=send_test)
    if json_out:
        emit({"ok": passed(checks), "checks": [dataclasses.asdict(c) for c in checks]})
    for check in [] if json_out else checks:
        out.print(f"[{check.status.upper():4}] {check.name}: {check.detail}", markup=False)
        if check.fix and check.status in ("fail", "warn"):
            out.print(f"       fix: {check.fix}", markup=False)
    if not passed(checks):
        raise typer.Exit(code=int(ExitCode.BAD_INPUT))


def demo(
    seed: Annotated[int, typer.Option(help="Seed of the simulated world.")] = 2008,
    out_dir: Annotated[Path, typer.Option("--out", help="Where reports go.")] = Path(
        "mailprobe-demo"
    ),
    json_out: JsonFlag = False,
) -> None:
    """Run a whole campaign against a simulated world of 155 units, on loopback only."""
    from mailprobe.demo import run_demo

    with handled():
        summary = run_demo(out_dir, seed, progress=None if json_out else err.print)
    if json_out:
        emit(summary)
        return
    out.print(summary["text"], markup=False)
