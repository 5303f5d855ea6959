"""Table One of the model service specification (003): the starting point for a business case.

For the year ending on the as-of date, people with 5 or more A&E attendances are put in bands by
their attendances, and for each band the table gives the number of people and, per person, the
minimum, maximum, average and total of attendances, emergency admissions and bed days.

The template's bands (">20", "11-19", "5-10") leave 20 attendances in no band; ours are
contiguous: 5-10, 11-20 and 21 or more. Events count as the rule set counts them (planned
follow-ups and excluded presentations do not), and bed days are those of the emergency
admissions counted. People of every age are included: the table describes the hospital's
activity, not a list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import duckdb
import polars as pl

from hiu.identify.query import SERVICE_CODES, events_sql
from hiu.identify.rules import RuleSet, Service

#: (label, lowest attendances, highest or None): contiguous, together covering 5 and over.
BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("5 to 10 attendances", 5, 10),
    ("11 to 20 attendances", 11, 20),
    ("21 or more attendances", 21, None),
)
MEASURES = (
    ("Attendances", "attendances"),
    ("Emergency admissions", "admissions"),
    ("Bed days", "bed_days"),
)
COLUMNS = ("band", "measure", "minimum", "maximum", "average", "total")


def per_person(
    connect: Callable[[], duckdb.DuckDBPyConnection], rules: RuleSet, as_of: date
) -> pl.DataFrame:
    """Attendances, emergency admissions and bed days in the year, for each person with 5 or
    more attendances."""
    first = as_of - timedelta(days=364)
    ed = SERVICE_CODES[Service.ED]
    admission = SERVICE_CODES[Service.EMERGENCY_ADMISSIONS]
    connection = connect()
    try:
        return connection.execute(
            "SELECT nhs_number, "
            f"SUM(CASE WHEN service = {ed} THEN 1 ELSE 0 END) AS attendances, "
            f"SUM(CASE WHEN service = {admission} THEN 1 ELSE 0 END) AS admissions, "
            f"SUM(CASE WHEN service = {admission} THEN bed_days ELSE 0 END) AS bed_days "
            f"FROM ({events_sql(rules, first, as_of)}) AS events "
            f"GROUP BY nhs_number HAVING SUM(CASE WHEN service = {ed} THEN 1 ELSE 0 END) >= 5"
        ).pl()
    finally:
        connection.close()


def table_one(people: pl.DataFrame) -> pl.DataFrame:
    """The table from :func:`per_person`'s frame: for each band, a row of people and a row per
    measure. Averages are per person, to one decimal place; an empty band shows zero people
    and no minimum, maximum or average."""
    rows: list[dict[str, object]] = []
    for label, low, high in BANDS:
        selected = pl.col("attendances") >= low
        if high is not None:
            selected = selected & (pl.col("attendances") <= high)
        band = people.filter(selected)
        rows.append(
            {
                "band": label,
                "measure": "People",
                "minimum": None,
                "maximum": None,
                "average": None,
                "total": band.height,
            }
        )
        for measure, column in MEASURES:
            values = band[column].cast(pl.Int64)
            empty = band.is_empty()
            rows.append(
                {
                    "band": label,
                    "measure": measure,
                    "minimum": None if empty else int(values.min()),  # type: ignore[arg-type]
                    "maximum": None if empty else int(values.max()),  # type: ignore[arg-type]
                    "average": None if empty else round(float(values.mean()), 1),  # type: ignore[arg-type]
                    "total": int(values.sum()),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "band": pl.String,
            "measure": pl.String,
            "minimum": pl.Int64,
            "maximum": pl.Int64,
            "average": pl.Float64,
            "total": pl.Int64,
        },
        orient="row",
    )
