"""The readers give back exactly what a file holds, as text, with the row numbers a user sees.

Every file here is real and written to a temporary folder: CSV by Python's csv module in each
encoding and layout, workbooks by XlsxWriter, Parquet by pyarrow. All values are synthetic.
"""

from __future__ import annotations

import csv
import io
import string
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter  # type: ignore[import-untyped]
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile, load_profile
from hiu.ingest.readers import BLOCK_BYTES, OVERFLOW, WHITESPACE, Source, open_source
from hiu.schemas import (
    AMBULANCE_INCIDENTS,
    ED_ATTENDANCES,
    NHS111_CALLS,
    PROBLEM,
    ROW,
    Extract,
)

DATA = Path(__file__).parent / "data"
ED = ED_ATTENDANCES
NAMES = ED.names
NHS = "9000246903"  # synthetic: the 9 range, valid Modulus 11

# Hypothesis writes a file per example into one temporary folder; that is intended.
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ------------------------------------------------------------------------------ helpers


def read_all(source: Source, rows: int = 3) -> pl.DataFrame:
    """Every chunk, small ones so that chunking is exercised too."""
    chunks = list(source.chunks(rows))
    for chunk in chunks:
        assert chunk.height <= rows
        assert all(
            dtype == (pl.Int64 if name == ROW else pl.String)
            for name, dtype in chunk.schema.items()
        )
    return pl.concat(chunks, how="diagonal") if chunks else pl.DataFrame()


def records(source: Source, rows: int = 3) -> list[tuple[int, tuple[str | None, ...]]]:
    frame = read_all(source, rows)
    if frame.is_empty():
        return []
    assert frame[PROBLEM].null_count() == frame.height
    return [
        (row[ROW], tuple(row[name] for name in source.header))
        for row in frame.iter_rows(named=True)
    ]


def expected(rows: list[list[str]], lines: list[int]) -> list[tuple[int, tuple[str | None, ...]]]:
    """What a reader must give for rows written on those lines: stripped, empty as null, and
    rows with nothing in them left out."""
    out = []
    for row, line in zip(rows, lines, strict=True):
        values = tuple(value.strip(WHITESPACE) or None for value in row)
        if any(values):
            out.append((line, values))
    return out


def write_csv(
    rows: list[list[str]],
    delimiter: str = ",",
    ending: str = "\n",
    header: tuple[str, ...] = NAMES,
    blanks: list[int] | None = None,
) -> tuple[str, list[int]]:
    """The text Python's csv module writes (with ``blanks[i]`` blank lines before row i), and
    the line each row starts on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
    writer.writerow(header)
    lines = []
    for index, row in enumerate(rows):
        buffer.write(ending * (blanks[index] if blanks else 0))
        lines.append(buffer.getvalue().count("\n") + 1)
        writer.writerow(row)
    return buffer.getvalue(), lines


def open_text(tmp_path: Path, text: str | bytes, extract: Extract = ED, **kwargs: Any) -> Source:
    path = tmp_path / str(kwargs.pop("name", "extract.csv"))
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return open_source(path, extract, **kwargs)


def unreadable(tmp_path: Path, text: str | bytes, extract: Extract = ED, **kwargs: Any) -> str:
    with pytest.raises(UnreadableFile) as caught:
        open_text(tmp_path, text, extract, **kwargs)
    return str(caught.value)


def ed_line(attendance: str = "A1", **values: str) -> list[str]:
    row = dict.fromkeys(NAMES, "")
    row.update(attendance_id=attendance, nhs_number=NHS, arrival_datetime="2024-03-05T14:30:00")
    row.update(site_code="RXH01", **values)
    return [row[name] for name in NAMES]


def csv_text(*rows: list[str], header: tuple[str, ...] = NAMES, ending: str = "\n") -> str:
    return write_csv([*rows], ending=ending, header=header)[0]


# ------------------------------------------------------------------- strategies

# Values to be written by the csv module: any text but NUL (a NUL marks a binary file) and
# surrogates (which no encoding writes), and the awkward cases named.
AWKWARD = [
    '=HYPERLINK("x")',
    "00123",
    "1e5",
    "9434765919",
    '"',
    '""',
    ",",
    "\t",
    "\n",
    "\r\n",
    "\r",
    " ",
    "a,b",
    'say "hi"',
    "2024-03-05 14:30:00",
    "é",
    "\u2013",
    "\u00a0padded\u00a0",
]
NOT_SURROGATES: list[Any] = ["Cs"]
ANY_TEXT = st.text(
    # U+FDD0, a noncharacter, stands in for a lone carriage return while a line is split.
    alphabet=st.characters(exclude_categories=NOT_SURROGATES, exclude_characters="\x00\ufdd0"),
    max_size=8,
)
# Whitespace of every kind, around and inside values, to check what is stripped.
SPACED_TEXT = st.text(alphabet=WHITESPACE + "ab", max_size=4)
UTF8_VALUE = st.one_of(ANY_TEXT, SPACED_TEXT, st.sampled_from(AWKWARD))
CP1252_CHARACTERS = [
    char
    for byte in range(1, 256)
    if (char := bytes([byte]).decode("cp1252", errors="replace")) != "\ufffd"
]
CP1252_VALUE = st.one_of(
    st.text(alphabet=st.sampled_from(CP1252_CHARACTERS), max_size=8),
    st.text(alphabet=[char for char in WHITESPACE + "ab" if char in CP1252_CHARACTERS], max_size=4),
    st.sampled_from([value for value in AWKWARD if value.isascii() or value == "é"]),
)
# Block sizes: the real one, and small ones that put block boundaries everywhere.
BLOCKS = st.sampled_from([BLOCK_BYTES, 1, 7, 64])


def table(value: st.SearchStrategy[str], width: int = 12) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(value, min_size=width, max_size=width), max_size=6)


# ------------------------------------------------------------------ CSV round trips


@EXAMPLES
@given(
    rows=table(UTF8_VALUE),
    delimiter=st.sampled_from([",", "\t"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    block=BLOCKS,
    blanks=st.lists(st.integers(0, 2), min_size=6, max_size=6),
)
def test_it_reads_back_any_text_the_csv_module_writes_in_utf8(
    tmp_path: Path,
    rows: list[list[str]],
    delimiter: str,
    ending: str,
    bom: bool,
    block: int,
    blanks: list[int],
) -> None:
    text, lines = write_csv(rows, delimiter, ending, blanks=blanks)
    source = open_text(tmp_path, text.encode("utf-8-sig" if bom else "utf-8"), block_bytes=block)
    assert source.encoding == ("utf-8-sig" if bom else "utf-8")
    assert source.delimiter == delimiter
    assert source.header == NAMES
    assert records(source) == expected(rows, lines)


@EXAMPLES
@given(
    rows=table(CP1252_VALUE),
    delimiter=st.sampled_from([",", "\t"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    declared=st.booleans(),
    block=BLOCKS,
)
def test_it_reads_back_any_text_the_csv_module_writes_in_windows_1252(
    tmp_path: Path,
    rows: list[list[str]],
    delimiter: str,
    ending: str,
    declared: bool,
    block: int,
) -> None:
    text, lines = write_csv(rows, delimiter, ending)
    data = text.encode("cp1252")
    if not declared:
        # Detection reads a line that is valid UTF-8 as UTF-8 (docs/profiles.md): such
        # a line is possible in Windows-1252 ("Ã©") but is not what this test is about.
        assume(all(line.isascii() or not _is_utf8(line) for line in data.split(b"\n")))
    profile = Profile(name="windows", encoding="cp1252") if declared else None
    source = open_text(tmp_path, data, profile=profile, block_bytes=block)
    assert source.encoding == ("cp1252" if declared or not data.isascii() else "utf-8")
    assert records(source) == expected(rows, lines)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Hand-made CSV: plain values, quoted ones (some with line breaks or delimiters inside), and
# stray quotes inside values, as people type them (5'10", Flat "B"), with rows of the wrong
# length and blank lines. Carriage returns only come as CRLF, so that Python's csv module over
# universal newlines is an independent statement of the rules.
MESSY_VALUE = st.one_of(
    st.text(alphabet="ab é", max_size=4),
    st.text(alphabet='ab ,\n"', max_size=4).map(lambda text: '"' + text.replace('"', '""') + '"'),
    st.text(alphabet='ab "', max_size=4).map(lambda text: "a" + text),
)
MESSY_LINE = st.one_of(
    st.lists(MESSY_VALUE, min_size=4, max_size=4),
    st.lists(MESSY_VALUE, min_size=0, max_size=6),
)


@EXAMPLES
@given(
    lines=st.lists(st.tuples(MESSY_LINE, st.sampled_from(["\n", "\r\n"])), max_size=8),
    final_newline=st.booleans(),
    block=BLOCKS,
)
def test_it_splits_hand_made_csv_as_the_csv_module_does(
    tmp_path: Path,
    lines: list[tuple[list[str], str]],
    final_newline: bool,
    block: int,
) -> None:
    header = ",".join(NHS111_CALLS.names) + "\n"
    body = "".join(",".join(values) + ending for values, ending in lines)
    if not final_newline:
        body = body.rstrip("\r\n")
    source = open_text(tmp_path, header + body, NHS111_CALLS, block_bytes=block)
    frame = read_all(source)
    got = [] if frame.is_empty() else frame.rows(named=True)

    oracle = csv.reader(io.StringIO(body, newline=""), strict=False)
    want = []
    line = 2
    for values in oracle:
        start, line = line, 2 + oracle.line_num
        if not any(value.strip(WHITESPACE) for value in values):
            continue
        padded: list[str | None] = [value.strip(WHITESPACE) or None for value in values[:4]]
        want.append((start, padded + [None] * (4 - len(padded)), len(values)))
    assert [row[ROW] for row in got] == [start for start, _, _ in want]
    for row, (_, wanted, count) in zip(got, want, strict=True):
        assert [row[name] for name in NHS111_CALLS.names] == wanted
        if count < 4:
            assert f"the row has {count} values; the header has 4" in (row[PROBLEM] or "")


@EXAMPLES
@given(rows=table(UTF8_VALUE), block=st.sampled_from([1, 7, 64, 300]))
def test_it_reads_the_same_rows_whatever_the_block_size(
    tmp_path: Path, rows: list[list[str]], block: int
) -> None:
    text, _ = write_csv(rows)
    whole = read_all(open_text(tmp_path, text))
    pieces = read_all(open_text(tmp_path, text, block_bytes=block))
    assert pieces.equals(whole)


# ------------------------------------------------------------------ Excel round trips

XLSX_TEXT = st.text(
    alphabet=st.characters(exclude_categories=[*NOT_SURROGATES, "Cn"], exclude_characters="\x00"),
    max_size=8,
)
XLSX_VALUE = st.one_of(XLSX_TEXT, SPACED_TEXT, st.sampled_from(AWKWARD))


@EXAMPLES
@given(
    rows=table(XLSX_VALUE),
    gaps=st.lists(st.integers(0, 2), min_size=6, max_size=6),
    top=st.integers(0, 3),
)
def test_it_reads_back_any_text_written_to_a_workbook(
    tmp_path: Path, rows: list[list[str]], gaps: list[int], top: int
) -> None:
    path = tmp_path / "extract.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Attendances")
    for column, name in enumerate(NAMES):
        sheet.write_string(top, column, name)
    index, lines = top, []
    for row, gap in zip(rows, gaps, strict=False):
        index += 1 + gap  # blank spreadsheet rows in between
        lines.append(index + 1)
        for column, value in enumerate(row):
            sheet.write_string(index, column, value)
    workbook.close()
    source = open_source(path, ED)
    assert source.format == "xlsx"
    assert source.header == NAMES
    assert records(source) == expected(rows, lines)
    assert source.total_rows == len(expected(rows, lines))


# ---------------------------------------------------------------- Parquet round trips


@EXAMPLES
@given(
    rows=st.lists(st.lists(st.one_of(st.none(), UTF8_VALUE), min_size=12, max_size=12), max_size=6)
)
def test_it_reads_back_any_text_written_to_parquet(
    tmp_path: Path, rows: list[list[str | None]]
) -> None:
    path = tmp_path / "extract.parquet"
    columns = {name: [row[i] for row in rows] for i, name in enumerate(NAMES)}
    pq.write_table(pa.table(columns, schema=pa.schema([(n, pa.string()) for n in NAMES])), path)
    source = open_source(path, ED)
    assert source.total_rows == len(rows)
    lines = [index + 2 for index in range(len(rows))]
    assert records(source) == expected([[v or "" for v in row] for row in rows], lines)


# ------------------------------------------------------------------- CSV examples


def test_it_numbers_rows_by_the_physical_line_they_start_on(tmp_path: Path) -> None:
    text = (
        "\n"  # a blank line before the header
        + ",".join(NAMES)
        + "\r\n\r\n"
        + ",".join(ed_line("A1"))
        + "\n   \n"
        + ",".join(ed_line("A2", diagnosis='"two\nlines"'))
        + "\r\n"
        + ",".join(ed_line("A3"))
    )
    frame = read_all(open_text(tmp_path, text))
    assert frame["attendance_id"].to_list() == ["A1", "A2", "A3"]
    assert frame[ROW].to_list() == [4, 6, 8]
    assert frame["diagnosis"].to_list() == [None, "two\nlines", None]


def test_it_keeps_formulas_and_numeric_looking_text_verbatim(tmp_path: Path) -> None:
    verbatim = ['=HYPERLINK("http://x")', "00123", "1e5", "-0", "0x1F", "TRUE", "1,234", "+44"]
    rows = [ed_line(f"A{i}", diagnosis=value) for i, value in enumerate(verbatim)]
    frame = read_all(open_text(tmp_path, csv_text(*rows)), rows=100)
    assert frame["diagnosis"].to_list() == verbatim
    assert frame["nhs_number"].to_list() == [NHS] * len(verbatim)


def test_it_reads_a_file_mostly_utf8_with_some_windows_1252_lines(tmp_path: Path) -> None:
    header = ",".join(NAMES).encode()
    utf8 = ",".join(ed_line("A1", diagnosis="café \u2013 ok")).encode("utf-8")
    ansi = ",".join(ed_line("A2", diagnosis="café \u2013 ok")).encode("cp1252")
    source = open_text(tmp_path, b"\n".join([header, utf8, ansi, utf8]) + b"\n")
    assert source.encoding == "mixed"
    assert read_all(source)["diagnosis"].to_list() == ["café \u2013 ok"] * 3


def test_it_detects_windows_1252_and_tabs_when_a_profile_does_not_say() -> None:
    headers_only = Profile(name="p", columns=load_profile("eastbridge-ambulance").columns)
    path = DATA / "eastbridge-ambulance-sample.tsv"
    source = open_source(path, AMBULANCE_INCIDENTS, headers_only)
    assert (source.encoding, source.delimiter) == ("cp1252", "\t")
    assert read_all(source)["Crew Notes"].to_list()[1] == "Advice given; café owner called back"


def test_it_reads_a_10_mb_value(tmp_path: Path) -> None:
    big = ('0123456789, "quoted"\n' * 500_000)[: 10 * 1024 * 1024]
    text = csv_text(ed_line("A1", diagnosis=big), ed_line("A2"))
    for block in (BLOCK_BYTES, 1024 * 1024):
        frame = read_all(open_text(tmp_path, text, block_bytes=block), rows=10)
        assert frame["diagnosis"].to_list() == [big.strip(), None]
        assert frame[ROW].to_list() == [2, 3 + big.count("\n")]


def test_it_reads_a_10_mb_line_in_small_blocks(tmp_path: Path) -> None:
    big = "x" * (10 * 1024 * 1024)
    source = open_text(tmp_path, csv_text(ed_line("A1", diagnosis=big)), block_bytes=4096)
    assert read_all(source)["diagnosis"].to_list() == [big]


def test_it_marks_a_row_cut_short_by_the_end_of_the_file(tmp_path: Path) -> None:
    text = csv_text(ed_line("A1"), ed_line("A2"))
    frame = read_all(open_text(tmp_path, text[: text.index("RXH01", text.index("A2"))]))
    assert frame["attendance_id"].to_list() == ["A1", "A2"]
    assert frame[PROBLEM].to_list() == [
        None,
        "the row has 5 values; the header has 12 (the file ends in this row: it may be truncated)",
    ]


def test_it_marks_a_file_that_ends_inside_a_quoted_value(tmp_path: Path) -> None:
    text = csv_text(ed_line("A1"), ed_line("A2", diagnosis="a long\nnote"))
    cut = text[: text.index("long") + 2]
    frame = read_all(open_text(tmp_path, cut))
    assert frame["attendance_id"].to_list() == ["A1", "A2"]
    assert frame["diagnosis"].to_list() == [None, "a lo"]
    assert frame[PROBLEM].to_list()[1].startswith("the file ends inside a quoted value")


def test_it_pads_short_rows_and_keeps_what_overflows(tmp_path: Path) -> None:
    text = csv_text(ed_line("A1"), ed_line("A2")[:3], [*ed_line("A3"), "x", "", "y"])
    frame = read_all(open_text(tmp_path, text), rows=10)
    assert frame[PROBLEM].to_list() == [
        None,
        "the row has 3 values; the header has 12",
        "the row has 15 values; the header has 12",
    ]
    assert frame[OVERFLOW].to_list() == [None, None, "x,,y"]
    assert frame.row(1, named=True)["nhs_number"] == NHS
    assert frame.row(1, named=True)["site_code"] is None


def test_it_accepts_a_trailing_delimiter_that_adds_only_empty_values(tmp_path: Path) -> None:
    text = csv_text([*ed_line("A1"), ""], [*ed_line("A2"), " ", ""])
    frame = read_all(open_text(tmp_path, text))
    assert frame[PROBLEM].null_count() == 2
    assert OVERFLOW not in frame.columns


def test_it_keeps_extra_columns_under_their_own_names(tmp_path: Path) -> None:
    header = ("Attendance ID", "NHS Number", " Arrival DateTime ", "SITE-CODE", "Ward", "_id", "")
    source = open_text(
        tmp_path, csv_text(["A1", NHS, "2024", "RXH01", "5", "x", "y"], header=header)
    )
    assert source.header == (
        "attendance_id",
        "nhs_number",
        "arrival_datetime",
        "site_code",
        "Ward",
        "extra_id",
        "column_7",
    )
    assert source.original_header == (*header[:2], "Arrival DateTime", *header[3:])
    assert read_all(source).row(0) == ("A1", NHS, "2024", "RXH01", "5", "x", "y", 2, None)


def test_it_yields_chunks_of_the_size_asked_for_and_reports_progress(tmp_path: Path) -> None:
    rows = [ed_line(f"A{i}") for i in range(10)]
    source = open_text(tmp_path, csv_text(*rows), block_bytes=200)
    assert source.progress_fraction() == 0.0
    seen = []
    for chunk in source.chunks(4):
        seen.append(chunk.height)
        fraction = source.progress_fraction()
        assert fraction is not None
        assert 0.0 < fraction <= 1.0
    assert seen == [4, 4, 2]
    assert source.progress_fraction() == 1.0
    with pytest.raises(ValueError, match="at least 1"):
        next(source.chunks(0))


def test_it_reads_a_header_only_file_as_no_rows(tmp_path: Path) -> None:
    for text in (",".join(NAMES), ",".join(NAMES) + "\r\n\r\n  \n"):
        source = open_text(tmp_path, text)
        assert source.header == NAMES
        assert list(source.chunks()) == []


def test_it_honours_a_profile_delimiter_and_encoding(tmp_path: Path) -> None:
    notes = "Notes, " + ", ".join(string.ascii_lowercase[:12])  # more commas than tabs
    text = "\t".join([*NAMES, notes]) + "\n" + "\t".join([*ed_line("A1"), "a,b"]) + "\n"
    assert "no column for" in unreadable(tmp_path, text)
    forced = Profile(name="p", delimiter="\t", encoding="cp1252")
    source = open_text(tmp_path, text, profile=forced)
    assert (source.encoding, source.delimiter) == ("cp1252", "\t")
    assert read_all(source)[notes].to_list() == ["a,b"]


# ------------------------------------------------------------------- refusals


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    for text in ("", "   ", "\n\n\r\n", " \t\n"):
        assert "is empty" in unreadable(tmp_path, text)


def test_it_names_every_missing_required_column_and_the_columns_found(tmp_path: Path) -> None:
    message = unreadable(tmp_path, "attendance_id,NHS No,when\nA1,9000246903,SECRET\n")
    assert "no column for nhs_number, arrival_datetime, site_code" in message
    assert "'attendance_id', 'NHS No', 'when'" in message
    assert "SECRET" not in message


def test_it_says_when_a_file_uses_another_delimiter(tmp_path: Path) -> None:
    message = unreadable(tmp_path, ";".join(NAMES) + "\n" + ";".join(ed_line()) + "\n")
    assert "';'" in message
    assert "only commas and tabs are supported" in message
    assert NHS not in message
    assert "'|'" in unreadable(tmp_path, "|".join(NAMES) + "\n")


def test_it_refuses_a_column_that_appears_twice(tmp_path: Path) -> None:
    header = ",".join([*NAMES[:6], "nhs_number"])
    message = unreadable(tmp_path, header + "\n")
    assert "column 'nhs_number' appears twice (columns 2 and 7)" in message
    renamed = ",".join([*NAMES, "NHS Number"])
    assert "columns 2 and 13" in unreadable(tmp_path, renamed + "\n")
    by_profile = Profile(name="p", columns={"NHS No": "nhs_number"})
    message = unreadable(tmp_path, ",".join([*NAMES, "nhs no"]) + "\n", profile=by_profile)
    assert "'nhs_number' appears twice (columns 2 and 13)" in message
    assert "'nhs no'" in message


def test_it_refuses_a_profile_that_maps_a_header_to_another_kinds_column(tmp_path: Path) -> None:
    profile = Profile(name="p", columns={"Outcome": "outcome"})
    message = unreadable(tmp_path, ",".join([*NAMES, "Outcome"]) + "\n", profile=profile)
    assert "maps column 'Outcome' to 'outcome', which is not a column of ed_attendances" in message
    other = Profile(name="amb", kind="ambulance_incidents")
    assert "is for ambulance_incidents files" in unreadable(tmp_path, "x\n", profile=other)


def test_it_refuses_binary_and_undecodable_files(tmp_path: Path) -> None:
    assert "NUL" in unreadable(tmp_path, b"attendance_id\x00,nhs\n")
    assert "UTF-16" in unreadable(tmp_path, ",".join(NAMES).encode("utf-16"))
    assert ".xlsx" in unreadable(tmp_path, b"PK\x03\x04" + bytes(100))
    # 0x81 is not a character in Windows-1252 either.
    message = unreadable(tmp_path, (",".join(NAMES) + "\nA1,\x81\n").encode("latin-1"))
    assert message.startswith("line 2 of extract.csv is not UTF-8 or Windows-1252 text")
    declared = Profile(name="p", encoding="utf-8")
    message = unreadable(
        tmp_path, (",".join(NAMES) + "\nA1,é\n").encode("cp1252"), profile=declared
    )
    assert "line 2" in message
    assert "profile says the file is UTF-8" in message


def test_it_refuses_files_it_cannot_read_by_their_extension(tmp_path: Path) -> None:
    assert "cannot be read" in unreadable(tmp_path, "a,b\n", name="extract.json")
    assert "save it as an Excel workbook (.xlsx)" in unreadable(tmp_path, "a\n", name="old.xls")
    assert "does not exist" in refusal(tmp_path / "missing.csv")


def refusal(path: Path, profile: Profile | None = None) -> str:
    with pytest.raises(UnreadableFile) as caught:
        open_source(path, ED, profile)
    return str(caught.value)


def test_it_refuses_damaged_workbooks_and_parquet_files(tmp_path: Path) -> None:
    assert "Excel workbook" in unreadable(tmp_path, b"PK\x03\x04garbage", name="x.xlsx")
    assert "Excel workbook" in unreadable(tmp_path, ",".join(NAMES), name="x.xlsx")
    assert "Parquet" in unreadable(tmp_path, b"PAR1 not really", name="x.parquet")


def test_it_reads_a_crlf_file_with_quotes_through_the_fast_path_and_slow_path(
    tmp_path: Path,
) -> None:
    rows = [ed_line(f"A{i}", diagnosis='say "hi", then\r\nleave') for i in range(50)]
    rows[25] = ed_line("A25", diagnosis="5'10\" tall")  # a stray quote: csv module rules
    text = csv_text(*rows, ending="\r\n").replace('"5\'10"" tall"', "5'10\" tall")
    assert "5'10\" tall," in text
    for block in (BLOCK_BYTES, 512):
        frame = read_all(open_text(tmp_path, text, block_bytes=block), rows=100)
        assert frame["diagnosis"].to_list() == [
            "5'10\" tall" if i == 25 else 'say "hi", then\r\nleave' for i in range(50)
        ]
        assert frame[ROW].to_list() == [2 + 2 * i if i <= 25 else 1 + 2 * i for i in range(50)]


# ------------------------------------------------------------------- Excel examples


def _workbook(path: Path, build: Any) -> Path:
    workbook = xlsxwriter.Workbook(path)
    build(workbook)
    workbook.close()
    return path


def test_it_writes_excel_dates_as_iso_text_and_numbers_plainly(tmp_path: Path) -> None:
    def build(workbook: Any) -> None:
        sheet = workbook.add_worksheet("Data")
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        clock = workbook.add_format({"num_format": "hh:mm"})
        header = ["Attendance ID", "NHS Number", "Arrival_DateTime", "Site code", "Born"]
        header += ["Serial", "Sum", "Ratio"]
        for column, name in enumerate(header):
            sheet.write_string(1, column, name)
        sheet.write_string(2, 0, "A1")
        sheet.write_number(2, 1, 9000246903)
        sheet.write_datetime(2, 2, datetime(2024, 3, 5, 14, 30), moment)
        sheet.write_string(2, 3, "RXH01")
        sheet.write_datetime(2, 4, datetime(2024, 3, 5), day)
        sheet.write_number(2, 5, 45356.5)  # a serial date without a date format stays a number
        sheet.write_formula(2, 6, "=1+2", None, 3)
        sheet.write_number(2, 7, 0.25)
        sheet.write_string(4, 0, "A2")
        sheet.write_string(4, 1, "2024-03-05 14:30:00")  # text, not a date cell
        sheet.write_datetime(4, 2, time(9, 5), clock)
        sheet.write_string(4, 6, '=HYPERLINK("x")')

    path = _workbook(tmp_path / "dates.xlsx", build)
    source = open_source(path, ED)
    assert source.header[:4] == ("attendance_id", "nhs_number", "arrival_datetime", "site_code")
    frame = read_all(source)
    assert frame.rows() == [
        ("A1", NHS, "2024-03-05T14:30:00", "RXH01", "2024-03-05", "45356.5", "3", "0.25", 3, None),
        (
            "A2",
            "2024-03-05 14:30:00",
            "09:05:00",
            None,
            None,
            None,
            '=HYPERLINK("x")',
            None,
            5,
            None,
        ),
    ]


def test_it_reads_the_sheet_a_profile_names(tmp_path: Path) -> None:
    def build(workbook: Any) -> None:
        workbook.add_worksheet("Notes").write_string(0, 0, "Read me")
        sheet = workbook.add_worksheet("Attendances")
        for column, name in enumerate(NAMES):
            sheet.write_string(0, column, name)
        for column, value in enumerate(ed_line("A1")):
            sheet.write_string(1, column, value)

    path = _workbook(tmp_path / "two.xlsx", build)
    assert "no column for" in refusal(path)
    source = open_source(path, ED, Profile(name="p", sheet="attendances"))
    assert read_all(source)["attendance_id"].to_list() == ["A1"]
    message = refusal(path, Profile(name="p", sheet="X"))
    assert "no sheet named 'X'; its sheets are 'Notes', 'Attendances'" in message


def test_it_refuses_an_empty_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "empty.xlsx", lambda workbook: workbook.add_worksheet())
    assert "empty" in refusal(path)


# ------------------------------------------------------------------ Parquet examples


def test_it_writes_parquet_values_as_the_text_a_csv_export_would_hold(tmp_path: Path) -> None:
    london = [datetime(2024, 7, 1, 12, 0, tzinfo=UTC), None]
    columns = {
        "attendance_id": pa.array(["A1", "A2"]),
        "nhs_number": pa.array([9000246903, 9480978563], pa.int64()),
        "arrival_datetime": pa.array(london, pa.timestamp("us", tz="UTC")),
        "departure_datetime": pa.array([datetime(2024, 7, 1, 14, 0, 0, 250000), None]),
        "site_code": pa.array(["RXH01", "RXH01"]).dictionary_encode(),
        "born": pa.array([date(1980, 2, 29), None]),
        "score": pa.array([3.0, 2.5]),
        "flag": pa.array([True, False]),
    }
    path = tmp_path / "typed.parquet"
    pq.write_table(pa.table(columns), path)
    frame = read_all(open_source(path, ED))
    assert frame.rows() == [
        ("A1", NHS, "2024-07-01T13:00:00", "2024-07-01T14:00:00.250", "RXH01", "1980-02-29",
         "3", "true", 2, None),
        ("A2", "9480978563", None, None, "RXH01", None, "2.5", "false", 3, None),
    ]  # fmt: skip


def test_it_refuses_parquet_columns_that_are_not_values(tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    columns = {name: pa.array(["x"]) for name in NAMES}
    columns["tags"] = pa.array([["a", "b"]])
    pq.write_table(pa.table(columns), path)
    assert "column 'tags'" in refusal(path)


# ------------------------------------------------------------- shipped profiles


def test_it_reads_the_northgate_example_with_its_profile() -> None:
    profile = load_profile("northgate-ecds")
    source = open_source(DATA / "northgate-ecds-sample.csv", ED, profile)
    assert source.header == (*NAMES, "Clinician Notes")
    frame = profile.translate(read_all(source, rows=100))
    first = frame.row(0, named=True)
    assert first["attendance_id"] == "NG-000101"
    assert first["arrival_datetime"] == "05/03/2024 14:30"  # the validator parses dates
    assert first["department_type"] == "01"
    assert first["arrival_mode"] == "1048031000000100"
    assert first["discharge_destination"] == "306706006"
    assert frame["acuity"].to_list()[:2] == ["1064911000000105", "1064901000000108"]
    assert frame["arrival_mode"].to_list()[-1] == "Helicopter"  # not in the profile: as it was
    assert frame[ROW].to_list() == [2, 3, 4, 6, 7]
    assert frame["Clinician Notes"].to_list()[2] == 'Wound check; said "fine"'


def test_it_reads_the_eastbridge_example_with_its_profile() -> None:
    profile = load_profile("eastbridge-ambulance")
    source = open_source(DATA / "eastbridge-ambulance-sample.tsv", AMBULANCE_INCIDENTS, profile)
    assert (source.encoding, source.delimiter) == ("cp1252", "\t")
    assert source.header == (
        "incident_id",
        "nhs_number",
        "call_datetime",
        "call_origin",
        "Priority",
        "outcome",
        "conveyed_to_site",
        "Crew Notes",
    )
    frame = profile.translate(read_all(source, rows=100))
    assert frame["call_origin"].to_list() == ["999", "111", "hcp", "police"]
    assert frame["outcome"].to_list() == [
        "see_and_convey",
        "hear_and_treat",
        "see_and_treat",
        "see_and_convey",
    ]
    assert frame["Crew Notes"].to_list()[0] == "Pt c/o chest pain \u2013 conveyed"
    assert frame["Crew Notes"].to_list()[2] == "£20 taxi voucher not needed"


# ------------------------------------------------------------------ whitespace


def test_it_strips_exactly_the_whitespace_python_and_polars_agree_on() -> None:
    candidates = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    stripped = pl.Series([f"{char}x{char}" for char in candidates]).str.strip_chars().to_list()
    assert "".join(c for c, s in zip(candidates, stripped, strict=True) if s == "x") == WHITESPACE
    assert set(WHITESPACE) <= set(string.whitespace) | {c for c in candidates if ord(c) > 127}


def test_it_marks_a_row_with_a_nul_character_as_damaged(tmp_path: Path) -> None:
    text = csv_text(ed_line("A1"), ed_line("A2", diagnosis="x\x00y"), ed_line("A3"))
    frame = read_all(open_text(tmp_path, text))
    assert frame[PROBLEM].to_list() == [
        None,
        "the row contains a NUL character: the file may be damaged",
        None,
    ]
    assert frame["diagnosis"].to_list()[1] == "x\x00y"


def test_it_stops_at_a_row_that_never_ends(tmp_path: Path) -> None:
    # A quote opened and never closed turns the rest of the file into one value.
    line = ",".join(ed_line("A2")) + ("x" * 10_000) + "\n"
    text = csv_text(ed_line("A1")) + ",".join(ed_line("A2", diagnosis='"open')) + "\n"
    source = open_text(tmp_path, text + line * 7_000)
    with pytest.raises(
        UnreadableFile, match=r"the row starting on line 3 of extract\.csv is larger"
    ):
        read_all(source)


def test_it_reads_the_rows_around_a_few_bad_ones_exactly(tmp_path: Path) -> None:
    rows = [ed_line(f"A{i}", diagnosis=f"note {i}") for i in range(3000)]
    rows[700] = [*rows[700], "extra"]
    rows[701] = rows[701][:5]
    rows[2500][8] = 'stray "quote'
    text = csv_text(*rows, ending="\r\n").replace('"stray ""quote"', 'stray "quote')
    assert ',stray "quote,' in text
    for block in (BLOCK_BYTES, 50_000):
        frame = read_all(open_text(tmp_path, text, block_bytes=block), rows=1000)
        assert frame[ROW].to_list() == list(range(2, 3002))
        assert frame["attendance_id"].to_list() == [f"A{i}" for i in range(3000)]
        assert frame["diagnosis"].to_list()[:3] == ["note 0", "note 1", "note 2"]
        problems = frame.filter(pl.col(PROBLEM).is_not_null())
        assert problems[ROW].to_list() == [702, 703]
        assert frame["chief_complaint"].to_list()[2500] == 'stray "quote'


def test_it_never_quotes_a_first_row_of_data_when_the_header_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "no_header.csv"
    path.write_text("ED1,9434765919,2024-03-01T10:00,,RXH01\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as raised:
        open_source(path, ED_ATTENDANCES)
    message = str(raised.value)
    assert "may have no header row" in message
    assert "9434765919" not in message
    assert "2024-03-01" not in message


def test_it_names_the_headers_it_found_but_not_values_among_them(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("attendance_id,site,9434765919,when\nA1,RXH01,x,y\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as raised:
        open_source(path, ED_ATTENDANCES)
    message = str(raised.value)
    assert "'site'" in message
    assert "(a value, not shown)" in message
    assert "9434765919" not in message
