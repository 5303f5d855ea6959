"""How far each kind of activity has been imported: the day of the latest event in its table.

The store keeps no "extract period" of its own: each import adds rows, and a kind's table holds
every row imported so far. So the latest event's start day in a kind's table is as far as that
kind is known. Kinds are imported separately and often run to different days (the 111 extract
may come a month after the A&E one), so each kind is asked on its own.

The answer comes from the table file's footer (the row groups' statistics of the start
column), not from its rows: it costs the same for a national store as for a small one. Table
files never change once written (each import writes a new one), so footers are read once per
file and kept.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from hiu.schemas import ACTIVITY_KINDS, EXTRACTS
from hiu.store.store import Store, sql_string

_lock = threading.Lock()
_latest: dict[Path, dt.date | None] = {}
#: Files remembered; a store has one table per kind, plus those an import replaced.
MAX_FILES = 32


def imported_through(store: Store) -> dict[str, dt.date | None]:
    """For each activity kind, the day of its latest event in the store; ``None`` for a kind
    never imported (or imported with no dated rows)."""
    state = store.state()
    through: dict[str, dt.date | None] = {}
    for kind in ACTIVITY_KINDS:
        table = state.tables.get(kind)
        through[kind] = None if table is None else _latest_in(store.root / table.path, kind)
    return through


def _latest_in(path: Path, kind: str) -> dt.date | None:
    with _lock:
        if path in _latest:
            return _latest[path]
    latest = _read_latest(path, kind)
    with _lock:
        if len(_latest) >= MAX_FILES:
            _latest.clear()
        _latest[path] = latest
    return latest


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _read_latest(path: Path, kind: str) -> dt.date | None:
    column = EXTRACTS[kind].start
    assert column is not None
    file = pq.ParquetFile(path)
    metadata = file.metadata
    index = file.schema_arrow.get_field_index(column)
    latest: dt.date | None = None
    for group in range(metadata.num_row_groups):
        if index < 0:
            break
        statistics = metadata.row_group(group).column(index).statistics
        if statistics is None or not statistics.has_min_max:
            return _scan_latest(path, column)  # a file without statistics: read the column
        day = _as_date(statistics.max)
        if day is None:
            return _scan_latest(path, column)
        latest = day if latest is None else max(latest, day)
    return latest


def _scan_latest(path: Path, column: str) -> dt.date | None:
    connection = duckdb.connect(":memory:")
    try:
        # The column name comes from hiu.schemas, never from a file or a person.
        row = connection.execute(
            f"SELECT max(CAST({column} AS DATE)) FROM read_parquet({sql_string(path)})"
        ).fetchone()
    finally:
        connection.close()
    return _as_date(row[0]) if row else None
