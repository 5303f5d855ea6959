"""Reading a CSV (or tab-separated) file: its header, delimiter and layout, and its records in
blocks, by the fast path where a stretch is plain and by the slow path where it is not (see the
package docstring)."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import polars as pl

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile
from hiu.ingest.readers.encoding import _decoder, _scan_encoding, _to_utf8
from hiu.ingest.readers.fast_path import _Plan, _Planner
from hiu.ingest.readers.headers import column_names
from hiu.ingest.readers.sizes import BLOCK_BYTES, MAX_HEADER_BYTES, MAX_RECORD_BYTES, SLOW_BYTES
from hiu.ingest.readers.slow_path import (
    _ends_inside_quotes,
    _raise_field_size_limit,
    _RecordText,
    _SlowRows,
)
from hiu.ingest.readers.source import WHITESPACE, Source, _finish
from hiu.schemas import ROW, Extract


@dataclass(frozen=True)
class _CsvLayout:
    """What opening a CSV file learned about it."""

    encoding: str  # the label: utf-8, utf-8-sig, cp1252 or mixed
    delimiter: str
    data_offset: int  # byte offset of the first line after the header
    data_line: int  # the line number of that line
    original: tuple[str, ...]


def _open_csv(path: Path, extract: Extract, profile: Profile | None, block: int) -> Source:
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(64 * 1024)
    _check_looks_like_text(head, path.name)
    bom = head.startswith(codecs.BOM_UTF8)
    start = len(codecs.BOM_UTF8) if bom else 0
    forced = profile.encoding if profile is not None else None
    encoding = _scan_encoding(path, start, forced, bom, block)
    forced_delimiter = profile.delimiter if profile is not None else None
    layout = _read_csv_header(path, start, encoding, forced_delimiter)
    names = column_names(layout.original, extract, profile, path.name)
    backend = _CsvBackend(path, size, layout, names, block)
    return Source(
        path=path,
        format="csv",
        header=names,
        original_header=layout.original,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        total_rows=None,
        _backend=backend,
    )


def _check_looks_like_text(head: bytes, name: str) -> None:
    """Refuse, with a helpful message, files that are plainly not CSV text."""
    if head.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            f"{name} is a zip file, probably an Excel workbook: name it .xlsx, or save it as CSV"
        )
    if head.startswith(b"PAR1"):
        raise UnreadableFile(f"{name} is a Parquet file: name it .parquet")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) >= 4 and head.count(b"\x00") * 3 >= len(head)
    ):
        raise UnreadableFile(
            f"{name} is UTF-16 text (Excel calls it 'Unicode Text'), which cannot be read: "
            "save it as CSV UTF-8"
        )
    if b"\x00" in head.split(b"\n", 1)[0]:
        raise UnreadableFile(f"{name} does not look like a text file: its first line has NUL bytes")
    if b"\n" not in head and b"\r" in head.rstrip(b"\r"):
        raise UnreadableFile(
            f"{name} ends its lines with a carriage return only (an old Mac format): save it "
            "again as CSV with Windows or Unix line endings"
        )
    if not head.strip():
        raise UnreadableFile(f"{name} is empty: it has no header row, only blank lines")


def _sniff_delimiter(line: str, suffix: str) -> str:
    """Comma or tab, whichever the header line has more of outside quotes."""
    outside = re.sub(r'"[^"]*"', "", line)
    commas, tabs = outside.count(","), outside.count("\t")
    if commas == tabs:
        return "\t" if suffix == ".tsv" else ","
    return "," if commas > tabs else "\t"


class _ByteReader:
    """A file read forward in large blocks, as whole lines or as spans of bytes.

    ``offset`` is the byte offset and ``line`` the line number of the next unread byte.
    """

    def __init__(self, file: IO[bytes], name: str, offset: int, line: int, block: int) -> None:
        self._file = file
        self.name = name
        self.block = block
        self._buffer = b""
        self._position = 0
        self.offset = offset
        self.line = line
        self.eof = False

    def available(self) -> int:
        return len(self._buffer) - self._position

    def fill(self, wanted: int) -> None:
        """Buffer at least ``wanted`` unread bytes, or all that is left."""
        while self.available() < wanted and not self.eof:
            data = self._file.read(max(wanted - self.available(), self.block))
            if not data:
                self.eof = True
                break
            self._buffer = self._buffer[self._position :] + data
            self._position = 0

    def peek(self) -> bytes:
        """All the unread bytes buffered (compacting the buffer first, so no copy later)."""
        if self._position:
            self._buffer = self._buffer[self._position :]
            self._position = 0
        return self._buffer

    def consume(self, size: int, lines: int) -> None:
        self._position += size
        self.offset += size
        self.line += lines

    def readline(self) -> bytes | None:
        """The next physical line with its line feed; at the end, what is left, or None."""
        searched = self._position
        while True:
            end = self._buffer.find(b"\n", searched)
            if end >= 0:
                line = self._buffer[self._position : end + 1]
                self.consume(len(line), 1)
                return line
            if self.eof:
                if not self.available():
                    return None
                line = self._buffer[self._position :]
                self.consume(len(line), 0)
                return line
            if self.available() > MAX_RECORD_BYTES:
                raise UnreadableFile(
                    f"line {self.line} of {self.name} is longer than "
                    f"{MAX_RECORD_BYTES // 2**20} MB: the file may be binary or damaged"
                )
            searched = len(self._buffer)
            before = self._position
            # Double the buffer each time, so a long line costs linear time.
            self.fill(max(2 * self.available(), self.block))
            searched -= before - self._position


def _read_csv_header(
    path: Path, start: int, encoding: str, forced_delimiter: str | None
) -> _CsvLayout:
    decode = _decoder(encoding)
    with path.open("rb") as file:
        file.seek(start)
        reader = _ByteReader(file, path.name, start, 1, BLOCK_BYTES)
        first = None
        while (raw := reader.readline()) is not None:
            text = decode(raw)
            if text.strip(WHITESPACE):
                first = text
                break
        if first is None:
            raise UnreadableFile(f"{path.name} is empty: it has no header row, only blank lines")
        delimiter = forced_delimiter or _sniff_delimiter(first, path.suffix.lower())

        header_start = reader.offset

        def lines() -> Iterator[str]:
            yield first
            while (raw := reader.readline()) is not None:
                if reader.offset - header_start > MAX_HEADER_BYTES:
                    raise UnreadableFile(
                        f"{path.name}: the header row never ends: a closing quote is missing"
                    )
                yield decode(raw)

        _raise_field_size_limit()
        try:
            record = next(csv.reader(lines(), delimiter=delimiter, quotechar='"', strict=False))
        except csv.Error:
            raise UnreadableFile(
                f"{path.name}: the header row cannot be split into column names"
            ) from None
        original = tuple(value.strip(WHITESPACE) for value in record)
        return _CsvLayout(encoding, delimiter, reader.offset, reader.line, original)


class _Pace:
    """How much the csv module reads when the fast path cannot: a little at first, so that one
    bad row does not slow the rest of the file down; twice as much each time bad rows keep
    coming, so that a file of bad rows does not pay for a failed fast attempt every few rows."""

    def __init__(self, block: int) -> None:
        self._block = block
        self._streak = 0  # slow reads since the fast path last read a long plain stretch
        self.trouble_ahead = False  # the fast path stopped just before a bad record

    @property
    def probe(self) -> bool:
        return self._streak > 0

    def slow_span(self) -> int:
        span = min(self._block, SLOW_BYTES << min(self._streak, 16))
        self._streak += 1
        self.trouble_ahead = False
        return span

    def read_fast(self, plan: _Plan) -> None:
        # A plan cut short stops before a bad record, which the csv module reads next; bad
        # records are few if the plain stretch before it was long.
        self.trouble_ahead = plan.short
        if not plan.short or plan.size >= SLOW_BYTES << min(self._streak, 16):
            self._streak = 0


class _CsvBackend:
    def __init__(
        self, path: Path, size: int, layout: _CsvLayout, names: tuple[str, ...], block: int
    ) -> None:
        self._path = path
        self._block = block
        self._size = max(size, 1)
        self._layout = layout
        self._names = names
        self._schema = dict.fromkeys(names, pl.String)
        self._decode = _decoder(layout.encoding)
        self._planner = _Planner(len(names), layout.delimiter, layout.encoding)
        self._progress = 0.0

    def progress(self) -> float | None:
        return self._progress

    def frames(self) -> Iterator[pl.DataFrame]:
        self._progress = 0.0
        with self._path.open("rb") as file:
            file.seek(self._layout.data_offset)
            reader = _ByteReader(
                file, self._path.name, self._layout.data_offset, self._layout.data_line, self._block
            )
            pace = _Pace(self._block)
            while True:
                reader.fill(self._block)
                if not reader.available():
                    break
                plan = None if pace.trouble_ahead else self._plan_some(reader, probe=pace.probe)
                frame = self._fast_step(reader, plan) if plan is not None else None
                if frame is None:
                    frame = _finish(self._slow_step(reader, pace.slow_span()), self._names)
                else:
                    assert plan is not None
                    pace.read_fast(plan)
                self._progress = min(reader.offset / self._size, 1.0)
                yield frame
        self._progress = 1.0

    def _plan_some(self, reader: _ByteReader, *, probe: bool) -> _Plan | None:
        """A plan for the buffer; failing that, for the plain records before the first one that
        is not (which the csv module then reads); None if the very first record is not.

        With ``probe`` (while bad records keep coming), look at the first SLOW_BYTES first, so
        that a buffer that starts badly costs little to turn down.
        """
        buffered = reader.peek()
        if probe and len(buffered) > SLOW_BYTES:
            tried = self._planner.plan(buffered, False, SLOW_BYTES)
            if isinstance(tried, int):
                return self._plan_some_before(buffered, tried)
        return self._plan_some_before(
            buffered, self._planner.plan(buffered, reader.eof, len(buffered))
        )

    def _plan_some_before(self, buffered: bytes, plan: _Plan | int) -> _Plan | None:
        if isinstance(plan, int) and plan > 0:
            plan = self._planner.plan(buffered, False, plan)
        return plan if isinstance(plan, _Plan) else None

    # -- the fast path: Polars splits a stretch a vectorised pass has vouched for

    def _fast_step(self, reader: _ByteReader, plan: _Plan) -> pl.DataFrame | None:
        buffered = reader.peek()
        if plan.records == 0:
            reader.consume(plan.size, plan.lines)
            return _finish(self._empty_frame(), self._names)
        whole = plan.skip == 0 and plan.size == len(buffered)
        block = buffered if whole else buffered[plan.skip : plan.size]
        try:
            frame = pl.read_csv(
                _to_utf8(block, self._layout.encoding),
                has_header=False,
                separator=self._layout.delimiter,
                quote_char='"',
                infer_schema=False,
                schema=self._schema,
                raise_if_empty=False,
                truncate_ragged_lines=False,
            )
        except pl.exceptions.PolarsError:
            return None
        if frame.height != plan.records:
            return None  # never expected; the csv module will read this stretch instead
        if plan.record_lines is None:
            rows = pl.int_range(reader.line, reader.line + plan.records, dtype=pl.Int64)
        else:
            rows = pl.lit(pl.Series(values=plan.record_lines + reader.line, dtype=pl.Int64))
        reader.consume(plan.size, plan.lines)
        return _finish(frame.with_columns(rows.alias(ROW)), self._names, clean=plan.clean)

    def _empty_frame(self) -> pl.DataFrame:
        return pl.DataFrame(schema={**self._schema, ROW: pl.Int64})

    def _slow_step(self, reader: _ByteReader, span: int) -> pl.DataFrame:
        """Read whole records with the csv module until ``span`` bytes are read."""
        _raise_field_size_limit()
        record = _RecordText(self._path.name)
        delimiter = self._layout.delimiter
        parser = csv.reader(self._lines(reader, record), delimiter=delimiter, strict=False)
        rows = _SlowRows(len(self._names), delimiter)
        start = reader.offset
        while reader.offset - start < span:
            line = reader.line
            record.reset(line)
            problem = None
            try:
                values = next(parser)
            except StopIteration:
                break
            except csv.Error:
                values = record.text().rstrip("\r\n").split(delimiter)
                problem = "the row could not be split into values"
            at_end = reader.eof and not reader.available()
            if at_end and record.contains('"') and _ends_inside_quotes(record, delimiter):
                problem = "the file ends inside a quoted value: it may be truncated"
            truncated = at_end and not record.ended_with_newline()
            rows.add(values, line, problem, truncated, record)
        return rows.frame(self._names)

    def _lines(self, reader: _ByteReader, record: _RecordText) -> Iterator[str]:
        """The physical lines from the reader's position, decoded, each consumed as it is
        given out (so the reader stays exactly after the last record read). Lines are split
        off the buffer a block at a time, which is much faster than one ``readline`` each."""
        decode = self._decode
        while True:
            buffered = reader.peek()
            cut = buffered.rfind(b"\n") + 1
            # No whole line buffered: readline reads on (or gives the last, unended line).
            pieces = buffered[:cut].split(b"\n")[:-1] if cut else None
            if pieces is None:
                raw = reader.readline()
                if raw is None:
                    return
                yield record.add(decode(raw))
                continue
            for raw in pieces:
                reader.consume(len(raw) + 1, 1)
                yield record.add(decode(raw) + "\n")
