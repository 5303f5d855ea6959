"""Relapse: engaged clients who meet the rule set's thresholds again a year on (DESIGN §7).

Hackney reports a relapse rate among its measures (000 §4.1) without defining it. Here it is:

    Of the cohort members followed up for 12 months after their engaged date (alive, and the
    data reaching that far), the share who are on the rule set's eligible list (its thresholds
    and criteria met, before any top-N cut) made on the last list date on or before 12 months
    after their engaged date.

That list counts activity in the rule set's period ending the day before the list date, so, for
quarterly lists, in the last three to six months of the client's first year. Using the list
dates rather than a period ending exactly 12 months on keeps the runs of the identification
rules to one per list date, not one per client. The same figure is given for the matched
controls (from their own index date — their case's engaged date, or for a control from another
list date that date plus the case's wait — with their calibrated weights within their sets),
so the reader can compare: people picked at their peak relapse less than their peak suggests,
with or without the service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from hiu.evaluate.activity import DataSpan
from hiu.evaluate.estimates import number
from hiu.identify.rules import Refresh

DEFINITION = (
    "Of the people followed up for 12 months after their engaged date (alive, and the data "
    "reaching that far), the share on the rule set's eligible list (thresholds and criteria met, "
    "before any top-N cut) made on the last list date on or before 12 months after that date. "
    "Matched controls are counted from their own index date (their client's engaged date, or "
    "their own list date plus the client's wait to engagement), with the comparison's weights."
)


def relapse_summary(
    rows: pl.DataFrame,
    eligible: Callable[[date], pl.DataFrame],
    refresh: Refresh,
    span: DataSpan,
) -> dict[str, Any]:
    """``rows`` are the evaluation rows (``group``, ``nhs_number``, ``index_date``,
    ``follow_end`` as an exclusive day number, ``weight``)."""
    year_on = pl.col("index_date").dt.offset_by("12mo")
    month = year_on.dt.month()
    first_month = month if refresh is Refresh.MONTHLY else ((month - 1) // 3) * 3 + 1
    followed = rows.filter(pl.col("group").is_in(["cohort", "control"])).with_columns(
        year_on.alias("year_on"),
        pl.date(year_on.dt.year(), first_month, 1).alias("list_date"),
    )
    followed = followed.filter(
        (pl.col("follow_end") >= _day_numbers(pl.col("year_on")))
        & (pl.col("list_date") <= pl.lit(span.end) + pl.duration(days=1))
    )
    lists = [
        eligible(day).select(
            pl.lit(day).alias("list_date"), "nhs_number", pl.lit(True).alias("on_list")
        )
        for day in sorted(set(followed["list_date"].to_list()))
    ]
    if lists:
        followed = followed.join(pl.concat(lists), on=["list_date", "nhs_number"], how="left")
    else:
        followed = followed.with_columns(pl.lit(None, pl.Boolean).alias("on_list"))
    followed = followed.with_columns(pl.col("on_list").fill_null(False))
    summary: dict[str, Any] = {"definition": DEFINITION}
    for name, group in (("cohort", "cohort"), ("matched", "control")):
        chosen = followed.filter(pl.col("group") == group)
        total = float(chosen["weight"].sum()) if chosen.height else 0.0
        again = float(chosen.filter(pl.col("on_list"))["weight"].sum()) if chosen.height else 0.0
        summary[name] = {
            "people": chosen.height,
            "relapsed": int(chosen["on_list"].sum()) if chosen.height else 0,
            "rate": number(again / total, 4) if total > 0 else None,
        }
    return summary


def _day_numbers(expression: pl.Expr) -> pl.Expr:
    return (expression - pl.lit(date(1970, 1, 1))).dt.total_days()
