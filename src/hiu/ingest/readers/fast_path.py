"""The CSV fast path's check: one vectorised pass over a stretch of bytes finds where each
record starts and whether the stretch is plain, well-quoted CSV that Polars can split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hiu.ingest.readers.source import WHITESPACE

_NEWLINE, _CR, _QUOTE = ord("\n"), ord("\r"), ord('"')

IntArray = npt.NDArray[np.int64]


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


class _Planner:
    """Plans (see :meth:`plan`) for the bytes of one CSV file: its delimiter and encoding, and
    the number of values in its header."""

    def __init__(self, width: int, delimiter: str, encoding: str) -> None:
        self._width = width
        self._encoding = encoding
        self._delimiter = delimiter.encode()
        self._delimiter_byte = ord(delimiter)

    def plan(self, buffered: bytes, eof: bool, limit: int) -> _Plan | int:
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
        if self._delimiters_outside(buffered, data, quotes) != (self._width - 1) * records:
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
        ragged = np.flatnonzero((counts != self._width) & ~blank)
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
        return not buffered.isascii() and _has_unicode_space(data, self._encoding)

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
