"""Reading an Excel workbook (.xlsx): one sheet, loaded whole as text by fastexcel (calamine),
its date cells as ISO 8601 text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import fastexcel
import polars as pl

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile
from hiu.ingest.readers.headers import column_names
from hiu.ingest.readers.source import Source, _clean, _finish
from hiu.schemas import ROW, Extract

# Calamine writes a date-formatted cell as "2024-03-05 14:30:00[.fff]"; the time of a
# time-only cell is on Excel's day zero, 1899-12-31.
_EXCEL_MOMENT = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$"
_EXCEL_DAY_ZERO = "1899-12-31"


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
