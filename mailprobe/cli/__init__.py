"""The `mailprobe` command: a thin typer face over mailprobe.service.

One module per command group, each parsing options, calling one service function and
printing its result or one JSON document; common.py is the only place that turns
MailprobeError into exit codes (README: Exit codes). The commands are registered below, in
the order `mailprobe --help` lists them.
"""

from __future__ import annotations

import sys

import typer

from mailprobe.cli import campaign, doctor, receive, report, review, run, units, web
from mailprobe.cli.common import app, emit, err
from mailprobe.errors import ExitCode

app.command()(units.init)
app.command()(receive.poll)
app.command()(receive.ingest)
app.command("classify")(receive.classify_cmd)
app.command()(receive.reclassify)
app.command()(review.explain)
app.command()(report.worktime)
app.command()(report.score)
app.command()(run.run)
app.command()(doctor.doctor)
app.command()(run.runs)
app.command()(doctor.demo)
app.command()(report.report)
app.command("export")(report.export_cmd)
app.add_typer(units.units_app, name="units")
app.add_typer(campaign.campaign_app, name="campaign")
app.add_typer(review.override_app, name="override")
app.add_typer(web.web_app, name="web")
app.add_typer(review.review_app, name="review")

__all__ = ["app", "main_entry"]


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
