"""`campaign ...`: create, launch, cancel, delete, preview, send, status, list."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from mailprobe.cli.common import (
    CampaignName,
    DryRun,
    JsonFlag,
    emit,
    err,
    handled,
    out,
    progress_bars,
    settings,
    shown,
)
from mailprobe.errors import ExitCode

campaign_app = typer.Typer(
    help="Create, preview, send and follow probe campaigns.", no_args_is_help=True
)


@campaign_app.command("create")
def campaign_create(
    name: Annotated[str, typer.Argument(help="Campaign name, e.g. 2026H2-round1.")],
    template: Annotated[
        list[str] | None,
        typer.Option(
            help="Probe template under templates/probe; repeat it (or comma-separate) to "
            "vary the wording between mailboxes."
        ),
    ] = None,
    mailboxes: Annotated[str, typer.Option(help="Mailbox types to probe.")] = "public,leader",
    window: Annotated[int | None, typer.Option(help="Reply window in working days.")] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Seed of the template deal (default: random, recorded)."),
    ] = None,
    deadline_days: Annotated[
        int | None,
        typer.Option(help="On-time rule in working days (default [scoring.deadlines]: 5)."),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Create a draft campaign: one probe per published mailbox; nothing is sent until launch."""
    from mailprobe.service.campaigns import create

    templates = [t.strip() for item in template or [] for t in item.split(",") if t.strip()]
    types = [t.strip() for t in mailboxes.split(",") if t.strip()]
    with handled():
        created = create(settings(), name, templates, types, window, seed,
                         deadline_days=deadline_days)
    for warning in created.warnings:
        err.print(f"warning: {warning}", markup=False)
    if json_out:
        emit(dataclasses.asdict(created))
    else:
        out.print(
            f'campaign "{name}" (draft): {created.probes} probes '
            f"({', '.join(created.mailboxes)}; window {created.window_days} working days; "
            f"templates {', '.join(created.templates)}, seed {created.seed}). "
            f"Next: mailprobe campaign preview {name}, then mailprobe campaign launch {name}",
            markup=False,
        )
        for dead in created.dead_domains or []:
            out.print(f"  渠道不可用 (not sent): {dead.domain}: {dead.detail}", markup=False)
        if created.manual:
            out.print(
                f"{created.manual} web-form probes wait for staff: "
                f"mailprobe web worksheet {name} -o forms.xlsx",
                markup=False,
            )


@campaign_app.command("launch")
def campaign_launch(
    name: CampaignName,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    allow_overlap: Annotated[
        bool,
        typer.Option(
            "--allow-overlap",
            help="Launch even when mailboxes are in another open campaign.",
        ),
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """Launch a draft: from now on `send` and `run` send its probes."""
    from mailprobe.service.lifecycle import launch

    with handled():
        launched = launch(settings(), name, allow_overlap=allow_overlap,
                          confirm=None if yes else _confirm_launch)
    if json_out:
        emit(dataclasses.asdict(launched))
    else:
        out.print(
            f'campaign "{name}" launched: {launched.plan.probes} probes will be sent by '
            f"`mailprobe run` (or now: mailprobe campaign send {name})",
            markup=False,
        )
        if launched.plan.manual:
            out.print(
                f"{launched.plan.manual} web forms wait for staff: "
                f"mailprobe web worksheet {name} -o forms.xlsx",
                markup=False,
            )


def _confirm_launch(plan: Any) -> bool:
    err.print(_launch_summary(plan), markup=False)
    try:
        return typer.confirm("Launch it?", default=False, err=True)
    except typer.Abort:  # no answer (stdin closed, Ctrl-C): not launched
        err.print()
        return False


def _launch_summary(plan: Any) -> str:
    lines = [
        f'campaign "{plan.campaign}": {plan.probes} probes to {plan.units} units '
        f"({', '.join(plan.mailboxes)}), reply window {plan.window_days} working days",
        f"  from {plan.sender}; Message-ID domain {plan.message_id_domain} (fixed at launch)",
        f"  sends to one unit {plan.unit_spacing_minutes} minutes apart",
    ]
    for mtype, counts in plan.templates.items():
        lines.append(f"  {mtype}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    if plan.overlaps:
        lines.append(f"  {len(plan.overlaps)} mailboxes also in an open campaign (allowed)")
    return "\n".join(lines)


@campaign_app.command("cancel")
def campaign_cancel(
    name: CampaignName,
    reason: Annotated[str, typer.Option(help="Why (kept with the campaign).")] = "",
    json_out: JsonFlag = False,
) -> None:
    """Cancel a campaign: nothing more is sent (deferred retries too); what was sent stays."""
    from mailprobe.service.lifecycle import cancel

    with handled():
        cancelled = cancel(settings(), name, reason)
    if json_out:
        emit(dataclasses.asdict(cancelled))
    else:
        out.print(
            f'campaign "{name}" cancelled: {cancelled.cancelled_probes} unsent probes will '
            "never be sent (not charged); sent ones stay measured",
            markup=False,
        )


@campaign_app.command("delete")
def campaign_delete(
    name: CampaignName, json_out: JsonFlag = False
) -> None:
    """Delete a draft campaign (drafts only; the name becomes free again)."""
    from mailprobe.service.lifecycle import delete

    with handled():
        deleted = delete(settings(), name)
    if json_out:
        emit(dataclasses.asdict(deleted))
    else:
        out.print(f'draft "{name}" deleted ({deleted.probes} probes)', markup=False)


@campaign_app.command("preview")
def campaign_preview(
    name: CampaignName,
    unit: Annotated[str | None, typer.Option(help="Only this unit id.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many messages.")] = 3,
    json_out: JsonFlag = False,
) -> None:
    """Show rendered probes and what a reply or bounce will be matched on."""
    from mailprobe.service.campaigns import preview

    with handled():
        items = preview(settings(), name, unit, limit)
    if json_out:
        emit(items)
        return
    for item in items:
        out.rule(f"{item['unit_id']} {item['mailbox']} → {item['to']} ({item['template']})")
        out.print(f"Subject: {item['subject']}\n\n{item['body']}", markup=False)
        m = item["matched_on"]
        out.print(
            f"[dim]matched on: return path {m['return_path'] or '(no VERP configured)'}; "
            f"Message-ID {m['message_id']}; code {m['code']}; "
            f"sender {m['sender_window']} within the window[/dim]"
        )


@campaign_app.command("send")
def campaign_send(
    name: CampaignName,
    dry_run: DryRun = False,
    limit: Annotated[int | None, typer.Option(help="Send at most N probes now.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Send the due probes (pending, or deferred and due for retry); never one twice."""
    from mailprobe.service.campaigns import send

    with handled(), progress_bars() as bar:
        summary = send(settings(), name, limit=limit, dry_run=dry_run,
                       progress=lambda total: bar(total, "sending"))
    if json_out:
        emit(summary.__dict__)
    elif dry_run:
        step = "launch" if summary.state == "draft" else "send"
        out.print(
            f"dry run: {summary.planned} probes rendered and checked; nothing sent. "
            f"Next: mailprobe campaign {step} {name}"
        )
    else:
        out.print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in summary.counts.items() if v))
        if summary.spaced:
            err.print(
                f"note: {summary.spaced} probes wait for unit spacing ([campaign] "
                "unit_spacing_minutes); `mailprobe run` sends them later",
                markup=False,
            )
        for failure in summary.failed[:20]:
            err.print(
                f"  {failure['state']}: {failure['address']} {failure['reply']}", markup=False
            )
    if summary.failed and not dry_run:
        raise typer.Exit(code=int(ExitCode.PARTIAL))


@campaign_app.command("status")
def campaign_status(
    name: CampaignName, json_out: JsonFlag = False
) -> None:
    """Counts of probes per send state, and of replies matched so far."""
    from mailprobe.service.campaigns import status

    with handled():
        data = status(settings(), name)
    if json_out:
        emit(dataclasses.asdict(data))
        return
    out.print(f"{name} ({data.state}): " + ", ".join(f"{k} {v}" for k, v in data.counts.items()))
    if data.cancel_reason:
        out.print(f"cancelled: {data.cancel_reason}", markup=False)
    out.print(
        "messages matched: "
        + (", ".join(f"{k} {v}" for k, v in data.messages.items()) or "none yet")
    )
    if data.uncertain:
        out.print(f"uncertain (may have been delivered; not resent): {', '.join(data.uncertain)}")


@campaign_app.command("list")
def campaign_list(json_out: JsonFlag = False) -> None:
    """List campaigns."""
    from mailprobe.service.campaigns import list_all

    with handled():
        rows = list_all(settings())
    if json_out:
        emit([dataclasses.asdict(row) for row in rows])
        return
    for row in rows:
        out.print(
            f"{row.name}\t{row.state}\t{shown(row.created_at)}\t{row.mailboxes}\t"
            f"{row.probes} probes",
            markup=False,
        )
