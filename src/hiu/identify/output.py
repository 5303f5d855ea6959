"""Writing a list: CSV or XLSX, pseudonymised or not, marked against an earlier list.

An XLSX list has four sheets: ``List`` (one row per person), ``Attendances`` (each listed
person's A&E attendances in the year to the as-of date, with the day, time, arrival mode, coded
presentation and outcome Stockport asked for, 002 §4.2.1), ``Excluded`` (people who met a
threshold but were excluded, and why) and ``About`` (the rule set, its source, the dates and
the counts, so a list can be explained months later). A CSV file holds the ``List`` sheet only.

Pseudonymised lists replace ``nhs_number`` with ``pseudonym`` (HMAC-SHA256 of the NHS number
under ``HIU_PSEUDONYM_KEY``, the first 32 hex digits) and leave out name, date of birth, age and
phone. Text that a spreadsheet would run as a formula is escaped in CSV files.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from hiu.identify.labels import ARRIVAL_MODES, DISCHARGE_DESTINATIONS
from hiu.identify.listing import IDENTIFYING, IdentifiedList
from hiu.identify.rules import Service
from hiu.spreadsheet_safety import escape_formula

if TYPE_CHECKING:
    import duckdb

PSEUDONYM_DIGITS = 32
MARKS = ("new", "continuing", "dropped")


class OutputError(Exception):
    """A list cannot be written or an earlier list cannot be read; the message says why."""


def pseudonym(nhs_number: str, key: bytes) -> str:
    digest = hmac.new(key, nhs_number.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_DIGITS]


def _pseudonymise(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("nhs_number")
        .map_elements(lambda number: pseudonym(number, key), return_dtype=pl.String)
        .alias("nhs_number")
    ).rename({"nhs_number": "pseudonym"})


@dataclass(frozen=True)
class Sheets:
    """What is written: the frames of each sheet, already pseudonymised and marked."""

    listed: pl.DataFrame
    attendances: pl.DataFrame | None
    excluded: pl.DataFrame
    about: pl.DataFrame


def prepare(
    identified: IdentifiedList,
    *,
    key: bytes | None = None,
    previous: pl.DataFrame | None = None,
    attendances: pl.DataFrame | None = None,
) -> Sheets:
    """The sheets of a list. ``key`` pseudonymises it; ``previous`` (read with
    :func:`read_previous`) adds ``mark`` and ``previous_rank`` and rows for people dropped."""
    listed = identified.listed
    excluded = identified.excluded
    if key is not None:
        listed = _pseudonymise(listed.drop(IDENTIFYING), key)
        excluded = _pseudonymise(
            excluded.drop(*(c for c in IDENTIFYING if c in excluded.columns)), key
        )
        if attendances is not None:
            attendances = _pseudonymise(attendances, key)
    if previous is not None:
        listed = mark(listed, previous, key)
    return Sheets(
        listed=listed,
        attendances=attendances,
        excluded=excluded,
        about=_about(identified, listed, pseudonymised=key is not None),
    )


def read_previous(path: Path) -> pl.DataFrame:
    """An earlier list's people: its identifier column (``nhs_number`` or ``pseudonym``) and
    ``priority_rank``, from a CSV file or the ``List`` sheet of an XLSX file written by
    ``hiu identify``. Dropped people in it are left out: they were not on that list."""
    if not path.is_file():
        raise OutputError(f"the earlier list {path} does not exist")
    try:
        if path.suffix.lower() == ".xlsx":
            frame = pl.read_excel(path, sheet_name="List", infer_schema_length=0)
        else:
            frame = pl.read_csv(path, infer_schema=False)
    except Exception as error:  # any reader failure means the same to the user
        raise OutputError(
            f"the earlier list {path} cannot be read as a list ({error.__class__.__name__})"
        ) from None
    identifier = _identifier(frame)
    if identifier is None:
        raise OutputError(
            f"the earlier list {path} has neither an nhs_number nor a pseudonym column"
        )
    if "mark" in frame.columns:
        frame = frame.filter(pl.col("mark") != "dropped")
    ranks = (
        frame["priority_rank"].cast(pl.Int64, strict=False)
        if "priority_rank" in frame.columns
        else pl.Series("priority_rank", [None] * frame.height, dtype=pl.Int64)
    )
    return pl.DataFrame(
        {
            identifier: frame[identifier].cast(pl.String).str.strip_chars(),
            "priority_rank": ranks,
        }
    )


def _identifier(frame: pl.DataFrame) -> str | None:
    for name in ("nhs_number", "pseudonym"):
        if name in frame.columns:
            return name
    return None


def mark(listed: pl.DataFrame, previous: pl.DataFrame, key: bytes | None) -> pl.DataFrame:
    """Mark each person new or continuing against ``previous``, and add a row for each person
    on ``previous`` who is not listed now (dropped), after everyone listed."""
    current_id = _identifier(listed)
    previous_id = _identifier(previous)
    assert current_id is not None
    assert previous_id is not None
    before = previous
    if previous_id != current_id:
        if key is None:
            raise OutputError(
                "the earlier list is pseudonymised and this one is not: set HIU_PSEUDONYM_KEY "
                "(the key the earlier list was made with) and pass --pseudonymise to compare them"
            )
        # Only an NHS number can be turned into a pseudonym, so here the earlier list holds NHS
        # numbers and this one pseudonyms.
        before = _pseudonymise(previous, key)
    before = before.rename({"priority_rank": "previous_rank"}).unique(current_id, keep="first")
    marked = listed.join(before, on=current_id, how="left").with_columns(
        pl.when(pl.col(current_id).is_in(before[current_id].implode()))
        .then(pl.lit("continuing"))
        .otherwise(pl.lit("new"))
        .alias("mark")
    )
    dropped = before.filter(~pl.col(current_id).is_in(listed[current_id].implode())).with_columns(
        pl.lit("dropped").alias("mark")
    )
    return pl.concat([marked, dropped], how="diagonal_relaxed").select(
        *listed.columns, "mark", "previous_rank"
    )


def attendance_detail(
    identified: IdentifiedList, connect: Callable[[], duckdb.DuckDBPyConnection]
) -> pl.DataFrame:
    """Each listed person's A&E attendances in the 365 days to the as-of date, newest first,
    with whether the rule set counts each one."""
    columns = [
        "priority_rank",
        "nhs_number",
        "arrival_date",
        "arrival_time",
        "site_code",
        "attendance_category",
        "arrival_mode",
        "arrival_mode_description",
        "chief_complaint",
        "diagnosis",
        "discharge_destination",
        "discharge_destination_description",
        "counted",
    ]
    ranks = identified.listed.select("nhs_number", "priority_rank")
    if ranks.is_empty():
        return pl.DataFrame(schema={name: pl.String for name in columns}).with_columns(
            pl.col("priority_rank").cast(pl.Int64), pl.col("counted").cast(pl.Boolean)
        )
    first = identified.as_of - timedelta(days=364)
    connection = connect()
    try:
        connection.register("hiu_listed", ranks.to_arrow())
        frame = connection.execute(
            "SELECT l.priority_rank, l.nhs_number, a.arrival_datetime, a.site_code, "
            "a.attendance_category, a.arrival_mode, a.chief_complaint, a.diagnosis, "
            "a.discharge_destination FROM ed_attendances AS a JOIN hiu_listed AS l "
            "ON a.nhs_number = l.nhs_number "
            "WHERE CAST(a.arrival_datetime AS DATE) BETWEEN ? AND ?",
            [first, identified.as_of],
        ).pl()
    finally:
        connection.close()
    counting = identified.rules.counting_for(Service.ED)
    excluded_codes = sorted(counting.excluded_snomed)
    excluded_categories = sorted(counting.exclude_attendance_categories)
    codes = pl.Series(excluded_codes, dtype=pl.String).implode()
    categories = pl.Series(excluded_categories, dtype=pl.String).implode()
    arrival = pl.col("arrival_datetime").cast(pl.Datetime("us"))
    return (
        frame.with_columns(
            arrival.dt.date().alias("arrival_date"),
            arrival.dt.strftime("%H:%M").alias("arrival_time"),
            pl.col("arrival_mode")
            .replace_strict(ARRIVAL_MODES, default=None, return_dtype=pl.String)
            .alias("arrival_mode_description"),
            pl.col("discharge_destination")
            .replace_strict(DISCHARGE_DESTINATIONS, default=None, return_dtype=pl.String)
            .alias("discharge_destination_description"),
            ~(
                pl.col("attendance_category").fill_null("").is_in(categories)
                | pl.col("chief_complaint").fill_null("").is_in(codes)
                | pl.col("diagnosis").fill_null("").is_in(codes)
            ).alias("counted"),
        )
        .sort(["priority_rank", "arrival_datetime"], descending=[False, True])
        .select(columns)
    )


def _about(
    identified: IdentifiedList, listed: pl.DataFrame, *, pseudonymised: bool
) -> pl.DataFrame:
    rules = identified.rules
    rows = [
        ("Rule set", f"{rules.name}: {rules.title}"),
        ("Source", rules.source),
        ("Definition", " ".join(rules.description.split())),
        ("As-of date", identified.as_of.isoformat()),
        ("Period", f"{identified.period_start.isoformat()} to {identified.as_of.isoformat()}"),
        *(("Threshold " + t.name, t.describe()) for t in rules.thresholds),
        ("Ranked by", ", ".join(rules.rank_by)),
        ("Listed", str(identified.listed.height)),
        ("Met a threshold but excluded", str(identified.excluded.height)),
        ("Met a threshold but below the top N", str(identified.below_cut)),
        ("Pseudonymised", "yes" if pseudonymised else "no"),
        ("Engine", identified.engine),
        ("Made", datetime.now().astimezone().isoformat(timespec="seconds")),
    ]
    if "mark" in listed.columns:
        for value in MARKS:
            rows.append((f"Marked {value}", str(listed.filter(pl.col("mark") == value).height)))
    return pl.DataFrame({"item": [r[0] for r in rows], "value": [r[1] for r in rows]}, orient="col")


def write(sheets: Sheets, path: Path) -> None:
    """Write to ``path``: ``.csv`` (the list) or ``.xlsx`` (every sheet). The file appears
    whole or not at all."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise OutputError(f"--out must name a .csv or .xlsx file, not {path.name}")
    if not path.parent.is_dir():
        raise OutputError(f"the folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".csv":
            _csv_safe(sheets.listed).write_csv(partial, date_format="%Y-%m-%d")
        else:
            _write_xlsx(sheets, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(escape_formula(pl.col(name)).alias(name) for name in text)


def _write_xlsx(sheets: Sheets, path: Path) -> None:
    from xlsxwriter import Workbook

    # In memory: by default XlsxWriter stages each sheet, names and NHS numbers included, in
    # the system's temporary folder, where patient data must not go.
    # Text from the data is never a formula, whichever write call carries it.
    with Workbook(str(path), {"in_memory": True, "strings_to_formulas": False}) as workbook:
        for name, frame in (
            ("List", sheets.listed),
            ("Attendances", sheets.attendances),
            ("Excluded", sheets.excluded),
            ("About", sheets.about),
        ):
            if frame is None:
                continue
            # Numbers stay numbers and dates dates; XlsxWriter writes text as text, never as a
            # formula, so no escaping is needed here.
            frame.write_excel(
                workbook=workbook,
                worksheet=name,
                autofit=True,
                dtype_formats={pl.Date: "yyyy-mm-dd"},
                freeze_panes=(1, 0),
                include_header=True,
                table_style="Table Style Light 1",
            )


__all__ = [
    "MARKS",
    "OutputError",
    "Sheets",
    "attendance_detail",
    "mark",
    "prepare",
    "pseudonym",
    "read_previous",
    "write",
]
