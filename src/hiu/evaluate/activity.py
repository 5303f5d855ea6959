"""Counting activity in many windows at once, set-based, from the one counting definition.

Every event counted here comes from ``hiu.identify.query.events_sql``: the rule set's counting
A&E attendances (less its exclusions), ambulance incidents, NHS 111 calls, and emergency
admissions with their bed days; the same events identification counts, so a person's "count
that put them on the list" means the same thing in both places (ADR 0009).

A need (the matching variables, the before and after windows, the monthly trajectories) is a
table of *segments*: ``(row_id, seg, nhs_number, start_dn, end_dn)``, a half-open range of day
numbers ``[start_dn, end_dn)`` on the event's day. One query joins every segment to the events
of its person and sums each activity with ``FILTER``. Bed days of an admission in a segment are
its discharge day (or the end of the data, for a spell still open) minus its admission day,
capped at the segment's end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from hiu.identify.query import EPOCH, SERVICE_CODES, events_sql
from hiu.identify.rules import RuleSet, Service

ACTIVITIES: tuple[str, ...] = (
    "ed_attendances",
    "ambulance_incidents",
    "nhs111_calls",
    "admissions",
    "bed_days",
)
EVENT_SERVICES: dict[str, Service] = {
    "ed_attendances": Service.ED,
    "ambulance_incidents": Service.AMBULANCE,
    "nhs111_calls": Service.NHS111,
    "admissions": Service.EMERGENCY_ADMISSIONS,
}
Connect = Callable[[], duckdb.DuckDBPyConnection]
SEGMENT_SCHEMA = {
    "row_id": pl.Int64,
    "seg": pl.Int32,
    "nhs_number": pl.Int64,
    "start_dn": pl.Int32,
    "end_dn": pl.Int32,
}


def day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


@dataclass(frozen=True)
class DataSpan:
    """The first and last days with any event in the store (the data's start and end)."""

    start: date
    end: date


def data_span(connection: duckdb.DuckDBPyConnection) -> DataSpan | None:
    parts = [
        "SELECT MIN(CAST(arrival_datetime AS DATE)) AS a, MAX(CAST(arrival_datetime AS DATE)) AS b "
        "FROM ed_attendances",
        "SELECT MIN(CAST(call_datetime AS DATE)), MAX(CAST(call_datetime AS DATE)) "
        "FROM ambulance_incidents",
        "SELECT MIN(CAST(call_datetime AS DATE)), MAX(CAST(call_datetime AS DATE)) "
        "FROM nhs111_calls",
        "SELECT MIN(CAST(admission_datetime AS DATE)), MAX(CAST(admission_datetime AS DATE)) "
        "FROM admissions",
    ]
    row = connection.execute(
        "SELECT MIN(a), MAX(b) FROM (" + " UNION ALL ".join(parts) + ")"  # noqa: S608
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return DataSpan(start=row[0], end=row[1])


def load_events(
    connection: duckdb.DuckDBPyConnection,
    rules: RuleSet,
    span: DataSpan,
    people: pl.Series,
) -> None:
    """Materialise ``hiu_events`` for ``people`` (NHS numbers as integers) over the span: the
    store is read once, and every later query reads only the people evaluated."""
    connection.register("hiu_wanted_frame", pl.DataFrame({"nhs_number": people.unique()}))
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE hiu_wanted AS "
        "SELECT DISTINCT nhs_number FROM hiu_wanted_frame"
    )
    connection.unregister("hiu_wanted_frame")
    # Events are read to the day after the data's end and that day dropped: a spell still open
    # at the end of the data then counts its nights to the end of the data's last day, the
    # exclusive end of every follow-up it can fall in.
    after_end = span.end + timedelta(days=1)
    last = f"DATE '{span.end.isoformat()}'"
    events = events_sql(rules, span.start, after_end)
    query = (
        "CREATE OR REPLACE TEMP TABLE hiu_events AS "  # noqa: S608
        f"SELECT e.* FROM ({events}) AS e WHERE e.day <= {last} "
        "AND e.nhs_number IN (SELECT nhs_number FROM hiu_wanted)"
    )
    connection.execute(query)


def segment_counts(connection: duckdb.DuckDBPyConnection, segments: pl.DataFrame) -> pl.DataFrame:
    """Each segment's events by activity, and its bed days: ``row_id, seg`` and one column per
    activity in :data:`ACTIVITIES`. Segments with no events are returned with zeros."""
    frame = segments.select(list(SEGMENT_SCHEMA)).cast(SEGMENT_SCHEMA)  # type: ignore[arg-type]
    connection.register("hiu_segments_frame", frame)
    try:
        counts = [
            f"COUNT(*) FILTER (WHERE e.service = {SERVICE_CODES[service]}) AS {activity}"
            for activity, service in EVENT_SERVICES.items()
        ]
        admissions = SERVICE_CODES[Service.EMERGENCY_ADMISSIONS]
        bed_days = (
            f"COALESCE(SUM(LEAST(e.dn + e.bed_days, s.end_dn) - e.dn) "
            f"FILTER (WHERE e.service = {admissions}), 0) AS bed_days"
        )
        found = connection.execute(
            f"SELECT s.row_id, s.seg, {', '.join(counts)}, {bed_days} "  # noqa: S608
            "FROM hiu_segments_frame AS s JOIN hiu_events AS e "
            "ON e.nhs_number = s.nhs_number AND e.dn >= s.start_dn AND e.dn < s.end_dn "
            "GROUP BY s.row_id, s.seg"
        ).pl()
    finally:
        connection.unregister("hiu_segments_frame")
    found = found.cast({"row_id": pl.Int64, "seg": pl.Int32, **dict.fromkeys(ACTIVITIES, pl.Int64)})
    return (
        frame.select("row_id", "seg")
        .join(found, on=["row_id", "seg"], how="left")
        .with_columns(pl.col(ACTIVITIES).fill_null(0))
        .sort("row_id", "seg")
    )


def last_contact(
    connection: duckdb.DuckDBPyConnection, rows: pl.DataFrame, look_back: int
) -> pl.DataFrame:
    """The day number of each row's last event of any kind in the ``look_back`` days before
    its ``index_dn`` (``row_id, nhs_number, index_dn``): ``row_id, last_dn``; rows with none
    are left out."""
    frame = rows.select(
        pl.col("row_id").cast(pl.Int64),
        pl.col("nhs_number").cast(pl.Int64),
        pl.col("index_dn").cast(pl.Int32),
    )
    connection.register("hiu_last_contact_frame", frame)
    try:
        found = connection.execute(
            "SELECT r.row_id, MAX(e.dn) AS last_dn FROM hiu_last_contact_frame AS r "
            "JOIN hiu_events AS e ON e.nhs_number = r.nhs_number "
            "AND e.dn < r.index_dn AND e.dn >= r.index_dn - ? GROUP BY r.row_id",
            [look_back],
        ).pl()
    finally:
        connection.unregister("hiu_last_contact_frame")
    return found.cast({"row_id": pl.Int64, "last_dn": pl.Int32})


def people_details(connection: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Sex, date of birth, IMD decile and date of death of the people in ``hiu_wanted``."""
    frame = connection.execute(
        "SELECT CAST(nhs_number AS BIGINT) AS nhs_number, CAST(sex AS VARCHAR) AS sex, "
        "CAST(date_of_birth AS DATE) AS date_of_birth, CAST(imd_decile AS INTEGER) AS imd_decile, "
        "CAST(date_of_death AS DATE) AS date_of_death FROM people "
        "WHERE TRY_CAST(nhs_number AS BIGINT) IN (SELECT nhs_number FROM hiu_wanted)"
    ).pl()
    return frame.unique("nhs_number", keep="first", maintain_order=True).sort("nhs_number")
