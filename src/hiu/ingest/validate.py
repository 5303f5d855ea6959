"""Row-by-row validation of an extract, vectorised with Polars.

The input is a chunk as the readers give it: every column text, plus ``_row`` (the row number the
user sees) and ``_problem`` (set when the row could not be read cleanly). The output splits it
into accepted rows, typed for the store, and rejected rows, kept exactly as read with the
reasons they were rejected.

A reason names the column and the rule broken, never the value: reasons are shown on web pages
and counted in manifests, while the values themselves go only to the quarantine file. Duplicate
identifiers are found across the whole file, so the pipeline checks them after every chunk has
been validated (``hiu.store.batch``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from nhs_number.validate import is_valid as is_valid_nhs_number

from hiu.schemas import PROBLEM, REASONS, ROW, Column, ColumnType, Extract

#: Date-times the importer reads without a profile: ISO 8601 with T or a space, with or
#: without seconds and fractions, a bare date (read as midnight), and the compact forms some
#: warehouses export.
DATETIME_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d %H:%M",
)
DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%Y%m%d")
#: Offsets such as ``Z`` or ``+01:00`` are converted to Europe/London local time.
OFFSET_FORMATS: tuple[str, ...] = ("%Y-%m-%dT%H:%M:%S%#z", "%Y-%m-%dT%H:%M:%S%.f%#z")
LOCAL_ZONE = "Europe/London"

#: Excel counts days from 1899-12-30 (the 1900 leap-year bug folded in); serial numbers are
#: accepted only within this range (1900-01-01 to 2099-12-31), which no real identifier-like
#: number in a date column falls into by accident.
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_SERIAL_MIN = 2
EXCEL_SERIAL_MAX = 73415
SERIAL_PATTERN = r"^\d{1,5}(\.\d+)?$"

EARLIEST_DATE = date(1900, 1, 1)
CHI_LAST = 3_112_999_999

BOOLEAN_WORDS = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "t": True,
    "f": False,
    "1": True,
    "0": False,
}


@dataclass(frozen=True)
class Validated:
    accepted: pl.DataFrame
    rejected: pl.DataFrame


def validate_chunk(
    frame: pl.DataFrame,
    extract: Extract,
    *,
    now: datetime,
    date_formats: Sequence[str] = (),
) -> Validated:
    """Check every row of ``frame`` against ``extract``; ``now`` is the local time of import.

    Missing optional canonical columns are added as empty, so accepted chunks of one kind always
    share a schema. Extra columns stay as text.
    """
    frame = _with_all_columns(frame, extract)
    extras = _extra_columns(frame, extract)
    # Parse each column once into a working column, then check the rules against it: eager
    # Polars does not share repeated sub-expressions, and parsing is the expensive part.
    working = {column.name: f"__value_{column.name}" for column in extract.columns}
    frame = frame.with_columns(
        _parse(column, date_formats).alias(working[column.name]) for column in extract.columns
    )
    checks: list[pl.Expr] = [
        pl.when(pl.col(PROBLEM).is_not_null()).then(pl.col(PROBLEM)),
    ]
    for column in extract.columns:
        checks.extend(_rules(column, pl.col(working[column.name]), now=now))
    if extract.start and extract.end:
        checks.append(
            pl.when(pl.col(working[extract.end]) < pl.col(working[extract.start])).then(
                pl.lit(f"{extract.end}: before {extract.start}")
            )
        )
    # Decide which rows fail on every row, but spell out reasons only for those that do.
    bad = frame.select(pl.any_horizontal(check.is_not_null() for check in checks)).to_series()
    reasons = pl.concat_list(checks).list.drop_nulls().list.join("; ")
    accepted = frame.filter(~bad).select(
        pl.col(ROW),
        *(pl.col(working[name]).alias(name) for name in extract.names),
        *(pl.col(name) for name in extras),
    )
    rejected = (
        frame.filter(bad).with_columns(reasons.alias(REASONS)).drop(PROBLEM, *working.values())
    )
    return Validated(accepted=accepted, rejected=rejected)


def _with_all_columns(frame: pl.DataFrame, extract: Extract) -> pl.DataFrame:
    missing = [name for name in extract.names if name not in frame.columns]
    if PROBLEM not in frame.columns:
        missing.append(PROBLEM)
    if not missing:
        return frame
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing)


def _extra_columns(frame: pl.DataFrame, extract: Extract) -> list[str]:
    known = {*extract.names, ROW, PROBLEM, REASONS}
    return [name for name in frame.columns if name not in known]


def _parse(column: Column, date_formats: Sequence[str]) -> pl.Expr:
    """The typed value of ``column``: null where empty or where it cannot be read."""
    raw = pl.col(column.name)
    kind = column.type
    value: pl.Expr
    if kind is ColumnType.NHS_NUMBER:
        value = raw.str.replace_all(r"[\s-]", "")
    elif kind is ColumnType.CODE:
        value = _code_value(raw, column.codes or frozenset())
    elif kind in (ColumnType.ICD10, ColumnType.ODS):
        value = raw.str.to_uppercase()
    elif kind is ColumnType.DATE:
        formats = tuple(date_formats)
        value = raw.map_batches(lambda s: _parse_dates(s, formats), return_dtype=pl.Date)
    elif kind is ColumnType.DATETIME:
        formats = tuple(date_formats)
        value = raw.map_batches(
            lambda s: _parse_datetimes(s, formats), return_dtype=pl.Datetime("us")
        )
    elif kind is ColumnType.BOOLEAN:
        value = raw.str.to_lowercase().replace_strict(
            BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean
        )
    elif kind is ColumnType.DECILE:
        value = raw.cast(pl.Int8, strict=False)
    else:  # identifiers, SNOMED CT codes and free text are kept as they are
        value = raw
    return pl.when(raw.is_not_null() & (raw != "")).then(value)


def _rules(column: Column, value: pl.Expr, *, now: datetime) -> list[pl.Expr]:
    """The reasons a row breaks the rules of ``column`` (null where it does not)."""
    raw = pl.col(column.name)
    present = raw.is_not_null() & (raw != "")
    name = column.name
    rules: list[pl.Expr] = []
    if column.required:
        rules.append(pl.when(~present).then(pl.lit(f"{name}: required but empty")))
    kind = column.type
    if kind is ColumnType.NHS_NUMBER:
        rules.append(
            pl.when(present & ~_is_valid_nhs_number(value)).then(
                pl.lit(f"{name}: not a valid NHS number (10 digits passing the Modulus 11 check)")
            )
        )
    elif kind is ColumnType.CODE:
        expected = ", ".join(sorted(column.codes or ()))
        rules.append(
            pl.when(present & value.is_null()).then(
                pl.lit(f"{name}: not a known code ({expected})")
            )
        )
    elif kind is ColumnType.SNOMED:
        rules.append(
            pl.when(present & ~_is_snomed_concept(raw)).then(
                pl.lit(f"{name}: not a SNOMED CT concept identifier")
            )
        )
    elif kind is ColumnType.ICD10:
        rules.append(
            pl.when(present & ~value.str.contains(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")).then(
                pl.lit(f"{name}: not an ICD-10 code")
            )
        )
    elif kind is ColumnType.ODS:
        rules.append(
            pl.when(present & ~value.str.contains(r"^[A-Z0-9]{3,8}$")).then(
                pl.lit(f"{name}: not an ODS code (3 to 8 letters and digits)")
            )
        )
    elif kind is ColumnType.DATE:
        rules.extend(_date_rules(name, present, value, now.date(), "a date (YYYY-MM-DD)"))
    elif kind is ColumnType.DATETIME:
        rules.extend(
            _date_rules(name, present, value, now, "a date and time (YYYY-MM-DDTHH:MM:SS)")
        )
    elif kind is ColumnType.BOOLEAN:
        rules.append(pl.when(present & value.is_null()).then(pl.lit(f"{name}: not true or false")))
    elif kind is ColumnType.DECILE:
        rules.append(
            pl.when(present & ~value.is_between(1, 10).fill_null(False)).then(
                pl.lit(f"{name}: not a whole number from 1 to 10")
            )
        )
    return rules


def _date_rules(
    name: str, present: pl.Expr, value: pl.Expr, latest: date | datetime, expected: str
) -> list[pl.Expr]:
    earliest: date | datetime = EARLIEST_DATE
    if isinstance(latest, datetime):
        earliest = datetime.combine(EARLIEST_DATE, datetime.min.time())
    return [
        pl.when(present & value.is_null()).then(pl.lit(f"{name}: not {expected}")),
        pl.when(present & (value > pl.lit(latest))).then(pl.lit(f"{name}: in the future")),
        pl.when(present & (value < pl.lit(earliest))).then(pl.lit(f"{name}: before 1900")),
    ]


def _code_value(raw: pl.Expr, codes: frozenset[str]) -> pl.Expr:
    """Match codes whatever their case, and restore the leading zero spreadsheets drop."""
    by_folded = {code.casefold(): code for code in codes}
    two_digit = bool(codes) and all(len(c) == 2 and c.isdigit() for c in codes)
    folded = raw.str.to_lowercase()
    if two_digit:
        folded = pl.when(folded.str.contains(r"^\d$")).then("0" + folded).otherwise(folded)
    return folded.replace_strict(by_folded, default=None, return_dtype=pl.String)


def _is_valid_nhs_number(value: pl.Expr) -> pl.Expr:
    """Modulus 11: weights 10 down to 2 on the first nine digits; the tenth is the check digit.

    The ``nhs-number`` package is the reference; tests compare this with it.
    """
    return value.map_batches(_valid_nhs_numbers, return_dtype=pl.Boolean)


def _valid_nhs_numbers(series: pl.Series) -> pl.Series:
    # Integer arithmetic on a materialised column: eager Polars would otherwise re-evaluate the
    # parse once per digit, and slicing ten substrings is slower still.
    number = pl.col("number")
    digits = [(number // 10 ** (9 - i)) % 10 for i in range(10)]
    total = pl.sum_horizontal(d * (10 - i) for i, d in enumerate(digits[:9]))
    check = (11 - total % 11) % 11
    frame = pl.DataFrame({"text": series}).with_columns(
        pl.when(pl.col("text").str.contains(r"^\d{10}$"))
        .then(pl.col("text").cast(pl.Int64, strict=False))
        .alias("number")
    )
    valid = frame.select(((check != 10) & (check == digits[9])).fill_null(False)).to_series()
    # Scottish CHI numbers (0101000000 to 3112999999) start with the date of birth as DDMMYY; the
    # nhs-number package refuses those whose date does not exist. They are rare in English data,
    # so ask the package about each distinct one.
    chi = valid & (frame["number"] <= CHI_LAST).fill_null(False)
    if chi.any():
        refused = [n for n in series.filter(chi).unique().to_list() if not is_valid_nhs_number(n)]
        valid = valid & ~series.is_in(pl.Series(refused, dtype=pl.String).implode())
    return valid


# Verhoeff tables (dihedral group D5 multiplication, permutation), as the SNOMED CT technical
# implementation guide specifies for the check digit of every component identifier.
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def is_snomed_concept_id(text: str) -> bool:
    """A SNOMED CT concept identifier: 6 to 18 digits, no leading zero, partition 00 or 10,
    and a valid Verhoeff check digit."""
    if not (6 <= len(text) <= 18 and text.isdigit() and text[0] != "0"):
        return False
    if text[-3:-1] not in ("00", "10"):
        return False
    check = 0
    for position, digit in enumerate(reversed(text)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def _is_snomed_concept(raw: pl.Expr) -> pl.Expr:
    # Few distinct codes appear in a file, so check each distinct value once in Python.
    return raw.map_batches(_snomed_batch, return_dtype=pl.Boolean)


def _snomed_batch(series: pl.Series) -> pl.Series:
    unique = series.drop_nulls().unique()
    valid = [code for code in unique.to_list() if is_snomed_concept_id(code)]
    return series.is_in(pl.Series(valid, dtype=pl.String).implode())


def _first_readable(
    series: pl.Series, attempts: Sequence[Callable[[pl.Series], pl.Series]]
) -> pl.Series:
    """Apply ``attempts`` in order, each only to the values no earlier attempt could read.

    Nearly every file uses one format throughout, so the first attempt usually reads all of it
    and the rest cost nothing; trying every format on every value was most of the import time.
    """
    result = attempts[0](series)
    for attempt in attempts[1:]:
        unread = result.is_null() & series.is_not_null()
        if not unread.any():
            break
        positions = unread.arg_true()
        parsed = attempt(series.gather(positions))
        result = result.scatter(positions, parsed)
    return result


def _datetime_attempts(formats: Sequence[str]) -> list[Callable[[pl.Series], pl.Series]]:
    def with_format(fmt: str) -> Callable[[pl.Series], pl.Series]:
        return lambda s: s.str.to_datetime(fmt, strict=False, time_unit="us")

    def with_offset(fmt: str) -> Callable[[pl.Series], pl.Series]:
        return lambda s: (
            s.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
            .dt.convert_time_zone(LOCAL_ZONE)
            .dt.replace_time_zone(None)
        )

    return [
        *(with_format(fmt) for fmt in formats),
        lambda s: s.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
        *(with_offset(fmt) for fmt in OFFSET_FORMATS),
        _excel_serial,
    ]


def _parse_datetimes(series: pl.Series, extra_formats: Sequence[str]) -> pl.Series:
    return _first_readable(series, _datetime_attempts((*DATETIME_FORMATS, *extra_formats)))


def _parse_dates(series: pl.Series, extra_formats: Sequence[str]) -> pl.Series:
    # A date-time in a date column (an XLSX date cell, a warehouse timestamp) keeps its date.
    attempts: list[Callable[[pl.Series], pl.Series]] = [
        *(
            (lambda s, fmt=fmt: s.str.to_date(fmt, strict=False))
            for fmt in (*DATE_FORMATS, *extra_formats)
        ),
        *(
            (lambda s, attempt=attempt: attempt(s).dt.date())
            for attempt in _datetime_attempts(DATETIME_FORMATS)
        ),
    ]
    return _first_readable(series, attempts)


def _excel_serial(series: pl.Series) -> pl.Series:
    raw = pl.col("raw")
    serial = pl.when(raw.str.contains(SERIAL_PATTERN)).then(raw.cast(pl.Float64, strict=False))
    in_range = serial.is_between(EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX)
    # Round to the second: Excel stores times as fractions of a day, which rarely land exactly.
    milliseconds = (serial * 86_400).round(0).cast(pl.Int64) * 1000
    moment = pl.lit(EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(milliseconds=milliseconds)
    frame = pl.DataFrame({"raw": series})
    return frame.select(pl.when(in_range).then(moment).alias(series.name)).to_series()
