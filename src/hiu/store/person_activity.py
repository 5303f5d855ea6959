"""One person's activity counted over a window, and who has new activity since a given day.

Casework asks the store three questions: how much did this client use urgent care in the month
before a holding check, in the months after stepping down (a follow-up), and which stepped-down
clients have used it again (a relapse alert). The first two read one person's rows
(``Store.timeline``, which touches only the row groups that can hold them); the third joins a
small table of NHS numbers and dates to every kind in one query per kind. The client's
activity chart asks a fourth, one person's events counted by month (``monthly_counts``), read
the same way as the first two.

Windows are half-open, ``start <= day < end``, on the event's start date (arrival, call or
admission), as identification counts them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hiu.schemas import ACTIVITY_KINDS, EMERGENCY_ADMISSION_METHODS, EXTRACTS
from hiu.store import lookup
from hiu.store.store import Store, Timeline


@dataclass(frozen=True)
class ActivityCounts:
    ed_attendances: int = 0
    ambulance_incidents: int = 0
    nhs111_calls: int = 0
    admissions: int = 0
    # Nights in hospital from admissions starting in the window (discharge date minus admission
    # date; an admission still open at the end of the window counts to the window's end).
    bed_days: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "ed_attendances": self.ed_attendances,
            "ambulance_incidents": self.ambulance_incidents,
            "nhs111_calls": self.nhs111_calls,
            "admissions": self.admissions,
            "bed_days": self.bed_days,
        }

    @property
    def total_events(self) -> int:
        return self.ed_attendances + self.ambulance_incidents + self.nhs111_calls + self.admissions


def _in_window(frame: pl.DataFrame, column: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    if frame.height == 0 or column not in frame.columns:
        return frame.clear()
    day = pl.col(column).cast(pl.Date)
    return frame.filter((day >= start) & (day < end))


def counts_in(timeline: Timeline, start: dt.date, end: dt.date) -> ActivityCounts:
    """The person's events that started in ``[start, end)``, by kind, and their bed days."""
    counts: dict[str, int] = {}
    for kind in ACTIVITY_KINDS:
        frame = timeline.events.get(kind, pl.DataFrame())
        column = EXTRACTS[kind].start
        assert column is not None
        counts[kind] = _in_window(frame, column, start, end).height
    admissions = _in_window(
        timeline.events.get("admissions", pl.DataFrame()), "admission_datetime", start, end
    )
    bed_days = 0
    for row in admissions.iter_rows(named=True):
        admitted = row["admission_datetime"].date()
        discharged = row.get("discharge_datetime")
        until = discharged.date() if discharged is not None else end
        bed_days += max(0, (min(until, end) - admitted).days)
    return ActivityCounts(bed_days=bed_days, **counts)


def person_counts(store: Store, nhs_number: str, start: dt.date, end: dt.date) -> ActivityCounts:
    return counts_in(store.timeline(nhs_number), start, end)


@dataclass(frozen=True)
class NewActivity:
    events: int
    latest: dt.date


def activity_since(store: Store, since: dict[str, dt.date]) -> dict[str, NewActivity]:
    """For each NHS number in ``since``, its events that started after its date (the day
    itself excluded), across every kind; people with none are left out."""
    if not since:
        return {}
    people = pl.DataFrame(
        {"nhs_number": list(since), "since": list(since.values())},
        schema={"nhs_number": pl.String, "since": pl.Date},
    )
    connection = store.connect()
    try:
        connection.register("hiu_since", people.to_arrow())
        parts = []
        for kind in ACTIVITY_KINDS:
            column = EXTRACTS[kind].start
            # Table and column names come from hiu.schemas, never from a person or a file.
            parts.append(
                f"SELECT e.nhs_number, CAST(e.{column} AS DATE) AS day "
                f"FROM {kind} e JOIN hiu_since s ON e.nhs_number = s.nhs_number "
                f"WHERE CAST(e.{column} AS DATE) > s.since"
            )
        query = (
            "SELECT nhs_number, count(*) AS events, max(day) AS latest "
            f"FROM ({' UNION ALL '.join(parts)}) GROUP BY nhs_number"
        )
        rows = connection.execute(query).fetchall()
    finally:
        connection.close()
    return {str(n): NewActivity(events=int(e), latest=latest) for n, e, latest in rows}


def monthly_counts(
    store: Store, nhs_number: str, first: dt.date, last: dt.date
) -> dict[str, dict[dt.date, int]] | None:
    """The person's events per month from ``first`` to ``last`` (month starts, both included),
    by kind; months with none are absent. Admissions count only emergency ones (an admission
    method in ``EMERGENCY_ADMISSION_METHODS``), as the casework chart shows them. ``None`` when
    the store holds no activity table at all (nothing imported yet).

    Each kind is read as ``hiu.store.lookup.person_rows`` reads it (only the row groups that
    can hold the number, each file's footer parsed once per thread and kept), but only the
    columns counted: a third of the time of reading every column in a national store.
    """
    end = _next_month(last)
    state = store.state()
    counts: dict[str, dict[dt.date, int]] = {}
    found = False
    for kind in ACTIVITY_KINDS:
        table = state.tables.get(kind)
        if table is None:
            continue
        found = True
        column = EXTRACTS[kind].start
        assert column is not None
        frame = _person_columns(store.root / table.path, nhs_number, kind)
        if kind == "admissions":
            methods = sorted(EMERGENCY_ADMISSION_METHODS)
            frame = frame.filter(pl.col("admission_method").is_in(methods))
        if frame.height == 0 or column not in frame.columns:
            continue
        day = pl.col(column).cast(pl.Date)
        by_month = (
            frame.select(day.alias("day"))
            .filter((pl.col("day") >= first) & (pl.col("day") < end))
            .group_by(pl.col("day").dt.truncate("1mo").alias("month"))
            .len()
        )
        if by_month.height:
            counts[kind] = {month: int(n) for month, n in by_month.iter_rows()}
    return counts if found else None


def _person_columns(path: Path, nhs_number: str, kind: str) -> pl.DataFrame:
    """The person's rows of ``path`` with only the NHS number, the start and (admissions) the
    admission method."""
    start = EXTRACTS[kind].start
    assert start is not None
    wanted = [start, *(["admission_method"] if kind == "admissions" else [])]
    return lookup.person_rows(path, nhs_number, columns=wanted)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
