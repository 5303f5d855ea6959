"""What every reader shares: the opened file (:class:`Source`) and what its backend gives it,
the names and whitespace its chunks are made with, and the finishing of rows into a chunk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from hiu.schemas import PROBLEM, ROW

# ``ROW`` (hiu.schemas) is the CSV line a record starts on, the spreadsheet row, or for Parquet
# the record number plus one (as if the file had a header row). ``PROBLEM`` is null for a clean
# row.
#: Values beyond the header's columns, joined by the delimiter; present in a chunk only when a
#: row in it had such values.
OVERFLOW = "_overflow"

#: The characters stripped from the ends of every value and header: Unicode White_Space, which
#: is what Polars' ``str.strip_chars()`` strips, so Python code strips with ``strip(WHITESPACE)``
#: to agree with it exactly.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class Source:
    """An extract file, opened: what it is, its columns, and its rows in chunks.

    ``header`` is the column names as they appear in chunks (canonical names, then extra
    columns); ``original_header`` is the file's own headers, stripped. ``encoding`` and
    ``delimiter`` are what a CSV file was read with (``None`` for other formats);
    ``total_rows`` is the number of data rows when it is known without reading them all.
    """

    path: Path
    format: str
    header: tuple[str, ...]
    original_header: tuple[str, ...]
    encoding: str | None
    delimiter: str | None
    total_rows: int | None
    _backend: _Backend = field(repr=False, compare=False)

    def chunks(self, rows: int = 250_000) -> Iterator[pl.DataFrame]:
        """The data rows, ``rows`` at a time (the last chunk may be smaller).

        Every column is ``pl.String`` except ``_row`` (``pl.Int64``); ``_problem`` is always
        present and ``_overflow`` only in chunks that need it. A file with no data rows yields
        no chunks. Each call reads the file afresh. A CSV file may still raise
        :class:`UnreadableFile` here if one record runs past :data:`MAX_RECORD_BYTES`.
        """
        if rows < 1:
            raise ValueError("rows must be at least 1")
        pending: list[pl.DataFrame] = []
        count = 0
        for frame in self._backend.frames():
            if frame.height == 0:
                continue
            pending.append(frame)
            count += frame.height
            while count >= rows:
                merged = _concat(pending)
                yield _without_empty_overflow(merged.slice(0, rows))
                rest = merged.slice(rows)
                pending = [rest] if rest.height else []
                count = rest.height
        if count:
            yield _without_empty_overflow(_concat(pending))

    def progress_fraction(self) -> float | None:
        """How far the latest :meth:`chunks` has read, from 0 to 1, for a progress bar."""
        return self._backend.progress()


class _Backend(Protocol):
    def frames(self) -> Iterator[pl.DataFrame]:
        """Finished frames (see :func:`_finish`) in file order, of any size."""
        ...

    def progress(self) -> float | None: ...


# ------------------------------------------------------------------------ finishing frames


def _clean(name: str) -> pl.Expr:
    """Strip a text column; what is left empty becomes null."""
    stripped = pl.col(name).str.strip_chars()
    return pl.when(stripped != "").then(stripped).alias(name)


def _finish(frame: pl.DataFrame, names: Sequence[str], *, clean: bool = True) -> pl.DataFrame:
    """Strip every value, null the empty ones, drop blank rows, put the columns in order.

    ``frame`` holds the data columns (``names``, all text) and ``_row``, and may hold
    ``_problem`` and ``_overflow``. A row is blank, and dropped, when it has no value at all
    and no problem: such rows (blank lines, lines of bare delimiters, empty spreadsheet rows)
    carry nothing to import or reject. ``clean=False`` skips the stripping, for text known to
    have no whitespace and no empty strings (it is a third of the time of reading a CSV file).
    """
    lazy = frame.lazy()  # lazily, so each column is stripped once, not once per use
    if PROBLEM not in frame.columns:
        lazy = lazy.with_columns(pl.lit(None, dtype=pl.String).alias(PROBLEM))
    texts = [*names, OVERFLOW] if OVERFLOW in frame.columns else list(names)
    if clean:
        lazy = lazy.with_columns([_clean(name) for name in texts])
    has_value = pl.any_horizontal([pl.col(name).is_not_null() for name in texts])
    order = [*names, ROW, PROBLEM] + ([OVERFLOW] if OVERFLOW in frame.columns else [])
    return lazy.filter(has_value | pl.col(PROBLEM).is_not_null()).select(order).collect()


def _concat(frames: Sequence[pl.DataFrame]) -> pl.DataFrame:
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal")


def _without_empty_overflow(frame: pl.DataFrame) -> pl.DataFrame:
    if OVERFLOW in frame.columns and frame[OVERFLOW].null_count() == frame.height:
        return frame.drop(OVERFLOW)
    return frame
