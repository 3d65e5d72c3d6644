"""The typer app: parse options, call one function per command, print or --json.

This is the only place that turns MailprobeError into exit codes (README: Exit codes).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mailprobe import __version__
from mailprobe.config import Settings, load_settings
from mailprobe.errors import Busy, ExitCode, InputError, MailprobeError
from mailprobe.service import Database, open_db

app = typer.Typer(
    help="Measure how well units answer their published mailboxes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
units_app = typer.Typer(help="The registry of units and their mailboxes.", no_args_is_help=True)
campaign_app = typer.Typer(
    help="Create, preview, send and follow probe campaigns.", no_args_is_help=True
)
override_app = typer.Typer(
    help="Staff decisions, kept in an append-only log.", no_args_is_help=True
)
app.add_typer(units_app, name="units")
app.add_typer(campaign_app, name="campaign")
app.add_typer(override_app, name="override")
web_app = typer.Typer(
    help="Web-form channels: worksheet, staff records, query-page polls.", no_args_is_help=True
)
app.add_typer(web_app, name="web")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
log = logging.getLogger("mailprobe")

STATE: dict[str, Any] = {}


def _remember_json(value: bool) -> bool:
    """--json callback: failures, too, then print one JSON document (see fail)."""
    STATE["json"] = value
    return value


JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document to stdout.",
                                        callback=_remember_json)]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check everything, change nothing.")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Path of mailprobe.toml.", envvar="MAILPROBE_CONFIG"),
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _print_version(value: bool) -> None:
    if value:
        print(f"mailprobe {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    config: ConfigOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log to stderr.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                          callback=_print_version, is_eager=True)] = False,
) -> None:
    """mailprobe: probe published mailboxes, classify what comes back, score and report."""
    STATE.clear()  # one invocation, one settings read (tests invoke the app repeatedly)
    STATE["config"] = config
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


def settings() -> Settings:
    if "settings" not in STATE:
        STATE["settings"] = load_settings(STATE.get("config"))
    return STATE["settings"]  # type: ignore[no-any-return]


def database() -> Database:
    return open_db(settings())


def emit(data: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(error: MailprobeError) -> NoReturn:
    # escape: a message like "[smtp] port: ..." is not Rich markup
    err.print(f"[red]error:[/red] {escape(str(error))}", markup=True, highlight=False)
    if _json_requested():
        emit({"error": {"exit_code": int(error.exit_code), "message": str(error)}})
    raise typer.Exit(code=int(error.exit_code))


def _json_requested() -> bool:
    return bool(STATE.get("json"))


@contextmanager
def handled() -> Iterator[None]:
    """Map mailprobe's errors to exit codes; anything else is a bug (exit 1, traceback logged)."""
    try:
        yield
    except Busy as busy:
        err.print(f"mailprobe: {busy}", markup=False)
        raise typer.Exit(code=int(busy.exit_code)) from None
    except MailprobeError as error:
        fail(error)
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except Exception as bug:
        if not _json_requested():
            raise
        log.exception("unexpected error")
        fail(MailprobeError(f"unexpected error (a bug): {bug!r}; the traceback is on stderr"))


@contextmanager
def progress_bars() -> Iterator[Callable[[int, str], Callable[[int], None]]]:
    """``bar(total, label)`` starts a progress bar on stderr (hidden when stderr is not a
    terminal) and returns its step function; the bars end with the block."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )

    def start(total: int, label: str) -> Callable[[int], None]:
        task = bar.add_task(label, total=total)
        return lambda n: bar.advance(task, n)

    with bar:
        yield start


# ---------------------------------------------------------------- init and units


@app.command()
def init(json_out: JsonFlag = False) -> None:
    """Write a commented mailprobe.toml if none exists and create or migrate the database."""
    from mailprobe.service.setup import initialise

    with handled():
        result = initialise(STATE.get("config") or Path("mailprobe.toml"))
    if json_out:
        emit(dataclasses.asdict(result))
    else:
        verb = "wrote" if result.config_written else "kept"
        out.print(f"{verb} {result.config}; database {result.database} is at the newest schema")


@units_app.command("import")
def units_import(
    path: Annotated[Path, typer.Argument(help="CSV, XLSX or YAML registry.")],
    dry_run: DryRun = False,
    json_out: JsonFlag = False,
) -> None:
    """Import units; one bad row rejects the whole file (nothing stored), with file:line."""
    from mailprobe.service.setup import import_units

    with handled():
        result = import_units(path, settings(), dry_run=dry_run)
        if result.errors:
            for problem in result.errors[:50]:
                err.print(problem, markup=False)
            more = len(result.errors) - 50
            if more > 0:
                err.print(f"... and {more} more")
            raise InputError(f"{path}: {len(result.errors)} bad row(s); nothing was imported")
    summary = result.summary
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    if json_out:
        emit({"file": result.file, "units": result.units, "dry_run": dry_run,
              "warnings": result.warnings,
              **(dataclasses.asdict(summary) if summary else {})})
    elif summary is None:
        out.print(f"{path}: {result.units} units, all rows valid (dry run: nothing stored)")
    else:
        out.print(
            f"{path}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.address_changes} address changes"
        )


@units_app.command("list")
def units_list(json_out: JsonFlag = False) -> None:
    """List the registry."""
    from mailprobe.service.setup import list_units

    with handled():
        units = list_units(settings())
    if json_out:
        emit(
            [
                {
                    "unit_id": u.unit_id,
                    "name": u.name,
                    "category": u.category,
                    "mailboxes": {m.type: m.address for m in u.mailboxes},
                    "forms": {m.type: m.form_url for m in u.mailboxes if m.form_url},
                }
                for u in units
            ]
        )
        return
    for u in units:
        boxes = "  ".join(f"{m.type}={m.address or m.form_url or '-'}" for m in u.mailboxes)
        out.print(f"{u.unit_id}\t{u.category}\t{u.name}\t{boxes}", markup=False)


# ---------------------------------------------------------------- campaigns


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
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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
    name: Annotated[str, typer.Argument(help="Campaign name.")], json_out: JsonFlag = False
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
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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
    name: Annotated[str, typer.Argument(help="Campaign name.")], json_out: JsonFlag = False
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
            f"{row.name}\t{row.state}\t{_shown(row.created_at)}\t{row.mailboxes}\t"
            f"{row.probes} probes",
            markup=False,
        )


# ---------------------------------------------------------------- receive side


@app.command()
def poll(
    watch: Annotated[
        bool,
        typer.Option("--watch", help="Keep going: IMAP IDLE (or plain polling) with reconnects."),
    ] = False,
    max_seconds: Annotated[
        float | None, typer.Option(help="With --watch: stop after this many seconds.")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Fetch new mail over IMAP (read-only), store it, classify it and match it to probes."""
    from mailprobe.service import receive

    with handled():
        if watch:
            receive.watch(
                settings(),
                max_seconds,
                on_cycle=lambda p, s: err.print(
                    f"poll: {p.new} new, {s.matched} matched, {s.review} to review"
                ),
            )
            return
        result = receive.poll(settings())
    polled, processed = result.polled, result.processed
    data = {
        "fetched": polled.fetched,
        "new": polled.new,
        "duplicates": polled.duplicates,
        "folders": polled.folders,
        "skipped_folders": polled.skipped_folders,
        "classified": processed.by_kind,
        "matched": processed.matched,
        "review": processed.review,
    }
    if json_out:
        emit(data)
    else:
        out.print(
            f"fetched {polled.fetched} ({polled.new} new); matched {processed.matched}, "
            f"to review {processed.review}"
        )
        for folder in polled.skipped_folders:
            err.print(f"note: folder {folder} does not exist on the server; skipped")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".eml files, Maildir folders, mbox.")],
    json_out: JsonFlag = False,
) -> None:
    """Feed exported mail through the same store → classify → match path as polled mail."""
    from mailprobe.service import receive

    with handled():
        result = receive.ingest(settings(), paths)
    processed = result.processed
    data = {
        "new": result.new,
        "duplicates": result.duplicates,
        "classified": processed.by_kind,
        "matched": processed.matched,
        "review": processed.review,
    }
    if json_out:
        emit(data)
    else:
        out.print(
            f"stored {result.new} new ({result.duplicates} already known); "
            f"matched {processed.matched}, to review {processed.review}"
        )


@app.command("classify")
def classify_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help=".eml files or directories (Maildir cur/new files too).")
    ],
    json_out: JsonFlag = False,
) -> None:
    """Classify raw messages without a database (a debugging and checking tool)."""
    from mailprobe.classify import classify, verdict_to_json
    from mailprobe.ingest import message_files

    with handled():
        results = []
        for path in message_files(paths):
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise InputError(f"{path}: {error.strerror}") from None
            results.append(verdict_to_json(str(path), classify(raw)))
    if json_out:
        emit(results)
        return
    for r in results:
        recips = "; ".join(
            f"{x['address']} {x['status'] or '-'} {x['reason'] or '-'}" for x in r["recipients"]
        )
        out.print(f"{r['path']}: {r['kind']} ({r['detector']}) {recips}", markup=False)


review_app = typer.Typer(
    help="Messages waiting for staff: list them, and decide each in one step (resolve).",
    invoke_without_command=True,
)
app.add_typer(review_app, name="review")


@review_app.callback()
def review(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """Messages waiting for staff, with the reason: unmatched, low_confidence (only the
    unit's domain ties it), unknown_kind, conflict (a human reply and a hard bounce for
    one probe). None of them counts for any probe until decided (mailprobe review resolve)."""
    from mailprobe.review import review_items

    if ctx.invoked_subcommand is not None:
        return
    with handled():
        items = review_items(database())
    if json_out:
        emit([dataclasses.asdict(i) for i in items])
        return
    if not items:
        out.print("nothing to review: every message is decided")
    for i in items:
        probe = f"{i.candidate} {i.unit_name}" if i.candidate else "-"
        out.print(f"#{i.message}\t{i.reason}\t{_shown(i.received_at.isoformat())}\t{i.kind}\t"
                  f"{i.sender}\t{i.subject}\t{probe}\t{i.evidence}", markup=False)


Actor = Annotated[
    str, typer.Option(help="Who decided (kept in the log); default $USER.",
                      envvar=["MAILPROBE_ACTOR", "USER"])
]
Reason = Annotated[str, typer.Option(help="Why; reports cite it.")]


@review_app.command("resolve")
def review_resolve(
    message: Annotated[int, typer.Argument(help="Stored message number (see review).")],
    accept: Annotated[bool, typer.Option(
        "--accept", help="It belongs to the candidate probe shown by review.")] = False,
    link: Annotated[str | None, typer.Option(
        help="It belongs to this probe: its code MP-XXXXX-XXXXX, as typed.")] = None,
    unlink: Annotated[bool, typer.Option(
        "--unlink", help="It belongs to no probe (e.g. a stranger's mail).")] = False,
    kind: Annotated[str | None, typer.Option(
        help="What it is: bounce, auto_reply, human_reply or not_a_reply.")] = None,
    substantive: Annotated[str | None, typer.Option(
        help="A human reply with a real answer: yes or no.")] = None,
    reason: Reason = "",
    actor: Actor = "",
    json_out: JsonFlag = False,
) -> None:
    """Decide one review item in one step; every decision goes into the override log."""
    from mailprobe.review import resolve

    with handled():
        done = resolve(database(), utcnow, message, accept=accept, link=link, unlink=unlink,
                       kind=kind, substantive=substantive, actor=actor, reason=reason,
                       shared_domains=settings().correlate.all_shared_domains())
    if json_out:
        emit(dataclasses.asdict(done))
        return
    for entry in done.logged:
        _print_logged(entry)
    now = f"counts for {done.probe}" if done.probe else "counts for no probe"
    still = f"; still waiting for review ({done.review})" if done.review else ""
    out.print(f"message {message}: {now}{still}", markup=False)


@app.command()
def reclassify(
    campaign: Annotated[
        str | None, typer.Option(help="Only messages matched to this campaign.")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Re-run classification over stored raw messages; earlier verdicts stay as history."""
    from mailprobe.service import messages

    with handled():
        result = messages.reclassify(settings(), campaign)
    if json_out:
        emit(dataclasses.asdict(result))
    else:
        out.print(
            f"reclassified {result.reclassified} messages; {len(result.changed)} changed kind"
        )


@app.command()
def explain(
    message: Annotated[int, typer.Argument(help="Stored message number (see review).")],
    json_out: JsonFlag = False,
) -> None:
    """Why a message was classified and matched as it was, with its verdict history and
    the staff decisions about it."""
    from mailprobe.review import explain as explain_message

    with handled():
        found = explain_message(database(), message)
    if json_out:
        emit(dataclasses.asdict(found))
        return
    current = found.verdicts[-1]
    out.print(f"message {message}: {current['kind']} decided by {current['detector']}",
              markup=False)
    if current["evidence"]:
        out.print(f"  evidence: {current['evidence']}", markup=False)
    for r in current["detail"].get("recipients", []):
        out.print(f"  recipient {r['address']}: status {r['status']}, reason {r['reason']}, "
                  f"hard {r['hard']}", markup=False)
    if found.web_answer:  # a query page or a staff record
        web = found.web_answer
        out.print(f"  web answer from {web.get('url')} ({web.get('basis')}; answered "
                  f"{web.get('answered_at')}, fetched {web.get('fetched_at', '-')}):\n"
                  f"  {web.get('text')}", markup=False)
    out.print(f"  match: {_match_line(found.match)}", markup=False)
    for entry in found.decisions:
        out.print(f"  decision #{entry.entry} {entry.at.isoformat()[:16]} {entry.actor}: "
                  f"{entry.action} {entry.value} ({entry.reason})", markup=False)
    if len(found.verdicts) > 1:
        steps = " → ".join(f"{v['kind']}/{v['detector']}" for v in found.verdicts)
        out.print(f"  history: {steps}", markup=False)


def _match_line(match: dict[str, Any] | None) -> str:
    if match is None:
        return "not correlated yet"
    where = f"{match['code']} ({match['unit_id']}, {match['campaign']})" if match["code"] \
        else "no probe"
    waiting = f"; waiting for review: {match['review']}" if match["review"] else ""
    return (f"{where} by {match['evidence']}, confidence {match['confidence'] or '-'}"
            f"{waiting} — {match['note']}")


# ---------------------------------------------------------------- working time, scores, reports


def calendar() -> Any:
    from mailprobe.score.workcal import load_calendar

    config_path = STATE.get("config") or Path("mailprobe.toml")
    return load_calendar(settings().calendar, base_dir=Path(config_path).resolve().parent)


def parse_when(text: str, tz: Any) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{text!r} is not an ISO 8601 time, e.g. 2026-03-02T09:30 "
            "(naive times are Asia/Shanghai)"
        ) from None
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


@app.command()
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


def _decide(action: str, target: str, value: str, actor: str, reason: str) -> None:
    from mailprobe.review import decide

    with handled():
        entry = decide(database(), utcnow, action, target, value, actor=actor, reason=reason,
                       shared_domains=settings().correlate.all_shared_domains())
    _print_logged(entry)


def _print_logged(entry: Any) -> None:
    what = f"{entry.action} {entry.target}" + (f" = {entry.value}" if entry.value else "")
    if entry.added:
        out.print(f"override #{entry.entry} logged: {what} ({entry.reason})", markup=False)
    else:
        out.print(f"already in force (override #{entry.entry}): {what}; nothing logged",
                  markup=False)


@override_app.command("substantive")
def override_substantive(
    message: Annotated[int, typer.Argument(help="Stored message number.")],
    value: Annotated[str, typer.Argument(help="yes or no.")],
    reason: Reason = "",
    actor: Actor = "",
) -> None:
    """Mark a human reply substantive (yes) or not (no); refused for any other kind."""
    _decide("substantive", str(message), value, actor, reason)


@override_app.command("link")
def override_link(
    message: Annotated[int, typer.Argument(help="Stored message number (see review).")],
    probe_code: Annotated[str, typer.Argument(
        help="The probe's code MP-XXXXX-XXXXX, as typed (full-width forms are fine).")],
    reason: Reason = "",
    actor: Actor = "",
) -> None:
    """Tie a message to a probe by hand (it then counts for that probe)."""
    _decide("link", str(message), probe_code, actor, reason)


@override_app.command("unlink")
def override_unlink(
    message: Annotated[int, typer.Argument(help="Stored message number (see review).")],
    reason: Reason = "",
    actor: Actor = "",
) -> None:
    """Say a message belongs to no probe (it then counts for none and leaves review)."""
    _decide("unlink", str(message), "", actor, reason)


@override_app.command("kind")
def override_kind(
    message: Annotated[int, typer.Argument(help="Stored message number (see review).")],
    kind: Annotated[str, typer.Argument(
        help="bounce, auto_reply, human_reply or not_a_reply.")],
    reason: Reason = "",
    actor: Actor = "",
) -> None:
    """Say what a message is, over the classifier's verdict (kept across reclassify)."""
    _decide("kind", str(message), kind, actor, reason)


@override_app.command("exclude")
def override_exclude(
    unit: Annotated[str, typer.Argument(help="Unit id.")],
    reason: Reason = "",
    actor: Actor = "",
    undo: Annotated[bool, typer.Option("--undo", help="Include the unit again.")] = False,
) -> None:
    """Leave a unit out of scoring and rankings (e.g. merged, under reorganisation)."""
    _decide("exclude", unit, "no" if undo else "yes", actor, reason)


@override_app.command("list")
def override_list(json_out: JsonFlag = False) -> None:
    """The append-only log of staff decisions (a link shows the probe's code)."""
    from mailprobe.review import decision_log

    with handled():
        entries = decision_log(database())
    rows: list[dict[str, Any]] = [
        {"id": e.entry, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
         "target": e.target, "value": e.value, "reason": e.reason} for e in entries]
    if json_out:
        emit(rows)
        return
    for r in rows:
        value = f" = {r['value']}" if r["value"] else ""
        out.print(f"#{r['id']} {_shown(r['at'])} {r['actor']}: {r['action']} {r['target']}{value} "
                  f"({r['reason']})", markup=False)


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Score as things stood at this ISO 8601 time (naive = the campaign's time zone); "
        "later mail, sends and overrides are left out, and a time past the window scores it "
        "as closed.",
    ),
]


@app.command()
def score(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    as_of: AsOf = None,
    json_out: JsonFlag = False,
) -> None:
    """Score and rank the units of a campaign (provisional while its window is open)."""
    from mailprobe.service import reports

    with handled():
        cal = calendar()
        moment = parse_when(as_of, cal.tz) if as_of else None
        result = reports.score(settings(), name, cal, as_of=moment)
    if json_out:
        emit(result.to_dict())
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


def _shown(iso: str) -> str:
    """A stored UTC time as people read it: in the campaign's time zone, the zone named."""
    tz = calendar().tz
    return f"{datetime.fromisoformat(iso).astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"


def _listed(ids: tuple[str, ...], shown: int = 10) -> str:
    if not ids:
        return "none"
    more = f", … ({len(ids)} units)" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


@app.command()
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


@app.command()
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


@app.command()
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


@app.command()
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


@app.command()
def report(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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


# ---------------------------------------------------------------- web-form channels

Code = Annotated[str, typer.Argument(help="The probe's code MP-XXXXX-XXXXX or token.")]


def _web_time(text: str | None) -> datetime:
    """--at as an aware time; naive means the campaign's time zone (the calendar's)."""
    return utcnow() if text is None else parse_when(text, calendar().tz)


@web_app.command("worksheet")
def web_worksheet(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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


@app.command("export")
def export_cmd(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
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


def main_entry() -> None:
    """The `mailprobe` command: `app()`, except that under --json a usage error (exit 2)
    prints its JSON error document on stdout as every other failure does."""
    if "--json" not in sys.argv[1:]:
        app()
        return
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # a bad option, a missing argument
        exit_code = int(error.exit_code)
        err.print(f"error: {error.format_message()}", markup=False)
        emit({"error": {"exit_code": exit_code, "message": error.format_message()}})
        sys.exit(exit_code)
    except typer.Abort:
        sys.exit(int(ExitCode.FAILURE))
    sys.exit(code if isinstance(code, int) else 0)
