"""The CSV slow path: records that are not plain, read by Python's csv module a line at a time,
padded or cut to the header, each with what was wrong with it."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence

import polars as pl

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.readers.sizes import MAX_RECORD_BYTES
from hiu.ingest.readers.source import OVERFLOW, WHITESPACE
from hiu.schemas import PROBLEM, ROW

# A lone carriage return inside a line is kept as a character, but Python's csv module would
# take it for a line ending; it stands in for one as this noncharacter while the line is split.
_CR_STAND_IN = "\ufdd0"
_LONE_CR = re.compile(r"\r(?!\n)")


def _raise_field_size_limit() -> None:
    # The csv module refuses fields over 128 kB by default; a record is bounded by
    # MAX_RECORD_BYTES instead. (The limit is process-wide; it is only ever raised.)
    if csv.field_size_limit() < MAX_RECORD_BYTES:
        csv.field_size_limit(MAX_RECORD_BYTES)


class _RecordText:
    """The lines of the record being read, as given to the csv module, to look at it again
    when it needs a closer look; and the guard against a record that never ends."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._line = 0
        self._texts: list[str] = []
        self._size = 0
        self.stand_in = False  # whether a lone carriage return was replaced in this record
        self.nul = False  # whether the record holds a NUL character

    def reset(self, line: int) -> None:
        self._line = line
        self._texts.clear()
        self._size = 0
        self.stand_in = False
        self.nul = False

    def add(self, text: str) -> str:
        """Keep a line of the record, and return it ready for the csv module."""
        self._size += len(text)
        if self._size > MAX_RECORD_BYTES:
            raise UnreadableFile(
                f"the row starting on line {self._line} of {self._name} is larger than "
                f"{MAX_RECORD_BYTES // 2**20} MB: a closing quote is probably missing"
            )
        if "\r" in text and _CR_STAND_IN not in text and _LONE_CR.search(text):
            text = _LONE_CR.sub(_CR_STAND_IN, text)
            self.stand_in = True
        if "\x00" in text:
            self.nul = True
        self._texts.append(text)
        return text

    def contains(self, char: str) -> bool:
        return any(char in text for text in self._texts)

    def text(self) -> str:
        return "".join(self._texts)

    def lines(self) -> list[str]:
        return list(self._texts)

    def ended_with_newline(self) -> bool:
        return bool(self._texts) and self._texts[-1].endswith("\n")


def _ends_inside_quotes(record: _RecordText, delimiter: str) -> bool:
    """Whether the last record of the file stops inside a quoted value.

    The csv module returns such a record as if the quote were closed. Read it again followed by
    a line of its own: if the record was complete that line is a second record; if not, it is
    swallowed into the open value.
    """
    lines = record.lines()
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    reparsed = list(csv.reader([*lines, "sentinel\n"], delimiter=delimiter, strict=False))
    return len(reparsed) < 2


class _SlowRows:
    """Records read by the csv module, padded or cut to the header, with their problems."""

    def __init__(self, width: int, delimiter: str) -> None:
        self._width = width
        self._delimiter = delimiter
        self._values: list[tuple[str | None, ...]] = []
        self._rows: list[int] = []
        self._problems: list[str | None] = []
        self._overflow: list[str | None] = []

    def add(
        self,
        values: list[str],
        line: int,
        problem: str | None,
        truncated: bool,
        record: _RecordText,
    ) -> None:
        width, count = self._width, len(values)
        if problem is None and not "".join(values).strip(WHITESPACE):
            return  # a blank line, or one of bare delimiters
        overflow = None
        # Tuples: the garbage collector stops tracking tuples of strings, so holding a block
        # of rows does not make every collection slower (lists would halve the speed).
        padded: tuple[str | None, ...] = tuple(values)
        if count != width:
            # Values beyond the header that are all empty (a trailing delimiter) lose nothing.
            if count > width and "".join(values[width:]).strip(WHITESPACE):
                overflow = self._delimiter.join(values[width:])
            if count < width or overflow is not None:
                problem = _join(problem, self._ragged(count, truncated))
            padded = (*values[:width], *((None,) * (width - count)))
        if record.nul:
            problem = _join(problem, "the row contains a NUL character: the file may be damaged")
        if record.stand_in:
            padded = tuple(_restore_cr(value) for value in padded)
            overflow = _restore_cr(overflow)
        self._values.append(padded)
        self._rows.append(line)
        self._problems.append(problem)
        self._overflow.append(overflow)

    def _ragged(self, count: int, truncated: bool) -> str:
        message = f"the row has {count} values; the header has {self._width}"
        if truncated and count < self._width:
            message += " (the file ends in this row: it may be truncated)"
        return message

    def frame(self, names: Sequence[str]) -> pl.DataFrame:
        frame = pl.DataFrame(
            self._values, schema=dict.fromkeys(names, pl.String), orient="row"
        ).with_columns(
            pl.Series(ROW, self._rows, dtype=pl.Int64),
            pl.Series(PROBLEM, self._problems, dtype=pl.String),
        )
        if any(value is not None for value in self._overflow):
            frame = frame.with_columns(pl.Series(OVERFLOW, self._overflow, dtype=pl.String))
        return frame


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _restore_cr(value: str | None) -> str | None:
    return value.replace(_CR_STAND_IN, "\r") if value and _CR_STAND_IN in value else value
