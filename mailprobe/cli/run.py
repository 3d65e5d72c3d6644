"""The scheduler: `run` (everything due) and `runs` (what the last runs did).

The top-level commands here are registered on the app in cli/__init__.py."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from mailprobe.cli.common import JsonFlag, calendar, emit, err, handled, out, settings
from mailprobe.errors import ExitCode


def run(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only problems (for cron).")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """Do everything due: send, poll, classify, match, close ended windows, score."""
    from mailprobe.service.runs import run as run_once

    with handled():
        summary = run_once(settings(), calendar())
    if json_out:
        emit(dataclasses.asdict(summary) | {"exit_code": int(summary.exit_code())})
    else:
        for error in summary.errors:
            err.print(f"error in {error.step}: {error.error}", markup=False)
        for failure in summary.failures[:20]:
            err.print(f"  {failure}", markup=False)
        if not quiet:
            accepted = sum(c.get("accepted", 0) for c in summary.sent.values())
            polled = "n/a (no [imap] username)" if summary.polled is None else summary.polled
            closed = ", ".join(summary.closed) or "none"
            web = "" if summary.web_answered is None else (
                f"; web answers {summary.web_answered}")
            out.print(
                f"run: {accepted} probes accepted in all; polled {polled}{web}; "
                f"classified {summary.classified}; closed {closed}",
                markup=False,
            )
    code = summary.exit_code()
    if code != ExitCode.OK:
        raise typer.Exit(code=int(code))


def runs(
    limit: Annotated[int, typer.Option(help="At most this many runs.")] = 10,
    json_out: JsonFlag = False,
) -> None:
    """The last `mailprobe run`s, newest first: what each sent, polled and closed."""
    from mailprobe.service.runs import recent_runs

    with handled():
        records = recent_runs(settings(), limit)
    if json_out:
        emit([dataclasses.asdict(r) for r in records])
        return
    if not records:
        out.print("no run recorded yet")
    for r in records:
        polled = "-" if r.polled is None else r.polled
        out.print(
            f"{r.started_at:%Y-%m-%d %H:%M} UTC  exit {r.exit_code}  sent {r.sent}  "
            f"polled {polled}  classified {r.classified}  closed {r.closed}  "
            f"errors {r.errors}",
            markup=False,
        )
