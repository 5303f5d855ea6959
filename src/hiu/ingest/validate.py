"""Row-by-row validation of an extract, vectorised with Polars.

The input is a chunk as the readers give it: every column text, plus ``_row`` (the row number the
user sees) and ``_problem`` (set when the row could not be read cleanly). The output splits it
into accepted rows, typed for the store, and rejected rows, kept exactly as read with the
reasons they were rejected.

A reason names the column and the rule broken, never the value: reasons are shown on web pages
and counted in manifests, while the values themselves go only to the quarantine file. Duplicate
identifiers are found across the whole file, so the pipeline checks them after every chunk has
been validated (see :func:`duplicate_key_reason`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from hiu.schemas import Column, ColumnType, Extract

ROW = "_row"
PROBLEM = "_problem"
REASONS = "_reasons"

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
    parsed: dict[str, pl.Expr] = {}
    checks: list[pl.Expr] = [
        pl.when(pl.col(PROBLEM).is_not_null()).then(pl.col(PROBLEM)),
    ]
    for column in extract.columns:
        value, broken = _column_rules(column, now=now, date_formats=date_formats)
        parsed[column.name] = value
        checks.extend(broken)
    if extract.start and extract.end:
        checks.append(
            pl.when(parsed[extract.end] < parsed[extract.start]).then(
                pl.lit(f"{extract.end}: before {extract.start}")
            )
        )
    reasons = pl.concat_list(checks).list.drop_nulls().list.join("; ")
    checked = frame.with_columns(reasons.alias(REASONS))
    ok = pl.col(REASONS) == ""
    accepted = checked.filter(ok).select(
        pl.col(ROW),
        *(expr.alias(name) for name, expr in parsed.items()),
        *(pl.col(name) for name in _extra_columns(frame, extract)),
    )
    rejected = checked.filter(~ok).drop(PROBLEM)
    return Validated(accepted=accepted, rejected=rejected)


def duplicate_key_reason(extract: Extract) -> str:
    return f"{extract.key}: the same identifier is on more than one row of this file"


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


def _column_rules(
    column: Column, *, now: datetime, date_formats: Sequence[str]
) -> tuple[pl.Expr, list[pl.Expr]]:
    """The typed value of ``column`` and the reasons a row breaks its rules (null when not)."""
    raw = pl.col(column.name)
    present = raw.is_not_null() & (raw != "")
    name = column.name
    rules: list[pl.Expr] = []
    if column.required:
        rules.append(pl.when(~present).then(pl.lit(f"{name}: required but empty")))

    kind = column.type
    if kind is ColumnType.NHS_NUMBER:
        value = raw.str.replace_all(r"[\s-]", "")
        rules.append(
            pl.when(present & ~_is_valid_nhs_number(value)).then(
                pl.lit(f"{name}: not a valid NHS number (10 digits passing the Modulus 11 check)")
            )
        )
    elif kind is ColumnType.CODE:
        value, known = _code_value(raw, column.codes or frozenset())
        expected = ", ".join(sorted(column.codes or ()))
        rules.append(
            pl.when(present & ~known).then(pl.lit(f"{name}: not a known code ({expected})"))
        )
    elif kind is ColumnType.SNOMED:
        value = raw
        rules.append(
            pl.when(present & ~_is_snomed_concept(raw)).then(
                pl.lit(f"{name}: not a SNOMED CT concept identifier")
            )
        )
    elif kind is ColumnType.ICD10:
        value = raw.str.to_uppercase()
        rules.append(
            pl.when(present & ~value.str.contains(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")).then(
                pl.lit(f"{name}: not an ICD-10 code")
            )
        )
    elif kind is ColumnType.ODS:
        value = raw.str.to_uppercase()
        rules.append(
            pl.when(present & ~value.str.contains(r"^[A-Z0-9]{3,8}$")).then(
                pl.lit(f"{name}: not an ODS code (3 to 8 letters and digits)")
            )
        )
    elif kind is ColumnType.DATE:
        value = _parse_date(raw, date_formats)
        rules.extend(_date_rules(name, present, value, now.date(), "a date (YYYY-MM-DD)"))
    elif kind is ColumnType.DATETIME:
        value = _parse_datetime(raw, date_formats)
        rules.extend(
            _date_rules(name, present, value, now, "a date and time (YYYY-MM-DDTHH:MM:SS)")
        )
    elif kind is ColumnType.BOOLEAN:
        value = raw.str.to_lowercase().replace_strict(
            BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean
        )
        rules.append(pl.when(present & value.is_null()).then(pl.lit(f"{name}: not true or false")))
    elif kind is ColumnType.DECILE:
        value = raw.cast(pl.Int8, strict=False)
        rules.append(
            pl.when(present & ~value.is_between(1, 10).fill_null(False)).then(
                pl.lit(f"{name}: not a whole number from 1 to 10")
            )
        )
    else:  # identifiers and free text are kept as they are
        value = raw
    return pl.when(present).then(value), rules


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


def _code_value(raw: pl.Expr, codes: frozenset[str]) -> tuple[pl.Expr, pl.Expr]:
    """Match codes whatever their case, and restore the leading zero spreadsheets drop."""
    by_folded = {code.casefold(): code for code in codes}
    two_digit = bool(codes) and all(len(c) == 2 and c.isdigit() for c in codes)
    folded = raw.str.to_lowercase()
    if two_digit:
        folded = pl.when(folded.str.contains(r"^\d$")).then("0" + folded).otherwise(folded)
    value = folded.replace_strict(by_folded, default=None, return_dtype=pl.String)
    return value, value.is_not_null()


def _is_valid_nhs_number(value: pl.Expr) -> pl.Expr:
    """Modulus 11: weights 10 down to 2 on the first nine digits; the tenth is the check digit.

    The ``nhs-number`` package is the reference; tests compare this expression with it.
    """
    digits = [value.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(10)]
    total = pl.sum_horizontal(d * (10 - i) for i, d in enumerate(digits[:9]))
    check = (11 - total % 11) % 11
    return (value.str.contains(r"^\d{10}$") & (check != 10) & (check == digits[9])).fill_null(False)


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
    return series.is_in(pl.Series(valid, dtype=pl.String))


def _parse_datetime(raw: pl.Expr, extra_formats: Sequence[str]) -> pl.Expr:
    attempts = [
        raw.str.to_datetime(fmt, strict=False, time_unit="us")
        for fmt in (*DATETIME_FORMATS, *extra_formats)
    ]
    attempts.append(raw.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")))
    attempts.extend(
        raw.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
        .dt.convert_time_zone(LOCAL_ZONE)
        .dt.replace_time_zone(None)
        for fmt in OFFSET_FORMATS
    )
    attempts.append(_excel_serial(raw))
    return pl.coalesce(attempts)


def _parse_date(raw: pl.Expr, extra_formats: Sequence[str]) -> pl.Expr:
    attempts = [raw.str.to_date(fmt, strict=False) for fmt in (*DATE_FORMATS, *extra_formats)]
    # A date-time in a date column (an XLSX date cell, a warehouse timestamp) keeps its date.
    attempts.extend(
        raw.str.to_datetime(fmt, strict=False, time_unit="us").dt.date() for fmt in DATETIME_FORMATS
    )
    attempts.append(_excel_serial(raw).dt.date())
    return pl.coalesce(attempts)


def _excel_serial(raw: pl.Expr) -> pl.Expr:
    serial = pl.when(raw.str.contains(SERIAL_PATTERN)).then(raw.cast(pl.Float64, strict=False))
    in_range = serial.is_between(EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX)
    # Round to the second: Excel stores times as fractions of a day, which rarely land exactly.
    milliseconds = (serial * 86_400).round(0).cast(pl.Int64) * 1000
    return pl.when(in_range).then(
        pl.lit(EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(milliseconds=milliseconds)
    )
