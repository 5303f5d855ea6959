"""The installed ``hiu`` command: the analytics core's commands (``hiu.cli``) and ``hiu report``.

``hiu report`` makes a service's report from the casework database, which belongs to the web
app. The core never imports Django (import-linter checks it), so the command is added here,
outside the core, and its body imports the web app only when it runs: ``hiu synth``,
``hiu identify`` and the rest start without Django as before.

Exit codes of ``hiu report``: 0 the report was written; 2 it was not (a bad period or format,
an unknown service, more than one service and none named, a folder that does not exist), and
no file was written.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hiu.cli import app
from hiu.report.period import PeriodError, parse_period

__all__ = ["app", "main"]

EXIT_FAILED = 2


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    HTML = "html"


@app.command("report")
def report_command(
    period: Annotated[
        str,
        typer.Option(
            help="A calendar quarter, 2026Q3 (July to September 2026), or a calendar year, 2026.",
            show_default=False,
        ),
    ],
    file_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="pdf (print-ready A4), xlsx or html.", show_default=False),
    ],
    out: Annotated[Path, typer.Option(help="The file to write.", show_default=False)],
    service: Annotated[
        str | None,
        typer.Option(help="The service's name; needed when the database holds more than one."),
    ] = None,
) -> None:
    """Write a service's quarterly or annual report, from the casework database (DATABASE_URL)
    and the activity store (HIU_DATA_DIR), with small numbers suppressed."""
    try:
        chosen = parse_period(period)
    except PeriodError as error:
        typer.echo(f"Not written: {error}", err=True)
        raise typer.Exit(EXIT_FAILED) from None
    from hiu.web.reports.command import ReportCommandError, write_report

    try:
        written = write_report(chosen, file_format.value, out, service)
    except ReportCommandError as error:
        typer.echo(f"Not written: {error}", err=True)
        raise typer.Exit(EXIT_FAILED) from None
    typer.echo(
        f"Wrote {written.path}: the report of {written.service} for {written.period.label} "
        f"({written.period.key}), as {written.file_format.upper()}."
    )


def main() -> None:
    app()
