"""What every command shares: the root app and its options, settings, output
(one JSON document or text), the mapping of errors to exit codes, progress bars,
the working calendar and time parsing."""

from __future__ import annotations

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
from mailprobe.errors import Busy, InputError, MailprobeError
from mailprobe.service import Database, open_db

app = typer.Typer(
    help="Measure how well units answer their published mailboxes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

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
CampaignName = Annotated[str, typer.Argument(help="Campaign name.")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Path of mailprobe.toml.", envvar="MAILPROBE_CONFIG"),
]
Actor = Annotated[
    str, typer.Option(help="Who decided (kept in the log); default $USER.",
                      envvar=["MAILPROBE_ACTOR", "USER"])
]
Reason = Annotated[str, typer.Option(help="Why; reports cite it.")]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Score as things stood at this ISO 8601 time (naive = the campaign's time zone); "
        "later mail, sends and overrides are left out, and a time past the window scores it "
        "as closed.",
    ),
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


def shown(iso: str) -> str:
    """A stored UTC time as people read it: in the campaign's time zone, the zone named."""
    tz = calendar().tz
    return f"{datetime.fromisoformat(iso).astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"
