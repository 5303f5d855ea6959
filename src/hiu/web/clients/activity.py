"""A client's urgent care activity month by month, read from the activity store.

001 §7 "Ongoing monitoring": the worker can "review their activity" at any time. The page shows
four measures (the ones identification and the follow-ups count): A&E attendances, ambulance
(999) incidents, NHS 111 calls and emergency admissions.

One DuckDB query per page: every kind's rows for the client's NHS number, counted by month in
the query. Tables are sorted by NHS number, so DuckDB reads only the row groups whose range
holds the number (their ranges are in each file's footer, which the thread's connection keeps).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import duckdb

from hiu.schemas import EMERGENCY_ADMISSION_METHODS, EXTRACTS
from hiu.store.store import Store, sql_string
from hiu.web.episodes.services import add_months

#: The measures shown, in order: (kind in the store, heading).
MEASURES: tuple[tuple[str, str], ...] = (
    ("ed_attendances", "A&E attendances"),
    ("ambulance_incidents", "Ambulance incidents (999)"),
    ("nhs111_calls", "NHS 111 calls"),
    ("admissions", "Emergency admissions"),
)
_local = threading.local()

#: At least this many months are shown, ending with the current one.
MONTHS_SHOWN = 24
#: And at least this many months before the client's first episode opened.
MONTHS_BEFORE_FIRST_EPISODE = 12


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def window(today: dt.date, first_opened: dt.date | None) -> tuple[dt.date, dt.date]:
    """The first and last months shown: the last 24 months, or from 12 months before the first
    episode opened, whichever is longer."""
    last = month_start(today)
    first = add_months(last, -(MONTHS_SHOWN - 1))
    if first_opened is not None:
        first = min(first, add_months(month_start(first_opened), -MONTHS_BEFORE_FIRST_EPISODE))
    return first, last


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass(frozen=True)
class MonthlyActivity:
    months: list[dt.date]
    #: kind -> month -> count; months with none are absent.
    counts: dict[str, dict[dt.date, int]]
    #: False when the store holds no activity at all (nothing imported yet).
    store_has_activity: bool

    def count(self, kind: str, month: dt.date) -> int:
        return self.counts.get(kind, {}).get(month, 0)

    def total(self, kind: str) -> int:
        return sum(self.counts.get(kind, {}).values())


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB connection, kept between pages. Its object cache keeps each table
    file's Parquet metadata (the NHS number range of every row group), so a page reads only
    the row groups that can hold the client instead of parsing every footer again. A table
    file never changes once written (each import writes a new one), so the cache stays true.
    One connection per thread: a DuckDB connection is not shared between threads."""
    connection: duckdb.DuckDBPyConnection | None = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = duckdb.connect(
            ":memory:", config={"threads": 1, "enable_object_cache": True}
        )
    return connection


def monthly_activity(
    store: Store, nhs_number: str, first: dt.date, last: dt.date
) -> MonthlyActivity:
    """The client's events per month from ``first`` to ``last`` (both month starts)."""
    months = months_between(first, last)
    end = add_months(last, 1)
    parts = []
    parameters: list[object] = []
    for kind, _ in MEASURES:
        path = store.table_path(kind)
        if path is None:
            continue
        column = EXTRACTS[kind].start
        # Table paths come from the store's state and column names from hiu.schemas, never
        # from a person or a file; the NHS number and the dates are parameters.
        day = f"CAST({column} AS DATE)"
        part = (
            f"SELECT '{kind}' AS kind, CAST(date_trunc('month', {day}) AS DATE) AS month "  # noqa: S608
            f"FROM read_parquet({sql_string(path)}) "
            f"WHERE nhs_number = ? AND {day} >= ? AND {day} < ?"
        )
        parameters += [nhs_number, first, end]
        if kind == "admissions":
            codes = ", ".join(f"'{code}'" for code in sorted(EMERGENCY_ADMISSION_METHODS))
            part += f" AND admission_method IN ({codes})"
        parts.append(part)
    if not parts:
        return MonthlyActivity(months=months, counts={}, store_has_activity=False)
    query = (
        "SELECT kind, month, count(*) FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") GROUP BY kind, month"
    )
    rows = _connection().execute(query, parameters).fetchall()
    counts: dict[str, dict[dt.date, int]] = {}
    for kind, month, n in rows:
        if isinstance(month, dt.datetime):
            month = month.date()
        counts.setdefault(str(kind), {})[month] = int(n)
    return MonthlyActivity(months=months, counts=counts, store_has_activity=True)
