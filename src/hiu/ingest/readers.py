"""Reading activity extracts (CSV, Excel XLSX, Parquet) as text, in chunks, with row numbers.

Readers do not judge values: every value comes out as text exactly as the file has it (stripped
of surrounding whitespace; empty cells are null), so that "00123" stays "00123" and
"=HYPERLINK(...)" stays plain text. The validator decides what a value means. What readers do
decide is everything about the file itself: its encoding and delimiter, which physical line or
spreadsheet row each record came from (``_row``), which rows could not be split cleanly
(``_problem``), and whether the file can be read at all (:class:`UnreadableFile`).

Headers are renamed to canonical column names: first by the mapping profile's ``[columns]``,
then by normalising ("Attendance ID" means ``attendance_id``). Other headers are kept as extra
columns under their own names.

CSV files are streamed, so memory stays bounded whatever the file size. Clean stretches of a file
are split by Polars after a vectorised pass over the bytes has found where each record starts
(and so its line number) and checked that the stretch is plain, well-quoted CSV; any stretch
that is not (a stray quote inside a value, a row with the wrong number of values, a carriage
return on its own) is read by Python's csv module instead, line by line, which handles every
irregularity the same way for every file. docs/profiles.md describes the rules for users.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import fastexcel
import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile
from hiu.schemas import PROBLEM, ROW, Extract

# ``ROW`` (hiu.schemas) is the CSV line a record starts on, the spreadsheet row, or for Parquet
# the record number plus one (as if the file had a header row). ``PROBLEM`` is null for a clean
# row.
#: Values beyond the header's columns, joined by the delimiter; present in a chunk only when a
#: row in it had such values.
OVERFLOW = "_overflow"

#: File extensions read, by format.
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}

#: The characters stripped from the ends of every value and header: Unicode White_Space, which
#: is what Polars' ``str.strip_chars()`` strips, so Python code strips with ``strip(WHITESPACE)``
#: to agree with it exactly.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Bytes read from a CSV file at a time, and so roughly the text handed to Polars at once.
BLOCK_BYTES = 16 * 1024 * 1024
#: The least the csv module reads when the fast path cannot (see _CsvBackend.frames).
SLOW_BYTES = 64 * 1024
#: A header row longer than this is not a header: a quote in it is never closed.
MAX_HEADER_BYTES = 4 * 1024 * 1024
#: A single record larger than this means a closing quote is missing somewhere: stop there,
#: rather than read the rest of a large file into memory as one value. (Python's csv module
#: holds a value at four bytes a character, so this bounds memory at a few hundred MB.)
MAX_RECORD_BYTES = 64 * 1024 * 1024

_NEWLINE, _CR, _QUOTE = ord("\n"), ord("\r"), ord('"')
# A lone carriage return inside a line is kept as a character, but Python's csv module would
# take it for a line ending; it stands in for one as this noncharacter while the line is split.
_CR_STAND_IN = "\ufdd0"
_LONE_CR = re.compile(r"\r(?!\n)")
# Calamine writes a date-formatted cell as "2024-03-05 14:30:00[.fff]"; the time of a
# time-only cell is on Excel's day zero, 1899-12-31.
_EXCEL_MOMENT = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$"
_EXCEL_DAY_ZERO = "1899-12-31"

IntArray = npt.NDArray[np.int64]


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


def open_source(
    path: Path,
    extract: Extract,
    profile: Profile | None = None,
    *,
    block_bytes: int = BLOCK_BYTES,
) -> Source:
    """Open an extract file of kind ``extract``, read its header and check it can be imported.

    Raises :class:`UnreadableFile`, with a message naming columns but never a value from a row,
    when nothing in the file could be imported: it is missing, empty, of an unknown kind,
    damaged, binary or in an unsupported encoding; it lacks a required column; a column name
    appears twice; or ``profile`` does not fit ``extract``. ``block_bytes`` is how much of a CSV
    file is read at a time; only tests need another value, to cross block boundaries often.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path.name} does not exist or is not a file")
    suffix = path.suffix.lower()
    kind = FORMATS.get(suffix)
    if kind is None:
        raise UnreadableFile(_unknown_extension(path))
    if profile is not None and profile.kind not in (None, extract.kind):
        raise UnreadableFile(
            f"profile {profile.name!r} is for {profile.kind} files, not {extract.kind}"
        )
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name} is empty: it has no header row")
    if kind == "csv":
        return _open_csv(path, extract, profile, max(block_bytes, 1))
    if kind == "xlsx":
        return _open_xlsx(path, extract, profile)
    return _open_parquet(path, extract, profile)


def _unknown_extension(path: Path) -> str:
    shown = ", ".join(FORMATS)
    if path.suffix.lower() in (".xls", ".xlsm", ".xlsb", ".ods"):
        return (
            f"{path.name} is a {path.suffix} workbook, which cannot be read: save it as an "
            "Excel workbook (.xlsx) or as CSV UTF-8"
        )
    ending = f"ending {path.suffix}" if path.suffix else "without an extension"
    return f"{path.name}: files {ending} cannot be read; the file names may end {shown}"


# --------------------------------------------------------------------------- header names


def normalise(header: str) -> str:
    """A header as compared with canonical names: "Attendance ID" -> "attendance_id"."""
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def column_names(
    original: Sequence[str], extract: Extract, profile: Profile | None, file_name: str
) -> tuple[str, ...]:
    """The names the file's columns take in chunks, checked; see the module docstring."""
    canonical = {normalise(name): name for name in extract.names}
    names: list[str] = []
    for position, header in enumerate(original, start=1):
        mapped = profile.canonical_for(header) if profile is not None and header else None
        if mapped is not None and mapped not in extract.names:
            assert profile is not None
            raise UnreadableFile(
                f"profile {profile.name!r} maps column {header!r} to {mapped!r}, which is not "
                f"a column of {extract.kind}; the columns are {', '.join(extract.names)}"
            )
        if mapped is None:
            mapped = canonical.get(normalise(header)) if header else None
        if mapped is None:
            mapped = header or f"column_{position}"
            if mapped.startswith("_"):
                mapped = f"extra{mapped}"
        names.append(mapped)
    _check_duplicates(names, original, file_name)
    _check_required(names, original, extract, file_name)
    return tuple(names)


#: Header cells like these are probably values (an NHS number, a date, a phone number, an
#: e-mail address), not column names: error messages never quote them.
_VALUE_LIKE = re.compile(r"\d{4}|@|^\d[\d\s/.:-]*$")


def _looks_like_a_value(header: str) -> bool:
    return bool(_VALUE_LIKE.search(header)) or len(header) > 60


def _shown_header(header: str) -> str:
    return "(a value, not shown)" if _looks_like_a_value(header) else repr(header)


def _check_duplicates(names: Sequence[str], original: Sequence[str], file_name: str) -> None:
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(position)
    for name, where in positions.items():
        if len(where) < 2:
            continue
        times = "twice" if len(where) == 2 else f"{len(where)} times"
        listed = ", ".join(str(p) for p in where[:-1]) + f" and {where[-1]}"
        message = f"{file_name}: column {name!r} appears {times} (columns {listed})"
        headers = [original[p - 1] for p in where]
        if any(header != name for header in headers):
            shown = ", ".join(_shown_header(h) for h in headers)
            message += f"; the headers {shown} all mean {name}"
        raise UnreadableFile(message)


def _check_required(
    names: Sequence[str], original: Sequence[str], extract: Extract, file_name: str
) -> None:
    missing = [name for name in extract.required if name not in names]
    if not missing:
        return
    message = (
        f"{file_name} has no column for {', '.join(missing)}, which {extract.title} extracts "
        "must have."
    )
    values = sum(_looks_like_a_value(header) for header in original)
    recognised = set(names) & set(extract.names)
    if original and (values * 2 >= len(original) or (values and not recognised)):
        # Never list them: in a file without a header row they are a patient's details.
        message += (
            " Its first row looks like data rather than column names: the file may have no "
            "header row."
        )
    else:
        found = ", ".join(_shown_header(header) for header in original) or "(none)"
        message += f" The columns found are: {found}."
    if len(original) == 1:
        other = next((d for d in (";", "|") if d in original[0]), None)
        if other is not None:
            message += (
                f" The header is one column containing {other!r}: the file seems to use "
                f"{other!r} between values, but only commas and tabs are supported."
            )
    raise UnreadableFile(message)


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


# --------------------------------------------------------------------------------- CSV


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


def _scan_encoding(path: Path, start: int, forced: str | None, bom: bool, block: int) -> str:
    """The file's encoding label, from one pass over the whole file.

    Without a profile's say-so: UTF-8 (``utf-8-sig`` with a byte order mark) when every line is
    UTF-8; Windows-1252 when no line is UTF-8 with non-ASCII characters but some are not UTF-8;
    "mixed" when both kinds of line occur (each line is then decoded in whichever it is valid).
    A line valid in neither makes the file unreadable, as does a line not valid in the
    encoding a profile insists on. Plain ASCII, most of most files, is skipped at memory speed.
    """
    seen = _EncodingsSeen(path, start, forced)
    with path.open("rb") as file:
        file.seek(start)
        offset = start
        carry = b""
        while data := file.read(block):
            data = carry + data if carry else data
            carry = b""
            if data.isascii():
                offset += len(data)
                continue
            # Decide line by line, so cut the block after its last line feed.
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            seen.block(data[:cut], offset)
            offset += cut
            carry = data[cut:]
        if carry:
            seen.block(carry, offset)
    if forced == "cp1252":
        return "cp1252"
    if seen.other:
        return "mixed" if seen.utf8 else "cp1252"
    return "utf-8-sig" if bom else "utf-8"


class _EncodingsSeen:
    """What the encoding scan has met so far; refuses a line no allowed encoding can read."""

    def __init__(self, path: Path, start: int, forced: str | None) -> None:
        self._path = path
        self._start = start
        self._forced = forced
        self.utf8 = False  # a line of valid UTF-8 with non-ASCII characters
        self.other = False  # a line that is not UTF-8

    def block(self, block: bytes, offset: int) -> None:
        if block.isascii():
            return
        if self._forced == "cp1252":
            self._decode_or_refuse(block, offset, "cp1252", "Windows-1252")
            return
        try:
            block.decode("utf-8")
            self.utf8 = True
            return
        except UnicodeDecodeError as error:
            if self._forced is not None:
                line = self._line_at(offset + error.start)
                raise UnreadableFile(
                    f"line {line} of {self._path.name} is not UTF-8 text, but the profile says "
                    "the file is UTF-8"
                ) from None
        position = offset
        for raw in block.split(b"\n"):
            if not raw.isascii():
                try:
                    raw.decode("utf-8")
                    self.utf8 = True
                except UnicodeDecodeError:
                    self.other = True
                    self._decode_or_refuse(raw, position, "cp1252", "UTF-8 or Windows-1252")
            position += len(raw) + 1

    def _decode_or_refuse(self, data: bytes, offset: int, encoding: str, what: str) -> None:
        try:
            data.decode(encoding)
        except UnicodeDecodeError as error:
            line = self._line_at(offset + error.start)
            raise UnreadableFile(
                f"line {line} of {self._path.name} is not {what} text: the file may be binary "
                "or damaged; save it as CSV UTF-8"
            ) from None

    def _line_at(self, offset: int) -> int:
        """The line number of a byte offset (only needed for an error, so read again)."""
        with self._path.open("rb") as file:
            file.seek(self._start)
            line, remaining = 1, offset - self._start
            while remaining > 0 and (data := file.read(min(remaining, BLOCK_BYTES))):
                line += data.count(b"\n")
                remaining -= len(data)
        return line


def _decoder(encoding: str) -> Callable[[bytes], str]:
    """How a line is decoded under an encoding label (see :func:`_scan_encoding`)."""
    if encoding == "cp1252":
        return lambda raw: raw.decode("cp1252", errors="replace")
    if encoding == "mixed":
        return _decode_mixed
    return lambda raw: raw.decode("utf-8", errors="replace")


def _decode_mixed(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _to_utf8(block: bytes, encoding: str) -> bytes:
    """A block of whole lines as UTF-8, for Polars. Line structure is unchanged: every encoding
    here writes newlines, quotes and delimiters as the same single ASCII bytes."""
    if block.isascii() or encoding in ("utf-8", "utf-8-sig"):
        return block
    if encoding == "cp1252":
        return block.decode("cp1252", errors="replace").encode("utf-8")
    try:
        block.decode("utf-8")
        return block
    except UnicodeDecodeError:
        return b"\n".join(_decode_mixed(raw).encode("utf-8") for raw in block.split(b"\n"))


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


def _raise_field_size_limit() -> None:
    # The csv module refuses fields over 128 kB by default; a record is bounded by
    # MAX_RECORD_BYTES instead. (The limit is process-wide; it is only ever raised.)
    if csv.field_size_limit() < MAX_RECORD_BYTES:
        csv.field_size_limit(MAX_RECORD_BYTES)


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


@dataclass(frozen=True)
class _Plan:
    """A leading stretch of the buffer that Polars can split: its length in bytes, the number of
    line feeds in it, the records Polars is given (after any leading blank lines) and the
    offset in lines of each from the stretch's start, and whether values may need stripping."""

    size: int
    short: bool  # made for part of the buffer only: what follows it is not plain
    skip: int  # leading bytes of blank lines, not given to Polars
    lines: int
    records: int
    record_lines: IntArray | None  # None: one record per line
    clean: bool


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
        self._delimiter = layout.delimiter.encode()
        self._delimiter_byte = ord(layout.delimiter)
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
            tried = self._plan(buffered, False, SLOW_BYTES)
            if isinstance(tried, int):
                return self._plan_some_before(buffered, tried)
        return self._plan_some_before(buffered, self._plan(buffered, reader.eof, len(buffered)))

    def _plan_some_before(self, buffered: bytes, plan: _Plan | int) -> _Plan | None:
        if isinstance(plan, int) and plan > 0:
            plan = self._plan(buffered, False, plan)
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

    def _plan(self, buffered: bytes, eof: bool, limit: int) -> _Plan | int:
        """The leading stretch of ``buffered[:limit]`` made of whole, plain records; if it is
        not all plain, the offset of the first record that is not.

        Plain means: quotes only open at the start of a value and close at its end (or are
        doubled inside it), so counting quotes tells whether a byte is inside a quoted value;
        no carriage return except before a line feed; no NUL; and every non-blank record has
        exactly one value per header. Anything else goes to the csv module. Each test is one
        vectorised pass over the bytes, and the rarer ones run only when a cheap count says
        they are needed.
        """
        data = np.frombuffer(buffered, dtype=np.uint8, count=limit)
        newlines = np.flatnonzero(data == _NEWLINE)
        quoted = buffered.find(b'"', 0, limit) >= 0
        quotes = np.flatnonzero(data == _QUOTE) if quoted else newlines[:0]
        # A line feed ends a record unless it is inside quotes (after an odd number of them).
        ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0] if quoted else newlines
        if eof:
            if quotes.size % 2:
                return int(ends[-1]) + 1 if ends.size else 0  # the file ends inside quotes
            size = data.size
            if ends.size == 0 or ends[-1] != size - 1:
                ends = np.append(ends, size)  # the last line has no line feed
        elif ends.size:
            size = int(ends[-1]) + 1
        else:
            return 0  # one record longer than the buffer
        if size < data.size:
            data, newlines, quotes = data[:size], newlines[newlines < size], quotes[quotes < size]
        spaces = self._whitespace(buffered, data, int(newlines.size))
        if spaces is None:
            return _record_start(ends, _first_nul_or_lone_cr(buffered, data))
        if quoted and (bad := self._first_bad_quote(data, quotes)) >= 0:
            return _record_start(ends, bad)
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts
        blank = (lengths == 0) | ((lengths == 1) & (data[np.minimum(starts, size - 1)] == _CR))
        # Every record that is not blank must have one value per header. Polars refuses a
        # record with too many, so if the total is right, none has too few either.
        records = int(starts.size - np.count_nonzero(blank))
        if self._delimiters_outside(buffered, data, quotes) != (len(self._names) - 1) * records:
            return self._first_ragged(data, quotes, starts, ends, blank)
        # Polars takes the number of values from the first line, so start it after any blank
        # lines (they hold nothing anyway).
        first = int(np.argmin(blank)) if records else starts.size
        record_lines = None
        if quoted or first:
            record_lines = np.searchsorted(newlines, starts[first:]).astype(np.int64)
        # Values need stripping only if there is whitespace at their edges, or a quoted "".
        clean = spaces or (quoted and _quoted_need_cleaning(data, quotes))
        return _Plan(
            size=size,
            short=limit < len(buffered),
            skip=int(starts[first]) if records else size,
            lines=int(newlines.size),
            records=int(starts.size) - first,
            record_lines=record_lines,
            clean=clean,
        )

    def _first_ragged(
        self,
        data: npt.NDArray[np.uint8],
        quotes: IntArray,
        starts: IntArray,
        ends: IntArray,
        blank: npt.NDArray[np.bool_],
    ) -> int:
        """The offset of the first non-blank record without one value per header."""
        positions = np.flatnonzero(data == self._delimiter_byte)
        if quotes.size:
            positions = positions[(np.searchsorted(quotes, positions) & 1) == 0]
        counts = np.diff(np.searchsorted(positions, ends), prepend=0) + 1
        ragged = np.flatnonzero((counts != len(self._names)) & ~blank)
        # No such record means Polars would have refused one (more values than fields); it
        # cannot be found here, so leave the whole stretch to the csv module.
        return int(starts[ragged[0]]) if ragged.size else 0

    def _whitespace(
        self, buffered: bytes, data: npt.NDArray[np.uint8], newlines: int
    ) -> bool | None:
        """Whether values in ``data`` may have whitespace at their edges; None when it holds a
        NUL or a lone carriage return, which the csv module must read.

        Bytes up to the space are line feeds, tab delimiters, the CR of CRLF, spaces, and
        anything else (whitespace, control characters); counting each kind is cheap, and the
        positions of spaces are only looked at when there are some.
        """
        low = int(np.count_nonzero(data <= ord(" ")))
        known = newlines
        if self._delimiter_byte == ord("\t"):
            known += int(np.count_nonzero(data == ord("\t")))
        if low > known:
            returns = int(np.count_nonzero(data == _CR))
            if returns and _lone_crs(data).size:
                return None
            known += returns  # each one half of a CRLF line ending
        spaces = int(np.count_nonzero(data == ord(" "))) if low > known else 0
        if low > known + spaces:
            if buffered.find(b"\x00", 0, data.size) >= 0:
                return None
            return True  # a tab, vertical tab, form feed or other control character
        if spaces and self._spaces_at_edges(data):
            return True
        return not buffered.isascii() and _has_unicode_space(data, self._layout.encoding)

    def _spaces_at_edges(self, data: npt.NDArray[np.uint8]) -> bool:
        spaces = np.flatnonzero(data == ord(" "))
        before = data[np.maximum(spaces - 1, 0)]
        after = data[np.minimum(spaces + 1, data.size - 1)]
        edges = np.array([self._delimiter_byte, _NEWLINE, _CR, _QUOTE], dtype=np.uint8)
        return bool(
            spaces[0] == 0
            or spaces[-1] == data.size - 1
            or np.isin(before, edges).any()
            or np.isin(after, edges).any()
        )

    def _delimiters_outside(
        self, buffered: bytes, data: npt.NDArray[np.uint8], quotes: IntArray
    ) -> int:
        """The number of delimiters outside quoted values."""
        if quotes.size == 0:
            return buffered.count(self._delimiter, 0, data.size)
        positions = np.flatnonzero(data == self._delimiter_byte)
        # How many delimiters come before each quote: the difference across a quoted value
        # (between its opening and closing quote) is the number inside it.
        before = np.searchsorted(positions, quotes)
        return int(positions.size - (before[1::2] - before[0::2]).sum())

    def _first_bad_quote(self, data: npt.NDArray[np.uint8], quotes: IntArray) -> int:
        """The offset of the first quote that does not open or close a value, or -1."""
        boundaries = np.array([self._delimiter_byte, _NEWLINE, _QUOTE], dtype=np.uint8)
        opening, closing = quotes[0::2], quotes[1::2]
        # An opening quote starts a value (or is the second of a doubled quote).
        before = data[np.maximum(opening - 1, 0)]
        opens_ok = (opening == 0) | np.isin(before, boundaries)
        # A closing quote ends a value (or is the first of a doubled quote).
        after_index = closing + 1
        at_end = after_index >= data.size
        after = data[np.minimum(after_index, data.size - 1)]
        closes_ok = at_end | np.isin(after, np.append(boundaries, np.uint8(_CR)))
        bad = np.concatenate((opening[~opens_ok], closing[~closes_ok]))
        return int(bad.min()) if bad.size else -1

    # -- the slow path: Python's csv module, a line at a time

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


def _quoted_need_cleaning(data: npt.NDArray[np.uint8], quotes: IntArray) -> bool:
    """Whether a quoted value is empty ("", which must become null) or may start or end with
    whitespace just inside its quotes.

    Counting quotes pairs the second quote of a doubled "" with the next one, so the quotes
    that really open and close values are those without a quote beside them outside.
    """
    size = data.size
    opening, closing = quotes[0::2], quotes[1::2]
    opening = opening[(opening == 0) | (data[np.maximum(opening - 1, 0)] != _QUOTE)]
    closing = closing[(closing == size - 1) | (data[np.minimum(closing + 1, size - 1)] != _QUOTE)]
    after_open = data[np.minimum(opening + 1, size - 1)]
    twice_after = data[np.minimum(opening + 2, size - 1)]
    empty = (after_open == _QUOTE) & ((opening + 2 >= size) | (twice_after != _QUOTE))
    inside = np.concatenate((after_open, data[closing - 1]))
    # Bytes up to the space are whitespace or line breaks; bytes above 127 may start one.
    return bool(empty.any() or ((inside <= ord(" ")) | (inside > 127)).any())


# Unicode whitespace beyond ASCII, as UTF-8 (two or three bytes) and as Windows-1252 bytes.
_UTF8_SPACES = [char.encode("utf-8") for char in WHITESPACE if ord(char) > 127]
_UTF8_SPACE_LEADS = np.array(sorted({code[0] for code in _UTF8_SPACES}), dtype=np.uint8)
_UTF8_SPACE_PAIRS = np.array([c[0] << 8 | c[1] for c in _UTF8_SPACES if len(c) == 2])
_UTF8_SPACE_TRIPLES = np.array([c[0] << 16 | c[1] << 8 | c[2] for c in _UTF8_SPACES if len(c) == 3])
_CP1252_SPACES = [
    char.encode("cp1252")
    for char in WHITESPACE
    if ord(char) > 127 and char.encode("cp1252", errors="ignore")
]


def _has_unicode_space(data: npt.NDArray[np.uint8], encoding: str) -> bool:
    """Whether ``data`` (raw bytes in ``encoding``) holds any non-ASCII whitespace."""
    if encoding in ("cp1252", "mixed"):
        raw = data.tobytes()
        if any(space in raw for space in _CP1252_SPACES):
            return True
    if encoding == "cp1252":
        return False
    leads = np.flatnonzero(np.isin(data[:-1], _UTF8_SPACE_LEADS))
    if leads.size == 0:
        return False
    padded = np.append(data, np.zeros(2, dtype=np.uint8)).astype(np.int64)
    pairs = padded[leads] << 8 | padded[leads + 1]
    triples = pairs << 8 | padded[leads + 2]
    return bool(
        np.isin(pairs, _UTF8_SPACE_PAIRS).any() or np.isin(triples, _UTF8_SPACE_TRIPLES).any()
    )


def _lone_crs(data: npt.NDArray[np.uint8]) -> IntArray:
    """Where a carriage return is not followed by a line feed."""
    returns = np.flatnonzero(data == _CR)
    following = np.minimum(returns + 1, data.size - 1)
    lone: IntArray = returns[(returns + 1 >= data.size) | (data[following] != _NEWLINE)]
    return lone


def _first_nul_or_lone_cr(buffered: bytes, data: npt.NDArray[np.uint8]) -> int:
    nul = buffered.find(b"\x00", 0, data.size)
    lone = _lone_crs(data)
    candidates = [nul] if nul >= 0 else []
    candidates += [int(lone[0])] if lone.size else []
    return min(candidates, default=0)


def _record_start(ends: IntArray, position: int) -> int:
    """The offset of the record holding byte ``position``, given each record's end."""
    index = int(np.searchsorted(ends, position))
    return int(ends[index - 1]) + 1 if index else 0


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


# --------------------------------------------------------------------------------- XLSX


def _open_xlsx(path: Path, extract: Extract, profile: Profile | None) -> Source:
    sheet_name = profile.sheet if profile is not None else None
    frame = _load_xlsx_sheet(path, sheet_name)
    cleaned = frame.with_columns([_clean(name) for name in frame.columns])
    filled = cleaned.select(pl.any_horizontal(pl.all().is_not_null()).arg_true())
    if frame.width == 0 or filled.height == 0:
        raise UnreadableFile(f"{path.name}: the sheet is empty: it has no header row")
    header_index = int(filled.item(0, 0))
    original = tuple(value or "" for value in cleaned.row(header_index))
    names = column_names(original, extract, profile, path.name)
    data = frame.slice(header_index + 1)
    data.columns = list(names)
    # Rows come from the very first row of the sheet (see _load_xlsx_sheet), so index i is
    # spreadsheet row i + 1.
    data = data.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + header_index + 2).alias(ROW))
    finished = _finish(data, names)
    return Source(
        path=path,
        format="xlsx",
        header=names,
        original_header=original,
        encoding=None,
        delimiter=None,
        total_rows=finished.height,
        _backend=_FrameBackend(finished),
    )


def _load_xlsx_sheet(path: Path, sheet_name: str | None) -> pl.DataFrame:
    """The sheet as text, from row 1, with date cells as ISO 8601 text.

    fastexcel (calamine) gives every cell as text: numbers in their shortest form ("9434765919",
    "45356.5"), formulas as their last calculated value, and date-formatted cells as
    "2024-03-05 14:30:00". A text cell could hold those same characters, so the columns that
    have any are loaded a second time as date-times: only real date cells come out non-null.
    """
    try:
        workbook = fastexcel.read_excel(path)
        index = _sheet_index(workbook.sheet_names, sheet_name, path.name)
        frame = _as_frame(workbook, index, "string", None)
        matches = frame.select(pl.all().str.contains(_EXCEL_MOMENT).any())
        moments = [name for name in frame.columns if matches[name].item()]
        if moments:
            dates = _as_frame(workbook, index, "datetime", moments)
            frame = frame.with_columns([_excel_iso(pl.col(name), dates[name]) for name in moments])
    except (fastexcel.FastExcelError, OSError) as error:
        raise UnreadableFile(
            f"{path.name} cannot be read as an Excel workbook (.xlsx): it may be damaged, "
            f"protected or another kind of file ({type(error).__name__})"
        ) from None
    return frame


def _as_frame(
    workbook: fastexcel.ExcelReader, index: int, dtype: fastexcel.DType, columns: list[str] | None
) -> pl.DataFrame:
    # header_row=None and skip_rows=0 keep the sheet's leading empty rows, so positions are
    # spreadsheet rows.
    sheet = workbook.load_sheet(
        index,
        header_row=None,
        skip_rows=0,
        dtypes=dtype,
        use_columns=columns,
    )
    frame = sheet.to_polars()
    assert isinstance(frame, pl.DataFrame)
    return frame


def _excel_iso(cell: pl.Expr, dates: pl.Series) -> pl.Expr:
    day, time = cell.str.slice(0, 10), cell.str.slice(11)
    iso = (
        pl.when(day == _EXCEL_DAY_ZERO)
        .then(time)
        .when(time == "00:00:00")
        .then(day)
        .otherwise(day + "T" + time)
    )
    is_date = cell.str.contains(_EXCEL_MOMENT) & pl.lit(dates).is_not_null()
    return pl.when(is_date).then(iso).otherwise(cell).alias(dates.name)


def _sheet_index(sheets: Sequence[str], wanted: str | None, file_name: str) -> int:
    if not sheets:
        raise UnreadableFile(f"{file_name} has no sheets")
    if wanted is None:
        return 0
    if wanted in sheets:
        return list(sheets).index(wanted)
    for index, sheet in enumerate(sheets):
        if sheet.strip().casefold() == wanted.strip().casefold():
            return index
    raise UnreadableFile(
        f"{file_name} has no sheet named {wanted!r}; its sheets are "
        + ", ".join(repr(sheet) for sheet in sheets)
    )


class _FrameBackend:
    """Rows already in memory (an Excel sheet), handed out in slices."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame
        self._done = 0

    def frames(self) -> Iterator[pl.DataFrame]:
        self._done = 0
        step = 100_000
        for start in range(0, self._frame.height, step):
            piece = self._frame.slice(start, step)
            self._done = start + piece.height
            yield piece
        self._done = self._frame.height

    def progress(self) -> float | None:
        return self._done / self._frame.height if self._frame.height else 1.0


# ------------------------------------------------------------------------------ Parquet


def _open_parquet(path: Path, extract: Extract, profile: Profile | None) -> Source:
    try:
        with pq.ParquetFile(path) as parquet:
            schema = parquet.schema_arrow
            total = int(parquet.metadata.num_rows)
    except (pa.ArrowException, OSError) as error:
        raise UnreadableFile(
            f"{path.name} cannot be read as a Parquet file: it may be damaged or another kind of "
            f"file ({type(error).__name__})"
        ) from None
    original = tuple(str(name).strip(WHITESPACE) for name in schema.names)
    names = column_names(original, extract, profile, path.name)
    for name, arrow_type in zip(original, schema.types, strict=True):
        if (
            pa.types.is_nested(arrow_type)
            or pa.types.is_binary(arrow_type)
            or (pa.types.is_large_binary(arrow_type) or pa.types.is_fixed_size_binary(arrow_type))
        ):
            raise UnreadableFile(
                f"{path.name}: column {name!r} holds {arrow_type}, which cannot be read as text"
            )
    return Source(
        path=path,
        format="parquet",
        header=names,
        original_header=original,
        encoding=None,
        delimiter=None,
        total_rows=total,
        _backend=_ParquetBackend(path, names, total),
    )


class _ParquetBackend:
    def __init__(self, path: Path, names: tuple[str, ...], total: int) -> None:
        self._path = path
        self._names = names
        self._total = total
        self._done = 0

    def progress(self) -> float | None:
        return self._done / self._total if self._total else 1.0

    def frames(self) -> Iterator[pl.DataFrame]:
        self._done = 0
        try:
            with pq.ParquetFile(self._path) as parquet:
                yield from self._batches(parquet)
        except (pa.ArrowException, OSError) as error:
            raise UnreadableFile(
                f"{self._path.name} cannot be read past row {self._done + 1}: the Parquet file "
                f"may be damaged ({type(error).__name__})"
            ) from None
        self._done = self._total

    def _batches(self, parquet: pq.ParquetFile) -> Iterator[pl.DataFrame]:
        for batch in parquet.iter_batches(batch_size=100_000):
            # Positional names: the file's own may repeat or clash before renaming.
            table = pa.Table.from_batches([batch]).rename_columns(list(self._names))
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            frame = frame.select(
                [_parquet_text(pl.col(name), frame.schema[name]) for name in self._names]
            )
            start = self._done + 2
            rows = pl.int_range(pl.len(), dtype=pl.Int64) + start
            self._done += batch.num_rows
            yield _finish(frame.with_columns(rows.alias(ROW)), self._names)


def _parquet_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A Parquet column as the text a CSV export of it would hold."""
    name = column.meta.output_name()
    if dtype == pl.String:
        text = column
    elif dtype.is_float():
        whole = column.is_finite() & (column == column.round(0)) & (column.abs() < 2**53)
        as_integer = column.cast(pl.Int64).cast(pl.String)
        text = pl.when(whole).then(as_integer).otherwise(column.cast(pl.String))
    elif dtype == pl.Date:
        text = column.dt.strftime("%Y-%m-%d")
    elif isinstance(dtype, pl.Datetime):
        local = column
        if dtype.time_zone is not None:
            # DESIGN §5: date-times are Europe/London local time.
            local = column.dt.convert_time_zone("Europe/London").dt.replace_time_zone(None)
        text = (
            pl.when(local == local.dt.truncate("1s"))
            .then(local.dt.strftime("%Y-%m-%dT%H:%M:%S"))
            .otherwise(local.dt.strftime("%Y-%m-%dT%H:%M:%S%.f"))
        )
    elif dtype == pl.Time:
        text = column.dt.strftime("%H:%M:%S")
    elif isinstance(dtype, pl.Duration):
        text = column.dt.to_string("iso")
    else:
        text = column.cast(pl.String)
    return text.alias(name)
