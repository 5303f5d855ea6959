"""``hiu import`` and ``hiu store``: load extracts into the activity store and see what it holds.

Exit codes of ``hiu import``: 0 every row accepted (or the file was already imported), 1 some
rows quarantined, 2 the file could not be read at all (nothing imported).
"""

from __future__ import annotations

import getpass
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from hiu.config import data_dir
from hiu.ingest.errors import ProfileError, UnreadableFile
from hiu.ingest.pipeline import ImportProgress, ImportResult, import_file
from hiu.ingest.profiles import load_profile
from hiu.schemas import EXTRACTS
from hiu.store.store import Store

EXIT_UNREADABLE = 2


class Kind(StrEnum):
    """The kinds of extract (hiu.schemas.KINDS; a test keeps the two in step)."""

    people = "people"
    ed_attendances = "ed_attendances"
    ambulance_incidents = "ambulance_incidents"
    nhs111_calls = "nhs111_calls"
    admissions = "admissions"


def profile_search_path() -> list[Path]:
    """Site profiles live in ``$HIU_DATA_DIR/profiles``; shipped examples are found after them."""
    return [data_dir() / "profiles"]


def import_command(
    kind: Annotated[Kind, typer.Argument(help="What the file holds.", show_default=False)],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV, XLSX or Parquet extract."
        ),
    ],
    profile: Annotated[
        str | None,
        typer.Option(help="Mapping profile: a name (see docs/profiles.md) or a .toml file."),
    ] = None,
) -> None:
    """Validate FILE and import its rows into the activity store under HIU_DATA_DIR."""
    console = Console(stderr=True)
    store = Store.in_data_dir(data_dir())
    try:
        mapping = load_profile(profile, search=profile_search_path()) if profile else None
    except ProfileError as error:
        console.print(f"[red]Profile error:[/red] {escape(str(error))}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    with Progress(
        TextColumn("Importing {task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(file.name, total=1.0, rows=0)

        def report(progress: ImportProgress) -> None:
            bar.update(task, completed=progress.fraction or 0.0, rows=progress.rows_read)

        try:
            result = import_file(
                store,
                kind.value,
                file,
                imported_by=_who(),
                profile=mapping,
                progress=report,
            )
        except UnreadableFile as error:
            bar.stop()
            console.print(f"[red]Could not read {escape(file.name)}:[/red] {escape(str(error))}")
            console.print("Nothing was imported.")
            raise typer.Exit(EXIT_UNREADABLE) from None
    _print_result(Console(), result)
    raise typer.Exit(result.exit_code)


def _who() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no user name in a container without a passwd entry
        return "unknown"


def _print_result(console: Console, result: ImportResult) -> None:
    m = result.manifest
    if result.already_imported:
        console.print(
            f"{m.file_name} was already imported as batch {m.batch_id} on {m.finished_at} "
            f"by {m.imported_by}: nothing changed."
        )
        return
    console.print(f"Imported {m.file_name} as batch {m.batch_id} ({EXTRACTS[m.kind].title}).")
    table = Table(show_header=False, box=None)
    table.add_row("Rows read", f"{m.rows_read:,}")
    table.add_row("Accepted", f"{m.accepted:,}")
    table.add_row("  of which replaced earlier rows", f"{m.replaced:,}")
    table.add_row("Rejected", f"{m.rejected:,}")
    console.print(table)
    if m.reasons:
        reasons = Table("Why rows were rejected", "Rows")
        for reason, rows in m.reasons.items():
            reasons.add_row(reason, f"{rows:,}")
        console.print(reasons)
    if result.quarantine is not None:
        console.print(f"Rejected rows and their reasons: {result.quarantine}")


store_app = typer.Typer(help="The activity store.", no_args_is_help=True)


@store_app.command("summary")
def store_summary(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Rows per kind and the batches imported."""
    store = Store.in_data_dir(data_dir())
    summary = store.summary()
    console = Console()
    if as_json:
        console.out(json.dumps(summary, indent=2))
        return
    console.print(f"Activity store: {summary['root']}")
    rows = Table("Kind", "Rows")
    for kind, count in summary["rows"].items():
        rows.add_row(kind, f"{count:,}")
    console.print(rows)
    batches = Table("Batch", "Kind", "File", "Imported", "By", "Accepted", "Rejected", "Replaced")
    for batch in summary["batches"]:
        batches.add_row(
            str(batch["batch_id"]),
            batch["kind"],
            batch["file_name"],
            batch["finished_at"],
            batch["imported_by"],
            f"{batch['accepted']:,}",
            f"{batch['rejected']:,}",
            f"{batch['replaced']:,}",
        )
    console.print(batches if summary["batches"] else "No batches imported yet.")
