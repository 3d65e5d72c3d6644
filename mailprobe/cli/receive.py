"""The receive side: `poll`, `ingest`, `classify` (no database) and `reclassify`.

The top-level commands here are registered on the app in cli/__init__.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mailprobe.cli.common import JsonFlag, emit, err, handled, out, settings
from mailprobe.errors import InputError

if TYPE_CHECKING:  # imported by the commands themselves, so `--help` stays quick
    from mailprobe.pipeline import ProcessSummary


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
        **_processed_fields(processed),
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


def _processed_fields(processed: ProcessSummary) -> dict[str, Any]:
    """What `poll` and `ingest` report of the classify and match step, in their JSON."""
    return {"classified": processed.by_kind, "matched": processed.matched,
            "review": processed.review}


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
        **_processed_fields(processed),
    }
    if json_out:
        emit(data)
    else:
        out.print(
            f"stored {result.new} new ({result.duplicates} already known); "
            f"matched {processed.matched}, to review {processed.review}"
        )


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
