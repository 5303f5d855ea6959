"""Row validation: each rule, the reasons it gives, and the typed values it keeps."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nhs_number.validate import calculate_checksum, is_valid

from hiu.ingest.validate import is_snomed_concept_id, validate_chunk
from hiu.schemas import ADMISSIONS, ED_ATTENDANCES, PEOPLE, PROBLEM, REASONS, ROW, Extract
from hiu.synth.nhs_number import synthetic_nhs_numbers

NOW = datetime(2026, 11, 23, 12, 0)
GOOD_NHS = "9434765919"


def _frame(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
    return frame.with_columns(
        pl.Series(ROW, range(2, len(rows) + 2), dtype=pl.Int64),
        pl.lit(None, dtype=pl.String).alias(PROBLEM),
    )


def _ed(**overrides: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "attendance_id": "A1",
        "nhs_number": GOOD_NHS,
        "arrival_datetime": "2024-03-05T10:00:00",
        "departure_datetime": "2024-03-05T13:30:00",
        "site_code": "RXH01",
        "department_type": "01",
        "attendance_category": "1",
        "arrival_mode": "1048031000000100",
        "chief_complaint": "29857009",
    }
    row.update(overrides)
    return row


def _reasons(extract: Extract, **overrides: str | None) -> str:
    builder = _ed if extract is ED_ATTENDANCES else _person
    result = validate_chunk(_frame([builder(**overrides)]), extract, now=NOW)
    if result.accepted.height:
        return ""
    return str(result.rejected[REASONS][0])


def _person(**overrides: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "nhs_number": GOOD_NHS,
        "date_of_birth": "1970-01-31",
        "sex": "2",
        "care_home": "false",
        "imd_decile": "3",
    }
    row.update(overrides)
    return row


def test_it_accepts_a_good_row_and_types_its_values() -> None:
    result = validate_chunk(_frame([_ed()]), ED_ATTENDANCES, now=NOW)
    assert result.rejected.height == 0
    row = result.accepted.row(0, named=True)
    assert row["arrival_datetime"] == datetime(2024, 3, 5, 10, 0)
    assert row["departure_datetime"] == datetime(2024, 3, 5, 13, 30)
    assert row[ROW] == 2
    # Optional canonical columns the file did not have are there, empty.
    assert row["discharge_destination"] is None


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number: not a valid NHS number"),
        ({"nhs_number": "94347659"}, "nhs_number: not a valid NHS number"),
        ({"nhs_number": None}, "nhs_number: required but empty"),
        ({"attendance_id": ""}, "attendance_id: required but empty"),
        ({"arrival_datetime": "05/03/2024 10:00"}, "arrival_datetime: not a date and time"),
        ({"arrival_datetime": "2024-02-30T10:00:00"}, "arrival_datetime: not a date and time"),
        ({"arrival_datetime": "2026-11-24T09:00:00"}, "arrival_datetime: in the future"),
        ({"departure_datetime": "2024-03-05T09:59:00"}, "departure_datetime: before arrival"),
        ({"department_type": "07"}, "department_type: not a known code (01, 02, 03, 04, 05)"),
        ({"attendance_category": "9"}, "attendance_category: not a known code"),
        ({"chief_complaint": "29857008"}, "chief_complaint: not a SNOMED CT concept"),
        ({"site_code": "R!"}, "site_code: not an ODS code"),
    ],
)
def test_it_rejects_a_row_naming_the_column_and_rule(
    overrides: dict[str, str | None], reason: str
) -> None:
    assert reason in _reasons(ED_ATTENDANCES, **overrides)


def test_it_gives_every_reason_a_row_has_and_never_its_values() -> None:
    reasons = _reasons(ED_ATTENDANCES, nhs_number="9434765918", arrival_datetime="yesterday")
    assert reasons.count("; ") == 1
    assert "9434765918" not in reasons
    assert "yesterday" not in reasons


def test_it_rejects_a_row_the_reader_flagged() -> None:
    frame = _frame([_ed()]).with_columns(
        pl.lit("the row has 14 values; the header has 12").alias(PROBLEM)
    )
    result = validate_chunk(frame, ED_ATTENDANCES, now=NOW)
    assert result.rejected[REASONS][0] == "the row has 14 values; the header has 12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05T10:00:00", datetime(2024, 3, 5, 10, 0)),
        ("2024-03-05 10:00", datetime(2024, 3, 5, 10, 0)),
        ("2024-03-05T10:00:00.250000", datetime(2024, 3, 5, 10, 0, 0, 250000)),
        ("2024-03-05", datetime(2024, 3, 5)),
        ("20240305101500", datetime(2024, 3, 5, 10, 15)),
        # Summer time: 09:00 UTC is 10:00 in London.
        ("2024-07-05T09:00:00Z", datetime(2024, 7, 5, 10, 0)),
        ("2024-07-05T10:00:00+01:00", datetime(2024, 7, 5, 10, 0)),
        # Excel serial date-times: whole days since 1899-12-30, the fraction is the time.
        ("45356.5", datetime(2024, 3, 5, 12, 0)),
        ("45356", datetime(2024, 3, 5)),
    ],
)
def test_it_reads_the_date_time_forms_extracts_use(text: str, expected: datetime) -> None:
    result = validate_chunk(
        _frame([_ed(arrival_datetime=text, departure_datetime=None)]), ED_ATTENDANCES, now=NOW
    )
    assert result.accepted["arrival_datetime"].to_list() == [expected]


def test_it_reads_dates_in_a_profiles_formats() -> None:
    frame = _frame([_ed(arrival_datetime="05/03/2024 10:00", departure_datetime=None)])
    result = validate_chunk(frame, ED_ATTENDANCES, now=NOW, date_formats=["%d/%m/%Y %H:%M"])
    assert result.accepted["arrival_datetime"].to_list() == [datetime(2024, 3, 5, 10, 0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-01-31", date(1970, 1, 31)),
        ("25599", date(1970, 1, 31)),
        ("19700131", date(1970, 1, 31)),
        ("1970-01-31T00:00:00", date(1970, 1, 31)),
    ],
)
def test_it_reads_dates(text: str, expected: date) -> None:
    result = validate_chunk(_frame([_person(date_of_birth=text)]), PEOPLE, now=NOW)
    assert result.accepted["date_of_birth"].to_list() == [expected]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"date_of_birth": "2026-11-24"}, "date_of_birth: in the future"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth: before 1900"),
        ({"sex": "F"}, "sex: not a known code (1, 2, 9, X)"),
        ({"care_home": "maybe"}, "care_home: not true or false"),
        ({"imd_decile": "11"}, "imd_decile: not a whole number from 1 to 10"),
        ({"date_of_birth": None}, "date_of_birth: required but empty"),
    ],
)
def test_it_checks_demographics(overrides: dict[str, str | None], reason: str) -> None:
    assert reason in _reasons(PEOPLE, **overrides)


def test_it_restores_dropped_leading_zeros_and_folds_case_of_codes() -> None:
    frame = _frame([_ed(department_type="3")])
    assert validate_chunk(frame, ED_ATTENDANCES, now=NOW).accepted["department_type"][0] == "03"
    person = validate_chunk(_frame([_person(sex="x", care_home="Yes")]), PEOPLE, now=NOW)
    assert person.accepted.select("sex", "care_home").row(0) == ("X", True)


def test_it_accepts_open_spells_and_emergency_admission_codes() -> None:
    frame = _frame(
        [
            {
                "spell_id": "S1",
                "nhs_number": GOOD_NHS,
                "admission_datetime": "2024-01-01T10:00",
                "discharge_datetime": None,
                "admission_method": "2a",
                "primary_diagnosis": "r07.4",
            }
        ]
    )
    result = validate_chunk(frame, ADMISSIONS, now=NOW)
    assert result.accepted.select("admission_method", "primary_diagnosis").row(0) == ("2A", "R07.4")


def test_it_keeps_extra_columns_as_text() -> None:
    frame = _frame([{**_ed(), "Ward notes": '=HYPERLINK("x")'}])
    result = validate_chunk(frame, ED_ATTENDANCES, now=NOW)
    assert result.accepted["Ward notes"].to_list() == ['=HYPERLINK("x")']


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(alphabet="0123456789 -", min_size=0, max_size=13),
        st.integers(0, 9_999_999_999).map(lambda n: f"{n:010d}"),
        # Numbers whose check digit is right, so both sides of the comparison are exercised.
        st.integers(0, 999_999_999).map(
            lambda n: f"{n:09d}{(calculate_checksum(f'{n:09d}') or 0) % 10}"
        ),
    )
)
def test_its_modulus_11_check_agrees_with_the_nhs_number_package(text: str) -> None:
    frame = _frame([_person(nhs_number=text or None)])
    accepted = validate_chunk(frame, PEOPLE, now=NOW).accepted.height == 1
    digits = text.replace(" ", "").replace("-", "")
    assert accepted == (len(digits) == 10 and is_valid(digits))


def test_it_accepts_every_synthetic_nhs_number() -> None:
    numbers = synthetic_nhs_numbers(np.arange(5000, dtype=np.int64), offset=12345)
    frame = _frame([_person(nhs_number=str(n)) for n in numbers])
    assert validate_chunk(frame, PEOPLE, now=NOW).rejected.height == 0


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("138875005", True),  # SNOMED CT concept, the root
        ("29857009", True),  # chest pain
        ("1048031000000100", True),  # ECDS arrival mode: emergency road ambulance
        ("29857008", False),  # check digit changed
        ("29857019", False),  # partition 01: a description, not a concept
        ("012345", False),
        ("12345", False),
        ("abc", False),
    ],
)
def test_it_checks_snomed_concept_identifiers(code: str, valid: bool) -> None:
    assert is_snomed_concept_id(code) is valid


def test_accepted_rows_hold_the_canonical_and_extra_columns_only() -> None:
    frame = _frame([{**_ed(), "Ward": "A"}])
    accepted = validate_chunk(frame, ED_ATTENDANCES, now=NOW).accepted
    assert accepted.columns == [ROW, *ED_ATTENDANCES.names, "Ward"]
