"""Table One of the model specification (003): the starting point for a business case, from the
activity data (``hiu.identify.table_one``), through disclosure control."""

from __future__ import annotations

import datetime as dt

import polars as pl

from hiu import disclosure as d
from hiu.identify.table_one import table_one
from hiu.report.document import Column, Table


def table_one_table(people: pl.DataFrame, as_of: dt.date) -> Table:
    frame = table_one(people)
    rows = []
    band_size = 0
    for record in frame.iter_rows(named=True):
        if record["measure"] == "People":
            band_size = int(record["total"])
            rows.append(
                (
                    d.text(record["band"]),
                    d.text("People"),
                    d.not_applicable(),
                    d.not_applicable(),
                    d.not_applicable(),
                    d.count(band_size),
                )
            )
            continue
        empty = band_size == 0
        rows.append(
            (
                d.text(record["band"]),
                d.text(record["measure"]),
                d.not_applicable() if empty else d.extreme(record["minimum"], band_size),
                d.not_applicable() if empty else d.extreme(record["maximum"], band_size),
                d.not_applicable() if empty else d.number(record["average"], band_size),
                d.total(int(record["total"]))
                if band_size >= d.SMALLEST_SHOWN or empty
                else d.suppressed(),
            )
        )
    first = as_of - dt.timedelta(days=364)
    return Table(
        sheet="Table One",
        title=f"Table One: high intensity use, {first:%-d %B %Y} to {as_of:%-d %B %Y}",
        columns=(
            Column("A&E attendances in the year", numeric=False),
            Column("Measure", numeric=False),
            Column("Minimum"),
            Column("Maximum"),
            Column("Average"),
            Column("Total"),
        ),
        rows=tuple(rows),
        definition=(
            "Everyone with 5 or more A&E attendances in the year to the date shown, in bands by "
            "their attendances, with their emergency admissions and bed days (counted as the "
            "service's rule set counts them). Minimums and maximums are one person's figure: "
            "shown only for bands of 8 or more people. Totals are rounded to the nearest 5."
        ),
    )
