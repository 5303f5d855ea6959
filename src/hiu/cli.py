"""The ``hiu`` command line: the analytics core's front door, usable with no web server."""

from __future__ import annotations

import typer

from hiu.evaluate.cli import evaluate_command
from hiu.identify.cli import identify_command
from hiu.ingest.cli import import_command, store_app
from hiu.synth.cli import synth_command

app = typer.Typer(
    name="hiu",
    help="High Intensity Use services: identify, evaluate and report from activity data.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("synth")(synth_command)
app.command("import")(import_command)
app.add_typer(store_app, name="store")
app.command("identify")(identify_command)
app.command("evaluate")(evaluate_command)


def main() -> None:
    app()
