"""Staff decisions: `review` and `review resolve`, `explain`, `override ...`.

The top-level commands here are registered on the app in cli/__init__.py."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from mailprobe.cli.common import (
    Actor,
    JsonFlag,
    Reason,
    database,
    emit,
    handled,
    out,
    settings,
    shown,
    utcnow,
)

review_app = typer.Typer(
    help="Messages waiting for staff: list them, and decide each in one step (resolve).",
    invoke_without_command=True,
)


# The number `review` lists beside each message.
MessageNumber = Annotated[int, typer.Argument(help="Stored message number (see review).")]

override_app = typer.Typer(
    help="Staff decisions, kept in an append-only log.", no_args_is_help=True
)


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
        out.print(f"#{i.message}\t{i.reason}\t{shown(i.received_at.isoformat())}\t{i.kind}\t"
                  f"{i.sender}\t{i.subject}\t{probe}\t{i.evidence}", markup=False)


@review_app.command("resolve")
def review_resolve(
    message: MessageNumber,
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


def explain(
    message: MessageNumber,
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
    message: MessageNumber,
    probe_code: Annotated[str, typer.Argument(
        help="The probe's code MP-XXXXX-XXXXX, as typed (full-width forms are fine).")],
    reason: Reason = "",
    actor: Actor = "",
) -> None:
    """Tie a message to a probe by hand (it then counts for that probe)."""
    _decide("link", str(message), probe_code, actor, reason)


@override_app.command("unlink")
def override_unlink(
    message: MessageNumber,
    reason: Reason = "",
    actor: Actor = "",
) -> None:
    """Say a message belongs to no probe (it then counts for none and leaves review)."""
    _decide("unlink", str(message), "", actor, reason)


@override_app.command("kind")
def override_kind(
    message: MessageNumber,
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
        out.print(f"#{r['id']} {shown(r['at'])} {r['actor']}: {r['action']} {r['target']}{value} "
                  f"({r['reason']})", markup=False)
