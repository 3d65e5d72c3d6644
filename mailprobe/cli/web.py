"""`web ...`: web-form channels (worksheet, staff records, query-page polls, checks)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from mailprobe.cli.common import (
    Actor,
    CampaignName,
    JsonFlag,
    Reason,
    calendar,
    emit,
    err,
    handled,
    out,
    parse_when,
    settings,
    utcnow,
)
from mailprobe.errors import ExitCode, InputError

web_app = typer.Typer(
    help="Web-form channels: worksheet, staff records, query-page polls.", no_args_is_help=True
)


Code = Annotated[str, typer.Argument(help="The probe's code MP-XXXXX-XXXXX or token.")]


def _web_time(text: str | None) -> datetime:
    """--at as an aware time; naive means the campaign's time zone (the calendar's)."""
    return utcnow() if text is None else parse_when(text, calendar().tz)


@web_app.command("worksheet")
def web_worksheet(
    name: CampaignName,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="XLSX file for the staff.")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """List the web forms to submit by hand: unit, URL, the exact text to paste, the code."""
    from mailprobe.service.web import worksheet, write_worksheet

    with handled():
        if output is None and not json_out:
            raise InputError("give -o FILE.xlsx or --json")
        rows = worksheet(settings(), name, utcnow())
        if output is not None:
            write_worksheet(rows, output)
    if json_out:
        keys = ("code", "unit_id", "role", "url", "subject", "text")
        emit([{k: getattr(r, k) for k in keys} for r in rows])
    else:
        out.print(f"wrote {output}: {len(rows)} web forms to submit", markup=False)


@web_app.command("submitted")
def web_submitted(
    code: Code,
    at: Annotated[
        str | None, typer.Option(help="When it was submitted, ISO 8601 (default: now).")
    ] = None,
    query_code: Annotated[
        str | None, typer.Option(help="The query code (查询码) the site gave back.")
    ] = None,
    actor: Actor = "",
    json_out: JsonFlag = False,
) -> None:
    """Record that staff submitted a web form; latency starts at --at."""
    from mailprobe.service.web import record_submitted

    with handled():
        probe = record_submitted(
            settings(), code, _web_time(at), query_code, actor or "unknown", utcnow()
        )
    _print_web_probe(probe, json_out)


@web_app.command("failed")
def web_failed(
    code: Code,
    reason: Reason = "",
    actor: Actor = "",
    json_out: JsonFlag = False,
) -> None:
    """Record that a web form could not be submitted (outcome channel_unusable)."""
    from mailprobe.service.web import record_failed

    with handled():
        probe = record_failed(settings(), code, reason, actor or "unknown", utcnow())
    _print_web_probe(probe, json_out)


def _print_web_probe(probe: Any, json_out: bool) -> None:
    from mailprobe import token as tokens

    data = {
        "code": tokens.code(probe.token),
        "campaign": probe.campaign,
        "unit_id": probe.unit_id,
        "role": probe.role,
        "url": probe.url,
        "state": probe.state,
        "submitted_at": probe.submitted_at,
        "query_code": probe.query_code,
    }
    if json_out:
        emit(data)
    else:
        out.print(
            f"{data['code']} ({probe.unit_id} {probe.role}): {probe.state}", markup=False
        )


@web_app.command("answered")
def web_answered(
    code: Code,
    at: Annotated[str, typer.Option(help="When the answer was given, ISO 8601.")],
    text_file: Annotated[Path, typer.Option(help="A UTF-8 file holding the answer's text.")],
    actor: Actor = "",
    json_out: JsonFlag = False,
) -> None:
    """Record a human answer seen by staff (query page, letter, call), with its text."""
    from mailprobe.service.web import record_answered

    with handled():
        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{text_file}: cannot read it as UTF-8 text ({error})") from None
        message = record_answered(
            settings(), code, _web_time(at), text, str(text_file), actor or "unknown", utcnow()
        )
    if json_out:
        emit({"code": code, "message": message})
    else:
        out.print(f"answer stored as message {message} (see mailprobe explain {message})")


@web_app.command("poll")
def web_poll(json_out: JsonFlag = False) -> None:
    """Fetch the query page of each submitted form ([web.sites]) and store new answers."""
    from mailprobe.service.web import poll_answers

    with handled():
        summary = poll_answers(settings(), calendar().tz, utcnow)
    if json_out:
        emit(dataclasses.asdict(summary))
    else:
        out.print(
            f"web poll: {summary.checked} query pages read, {len(summary.answered)} answered, "
            f"{summary.waiting} not yet; {len(summary.no_site)} forms have no [web.sites] rule",
            markup=False,
        )
        for error in summary.errors:
            err.print(f"  {error['code']}: {error['url']}: {error['error']}", markup=False)
    if summary.errors:
        raise typer.Exit(code=int(ExitCode.PARTIAL))


@web_app.command("check")
def web_check(json_out: JsonFlag = False) -> None:
    """Fetch each published web form once and list the unreachable ones (exit 4 if any)."""
    from mailprobe.service.web import check_forms

    with handled():
        results = check_forms(settings(), utcnow)
    bad = [r for r in results if not r.is_reachable]
    if json_out:
        emit({"checked": len(results), "unreachable": [dataclasses.asdict(r) for r in bad]})
    else:
        out.print(f"web check: {len(results)} forms, {len(bad)} unreachable", markup=False)
        for r in bad:
            out.print(f"  {r.unit_id} {r.role}: {r.url}: {r.error}", markup=False)
    if bad:
        raise typer.Exit(code=int(ExitCode.PARTIAL))
