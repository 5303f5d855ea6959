"""Reading one person's rows from a table file: only the row groups that can hold them.

Tables are sorted by NHS number, so each row group covers a narrow range of numbers and its
footer records that range. A lookup finds the one or two row groups whose range holds the
number and reads only those. Footers are parsed once per file and kept: in a national store
parsing the statistics of hundreds of row groups cost more than reading the rows, and table
files never change once written (each import writes a new one).
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from hiu.schemas import BATCH, ROW

#: Footers kept per thread; a store has one table per kind, plus the one an import replaced.
MAX_FILES = 16
INTERNAL = (BATCH, ROW)

_local = threading.local()


@dataclass(frozen=True)
class _Footer:
    file: pq.ParquetFile
    lows: list[str]
    highs: list[str]
    #: Row groups without statistics for the NHS number are always read.
    unbounded: list[int]


def person_rows(path: Path, nhs_number: str, columns: list[str] | None = None) -> pl.DataFrame:
    """The rows of ``path`` for ``nhs_number``, without the store's bookkeeping columns; only
    ``columns`` (those the file has, ``nhs_number`` always) when given: reading fewer columns
    of the same row groups is most of the cost saved."""
    footer = _footer(path)
    first = bisect.bisect_left(footer.highs, nhs_number)
    last = bisect.bisect_right(footer.lows, nhs_number)
    groups = sorted({*range(first, last), *footer.unbounded})
    names = footer.file.schema_arrow.names
    if columns is None:
        wanted = [c for c in names if c not in INTERNAL]
    else:
        wanted = ["nhs_number", *(c for c in columns if c in names and c != "nhs_number")]
    if groups:
        frame = pl.from_arrow(footer.file.read_row_groups(groups, columns=wanted))
    else:
        frame = pl.from_arrow(footer.file.schema_arrow.empty_table().select(wanted))
    assert isinstance(frame, pl.DataFrame)
    return frame.filter(pl.col("nhs_number") == nhs_number)


def _footer(path: Path) -> _Footer:
    # One cache per thread: a ParquetFile is not safe to read from two threads at once.
    cache: dict[Path, _Footer] | None = getattr(_local, "footers", None)
    if cache is None:
        cache = _local.footers = {}
    footer = cache.get(path)
    if footer is None:
        if len(cache) >= MAX_FILES:
            cache.clear()
        footer = cache[path] = _read_footer(path)
    return footer


def _read_footer(path: Path) -> _Footer:
    file = pq.ParquetFile(path)
    metadata = file.metadata
    column = file.schema_arrow.get_field_index("nhs_number")
    lows: list[str] = []
    highs: list[str] = []
    unbounded: list[int] = []
    for index in range(metadata.num_row_groups):
        statistics = metadata.row_group(index).column(column).statistics
        if statistics is None or not statistics.has_min_max:
            unbounded.append(index)
            # Keep the lists sorted and aligned: this group is found through ``unbounded``.
            lows.append(lows[-1] if lows else "")
            highs.append(highs[-1] if highs else "")
            continue
        lows.append(str(statistics.min))
        highs.append(str(statistics.max))
    return _Footer(file=file, lows=lows, highs=highs, unbounded=unbounded)
