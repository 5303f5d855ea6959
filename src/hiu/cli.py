"""The ``hiu`` command line: the analytics core's front door, usable with no web server."""

from __future__ import annotations

import typer

from hiu.synth.cli import synth_command

app = typer.Typer(
    name="hiu",
    help="High Intensity Use services: identify, evaluate and report from activity data.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("synth")(synth_command)


@app.callback()
def _root() -> None:
    """Keep sub-commands as sub-commands even while there is only one."""


def main() -> None:
    app()
