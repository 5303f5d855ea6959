"""A run's list as an XLSX file, for a screening meeting: the sheets built from the database
rows as they were kept, and written with the analytics core's list writer
(``hiu.identify.output.write``), so a list downloaded here reads like one from ``hiu identify``:
numbers as numbers, dates as dates.

The sheets are ``List`` (the people listed, by priority rank, then the people dropped since the
previous list, each with their ``mark``), ``Excluded`` (with the reasons) and ``About`` (what the
list is and who made and downloaded it). There is no ``Attendances`` sheet: the run keeps its
people's counts, not their attendances.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from django.utils import timezone
from django.utils.text import slugify

from hiu.identify.listing import EXCLUSION_COLUMNS, LIST_COLUMNS
from hiu.identify.output import Sheets, write
from hiu.web.identification.models import ExcludedPerson, IdentificationRun, IdentifiedPerson
from hiu.web.identification.presenters import requested_by
from hiu.web.identification.status import Mark, Trigger
from hiu.web.imports.files import data_dir

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Where a list is written before it is sent, under HIU_DATA_DIR (never /tmp).
DOWNLOADS = "downloads"

TEXT, WHOLE, DAY = pl.String, pl.Int64, pl.Date
#: Each sheet column's type. Counts, ranks and ages are whole numbers, so a spreadsheet sorts
#: and sums them; the columns' order is the core's (``LIST_COLUMNS``, ``EXCLUSION_COLUMNS``).
TYPES: dict[str, Any] = {
    "priority_rank": WHOLE,
    "nhs_number": TEXT,
    "given_name": TEXT,
    "family_name": TEXT,
    "date_of_birth": DAY,
    "age": WHOLE,
    "phone": TEXT,
    "eligibility_date": DAY,
    "thresholds_met": TEXT,
    "reasons": TEXT,
    "spread": WHOLE,
    "intensity": pl.Float64,
    "ed_30d": WHOLE,
    "ed_90d": WHOLE,
    "ed_365d": WHOLE,
    "ambulance_90d": WHOLE,
    "nhs111_90d": WHOLE,
    "admissions_365d": WHOLE,
    "bed_days_365d": WHOLE,
    "mark": TEXT,
}
#: The ``List`` sheet's columns: the core's list, and each person's place on it.
LIST_SHEET = (*LIST_COLUMNS, "mark")
#: The model's field for each column that is named otherwise.
FIELDS = {"priority_rank": "rank"}


def _value(row: Any, field: str) -> object:
    """A field as the sheet holds it: an empty text field is an empty cell, as in the core's
    lists, not an empty string."""
    value = getattr(row, field)
    return None if value == "" else value


def _schema(columns: Iterable[str]) -> dict[str, Any]:
    return {column: TYPES[column] for column in columns}


def list_frame(people: Iterable[IdentifiedPerson]) -> pl.DataFrame:
    """The ``List`` sheet: the core's list columns and ``mark``, in the order given (rank
    order, then the dropped: ``IdentifiedPersonQuerySet.in_list_order``)."""
    rows = [
        [_value(person, FIELDS.get(column, column)) for column in LIST_SHEET] for person in people
    ]
    return pl.DataFrame(rows, schema=_schema(LIST_SHEET), orient="row")


def excluded_frame(people: Iterable[ExcludedPerson]) -> pl.DataFrame:
    rows = [[_value(person, column) for column in EXCLUSION_COLUMNS] for person in people]
    return pl.DataFrame(rows, schema=_schema(EXCLUSION_COLUMNS), orient="row")


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def about_frame(
    run: IdentificationRun,
    marks: dict[str, int],
    *,
    downloaded_by: str,
    downloaded_at: dt.datetime,
) -> pl.DataFrame:
    """The ``About`` sheet: item and value, as text, as the core writes it (``Rule set``,
    ``As-of date``, ``Period``, ``Threshold <name>``, ``Listed``, ``Marked new`` ... are the
    core's own items), with the run and who made and downloaded it."""
    service = run.service
    title = run.rule_set_title
    rows: list[tuple[str, str]] = [
        ("Service", f"{service.name} ({service.organisation_code})"),
        (
            "Rule set",
            f"{run.rule_set}: {title}" if title and title != run.rule_set else run.rule_set,
        ),
        ("As-of date", run.as_of.isoformat()),
    ]
    if run.period_start is not None:
        rows.append(("Period", f"{run.period_start.isoformat()} to {run.as_of.isoformat()}"))
    rows += [(f"Threshold {name}", str(text)) for name, text in run.thresholds.items()]
    rows += [
        ("Listed", str(run.listed_count)),
        ("Met a threshold but excluded", str(run.excluded_count)),
        ("Met a threshold but below the top N", str(run.below_cut)),
        *((f"Marked {mark}", str(marks.get(mark, 0))) for mark in Mark.values),
        (
            "Compared with",
            f"the list as of {run.previous_run.as_of.isoformat()} "
            f"(identification run {run.previous_run.pk})"
            if run.previous_run is not None
            else "no earlier list: everyone is new",
        ),
        ("Pseudonymised", "no"),
        ("Identification run", str(run.pk)),
        ("How it was made", Trigger(run.trigger).label),
        ("Asked for by", requested_by(run)),
        ("Asked for", _when(run.created_at)),
        ("Finished", _when(run.finished_at)),
        ("Downloaded by", downloaded_by),
        ("Downloaded", _when(downloaded_at)),
    ]
    return pl.DataFrame(
        {"item": [item for item, _ in rows], "value": [value for _, value in rows]},
        schema={"item": TEXT, "value": TEXT},
    )


def list_sheets(
    run: IdentificationRun,
    people: Iterable[IdentifiedPerson],
    excluded: Iterable[ExcludedPerson],
    *,
    downloaded_by: str,
    downloaded_at: dt.datetime | None = None,
) -> Sheets:
    """The sheets of a run's list, for :func:`hiu.identify.output.write`."""
    listed = list_frame(people)
    marks = dict(listed.group_by("mark").len().iter_rows())
    return Sheets(
        listed=listed,
        attendances=None,
        excluded=excluded_frame(excluded),
        about=about_frame(
            run,
            marks,
            downloaded_by=downloaded_by,
            downloaded_at=downloaded_at or timezone.now(),
        ),
    )


def file_name(run: IdentificationRun) -> str:
    """``identified-riverside-hiu-2025-01-31.xlsx``: the service and the as-of date, so the
    month's lists of several services can sit in one folder."""
    service = slugify(run.service.name) or str(run.service_id)
    return f"identified-{service}-{run.as_of.isoformat()}.xlsx"


def written(sheets: Sheets) -> BinaryIO:
    """The sheets as an XLSX file, open for reading, that is on no disk once it is closed.

    The file is written under ``$HIU_DATA_DIR/downloads`` (a folder only the service's account
    can read) and its name removed as soon as it is open: the open file stays readable while
    the response streams it, and nothing of it is left behind, whether the download finishes,
    is cancelled or fails on the way.
    """
    folder = data_dir() / DOWNLOADS
    folder.mkdir(mode=0o700, exist_ok=True)
    path = Path(folder, f"{uuid.uuid4().hex}.xlsx")
    try:
        write(sheets, path)
        return path.open("rb")
    finally:
        path.unlink(missing_ok=True)
