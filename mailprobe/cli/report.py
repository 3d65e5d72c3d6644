"""Scores and reports: `worktime`, `score`, `report`, `export`.

The top-level commands here are registered on the app in cli/__init__.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mailprobe.cli.common import (
    AsOf,
    CampaignName,
    JsonFlag,
    calendar,
    emit,
    handled,
    out,
    parse_when,
    settings,
    utcnow,
)


def worktime(
    start: Annotated[str, typer.Argument(help="ISO 8601 start (naive = Shanghai).")],
    end: Annotated[str, typer.Argument(help="ISO 8601 end (naive = Shanghai).")],
    json_out: JsonFlag = False,
) -> None:
    """Working hours and working days between two times, on the Chinese calendar."""
    with handled():
        cal = calendar()
        span = cal.working_time(parse_when(start, cal.tz), parse_when(end, cal.tz))
    data = {
        "working_hours": round(span.working_hours, 4),
        "working_days": span.working_days,
        "estimated": span.estimated,
    }
    if json_out:
        emit(data)
        return
    flag = " (ESTIMATED: a year without official holiday data)" if span.estimated else ""
    out.print(f"{data['working_hours']} working hours, {span.working_days:g} working days{flag}")


def score(
    name: CampaignName,
    as_of: AsOf = None,
    json_out: JsonFlag = False,
) -> None:
    """Score and rank the units of a campaign (provisional while its window is open)."""
    from mailprobe.report.json import score_document
    from mailprobe.service import reports

    with handled():
        cal = calendar()
        moment = parse_when(as_of, cal.tz) if as_of else None
        result = reports.score(settings(), name, cal, as_of=moment)
    if json_out:
        emit(score_document(result))
        return
    if result.is_provisional:
        out.print("[yellow]PROVISIONAL[/yellow]: the reply window is still open")
    stats = result.stats
    out.print(
        f"{name}: {stats.sent} sent, delivery {_pct(stats.delivery_rate)} of sent, "
        f"human replies {_pct(stats.human_reply_rate_sent)} of sent",
        markup=False,
    )
    dl = result.deadlines
    if dl is not None:
        r = dl.overall
        out.print(
            f"any response {_pct(r.any_response_rate)}, any reply {_pct(r.any_reply_rate)}, "
            f"substantive {_pct(r.substantive_rate)}, on-time substantive "
            f"{_pct(r.on_time_substantive_rate)} (on time = {dl.on_time_working_days} working "
            f"days); veto flag (互动回应差): {_listed(dl.veto_units)}",
            markup=False,
        )
    for category in result.categories:
        out.rule(category)
        for u in result.category_units(category):
            rank = u.rank if u.rank is not None else "-"
            value = f"{u.score:.1f}" if u.score is not None else "-"
            flags = " ".join(u.flags)
            out.print(f"{rank:>4}  {value:>6}  {u.unit_id}  {u.name}  {flags}", markup=False)


def _pct(value: float | None) -> str:
    from mailprobe.report.numbers import percent

    return percent(value)  # the reports' rounding, so the console shows the same figure


def _listed(ids: tuple[str, ...], shown: int = 10) -> str:
    if not ids:
        return "none"
    more = f", … ({len(ids)} units)" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def report(
    name: CampaignName,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv, xlsx, html, json or notice.")
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: report.<format>; "
                     "notice.md and notice.docx for the notice)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    lang: Annotated[str, typer.Option(help="zh or en (notice and headings).")] = "zh",
    compare: Annotated[
        str | None,
        typer.Option(help="An earlier campaign: show each unit's change in score and rank."),
    ] = None,
    as_of: AsOf = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="With --compare: points of unit score that count as better/worse "
            "(default [scoring] compare_threshold, 10)."
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Write a reply-rate report; every export says so when the window is still open."""
    from mailprobe.service import reports

    with handled():
        cal = calendar()
        moment = parse_when(as_of, cal.tz) if as_of else None
        written = reports.write(settings(), name, fmt, output, cal, lang=lang, force=force,
                                as_of=moment, compare=compare, threshold=threshold)
    path, result, comparison = written.path, written.score, written.comparison
    if json_out:
        emit(
            {
                "campaign": name,
                "format": fmt,
                "path": str(path),
                "provisional": result.is_provisional,
                **({"trend": comparison.trend_counts()} if comparison else {}),
            }
        )
    else:
        note = " (PROVISIONAL: the reply window is still open)" if result.is_provisional else ""
        out.print(f"wrote {path}{note}", markup=False)
        if comparison:
            counts = comparison.trend_counts()
            out.print(
                f"compared with {compare} (units in both rounds, ±{comparison.threshold:g} "
                f"points): {counts['better']} better, {counts['worse']} worse, "
                f"{counts['unchanged']} unchanged",
                markup=False,
            )


def export_cmd(
    name: CampaignName,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or parquet.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (export.<format>).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Write a research table, one row per probe (codebook: docs/export.md)."""
    from mailprobe.service.exports import export_campaign

    with handled():
        path, count = export_campaign(
            settings(), name, calendar(), utcnow(), fmt,
            output or Path(f"export.{fmt}"),
        )
    if json_out:
        emit({"campaign": name, "format": fmt, "path": str(path), "rows": count})
    else:
        out.print(f"wrote {path}: {count} probes", markup=False)
