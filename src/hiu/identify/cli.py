"""``hiu identify``: make a list from the activity store under ``HIU_DATA_DIR``.

Exit codes: 0 the list (or Table One) was written; 2 it could not be (a malformed rule set, a
bad date, a missing key or an unreadable earlier list), and nothing was written.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hiu.config import ConfigurationError, data_dir, pseudonym_key
from hiu.identify.engines import DuckDBEngine, Engine
from hiu.identify.listing import IdentifiedList, identify
from hiu.identify.output import (
    OutputError,
    Sheets,
    attendance_detail,
    prepare,
    read_previous,
    write,
)
from hiu.identify.rules import SITE_FOLDER, RuleError, RuleSet, load_rules
from hiu.identify.spark import SparkUnavailable
from hiu.identify.table_one import per_person, table_one
from hiu.store.store import Store

EXIT_FAILED = 2


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def rules_search_path() -> list[Path]:
    """A site's own rule sets live in ``$HIU_DATA_DIR/rulesets``; shipped ones are found after."""
    return [data_dir() / SITE_FOLDER]


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date written YYYY-MM-DD") from None


def identify_command(
    rules: Annotated[
        str,
        typer.Option(
            help="Rule set: a shipped name (hackney, rightcare, ...) or a .toml file.",
            show_default=False,
        ),
    ],
    as_of: Annotated[
        str,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="The day the list is made for: activity up to and including it counts.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(help="Where to write: a .csv or .xlsx file.", show_default=False),
    ],
    top: Annotated[
        int | None,
        typer.Option(min=1, help="Keep the first N people (overrides the rule set's top)."),
    ] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise",
            help="Replace NHS numbers with keyed pseudonyms (HIU_PSEUDONYM_KEY) and leave out "
            "name, date of birth, age and phone.",
        ),
    ] = False,
    diff: Annotated[
        Path | None,
        typer.Option(
            help="An earlier list (.csv or .xlsx): mark each person new, continuing or dropped."
        ),
    ] = None,
    table: Annotated[
        bool,
        typer.Option(
            "--table-one",
            help="Write Table One (people by A&E attendance band in the year) instead of a list.",
        ),
    ] = False,
    engine: Annotated[
        EngineName, typer.Option(help="What runs the query: DuckDB, or Apache Spark in local mode.")
    ] = EngineName.duckdb,
) -> None:
    """Identify the people who meet a rule set's thresholds on the as-of date."""
    console = Console(stderr=True)
    day = _as_of(as_of)
    try:
        rule_set = load_rules(rules, search=rules_search_path())
        key = pseudonym_key() if pseudonymise else None
        previous = read_previous(diff) if diff is not None else None
        store = Store.in_data_dir(data_dir())
        if table:
            frame = table_one(per_person(store.connect, rule_set, day))
            _write_table_one(frame, out)
            _show_table_one(console, frame, rule_set, day, out)
            return
        identified = identify(_engine(engine, store), rule_set, day, top=top)
        # Only an XLSX file has the attendance sheet: a CSV list is spared the extra read.
        wants_sheets = out.suffix.lower() == ".xlsx"
        attendances = attendance_detail(identified, store.connect) if wants_sheets else None
        sheets = prepare(identified, key=key, previous=previous, attendances=attendances)
        write(sheets, out)
    except (RuleError, ConfigurationError, OutputError, SparkUnavailable) as error:
        # Messages quote TOML such as [[thresholds]], which rich would take as markup.
        console.print(f"[red]Not written:[/red] {escape(str(error))}")
        raise typer.Exit(EXIT_FAILED) from None
    _show_summary(console, identified, sheets, out)


def _engine(name: EngineName, store: Store) -> Engine:
    if name is EngineName.spark:
        from hiu.identify.spark import SparkEngine, local_session

        return SparkEngine.for_store(local_session(), store)
    return DuckDBEngine.for_store(store)


def _write_table_one(frame: pl.DataFrame, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".csv":
        frame.write_csv(out)
    elif suffix == ".xlsx":
        frame.write_excel(out, worksheet="Table One", autofit=True)
    else:
        raise OutputError(f"--out must name a .csv or .xlsx file, not {out.name}")


def _show_table_one(
    console: Console, frame: pl.DataFrame, rules: RuleSet, day: date, out: Path
) -> None:
    shown = Table(title=f"Table One: the year to {day.isoformat()} ({rules.name} counting)")
    for column in frame.columns:
        shown.add_column(column, justify="left" if column in ("band", "measure") else "right")
    for row in frame.iter_rows():
        shown.add_row(*(_cell(value) for value in row))
    console.print(shown)
    console.print(f"Wrote {out}")


def _cell(value: object) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else str(value)


def _show_summary(console: Console, identified: IdentifiedList, sheets: Sheets, out: Path) -> None:
    rules = identified.rules
    console.print(
        f"[bold]{rules.title}[/bold] ({rules.name}), as of {identified.as_of.isoformat()}: "
        f"period {identified.period_start.isoformat()} to {identified.as_of.isoformat()}"
    )
    summary = Table(show_header=False, box=None)
    summary.add_row("Listed", f"{identified.listed.height:,}")
    summary.add_row("Met a threshold but excluded", f"{identified.excluded.height:,}")
    if identified.below_cut:
        summary.add_row("Met a threshold, below the top N", f"{identified.below_cut:,}")
    if "mark" in sheets.listed.columns:
        for mark in ("new", "continuing", "dropped"):
            count = int((sheets.listed["mark"] == mark).sum())
            summary.add_row(f"Marked {mark}", f"{count:,}")
    console.print(summary)
    console.print(f"Wrote {out}")
