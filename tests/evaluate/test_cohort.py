"""Spec: reading the cohort file. Bad rows are named by row, column and reason, never value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from evaluate_support import NUMBERS

from hiu.evaluate.cohort import Cohort, CohortError, CohortMember, read_cohort

GOOD, OTHER, THIRD = NUMBERS[0], NUMBERS[1], NUMBERS[2]
#: Ten digits whose check digit is wrong.
BAD = GOOD[:9] + str((int(GOOD[9]) + 1) % 10)


def cohort_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_text(text)
    return path


def test_a_good_file_gives_its_members_in_order(tmp_path: Path) -> None:
    cohort = read_cohort(
        cohort_file(
            tmp_path,
            "nhs_number,engaged_date,identified_date\n"
            f"{GOOD},2024-05-01,2024-04-01\n{OTHER},2024-06-02,\n",
        )
    )
    assert cohort.members == (
        CohortMember(GOOD, date(2024, 5, 1), date(2024, 4, 1)),
        CohortMember(OTHER, date(2024, 6, 2), None),
    )
    assert (cohort.rows, cohort.people, cohort.rejected) == (2, 2, [])


def test_bad_rows_are_left_out_and_named_by_row_column_and_reason_without_their_value(
    tmp_path: Path,
) -> None:
    cohort = read_cohort(
        cohort_file(
            tmp_path,
            "NHS_Number,Engaged_Date,identified_date,notes\n"
            f"{BAD},2024-05-01,,x\n"
            f"{GOOD},01/05/2024,,x\n"
            f"{OTHER},2024-05-01,2024-06-01,x\n"
            f",2024-05-01,,x\n"
            f"{THIRD},2024-05-01,,x\n",
        )
    )
    assert [m.nhs_number for m in cohort.members] == [THIRD]
    assert cohort.rows == 5
    assert [(r["row"], r["column"]) for r in cohort.rejected] == [
        (2, "nhs_number"),
        (3, "engaged_date"),
        (4, "identified_date"),
        (5, "nhs_number"),
    ]
    assert cohort.rejected[0]["reason"] == (
        "is not a valid NHS number (10 digits with a correct check digit)"
    )
    assert cohort.rejected[1]["reason"] == "is not a date written YYYY-MM-DD"
    assert cohort.rejected[2]["reason"] == "is after the engaged date"
    text = repr(cohort.rejected)
    for value in (BAD, GOOD, OTHER, "01/05/2024", "2024-06-01"):
        assert value not in text


def test_a_person_on_two_rows_keeps_their_first_engagement(tmp_path: Path) -> None:
    cohort = read_cohort(
        cohort_file(
            tmp_path,
            f"nhs_number,engaged_date\n{GOOD},2024-05-01\n\n{OTHER},2024-05-02\n{GOOD},2024-09-01\n",
        )
    )
    assert [(m.nhs_number, m.engaged_date) for m in cohort.members] == [
        (GOOD, date(2024, 5, 1)),
        (OTHER, date(2024, 5, 2)),
    ]
    # The blank line 3 is skipped but still counted as a line of the file.
    assert cohort.rejected == [
        {
            "row": 5,
            "column": "nhs_number",
            "reason": "the same person is on row 2: their first engagement is kept",
        }
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("nhs_number,date\n", "has no engaged_date column"),
        ("engaged_date\n2024-01-01\n", "has no nhs_number column"),
    ],
)
def test_a_file_without_the_columns_cannot_be_read(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CohortError, match=message):
        read_cohort(cohort_file(tmp_path, text))


def test_members_from_the_web_app_are_checked_the_same_way() -> None:
    cohort = Cohort.from_members(
        [
            CohortMember(GOOD, date(2024, 5, 1)),
            CohortMember(BAD, date(2024, 5, 1)),
            CohortMember(GOOD, date(2024, 7, 1)),
            CohortMember(OTHER, date(2024, 5, 1), identified_date=date(2024, 6, 1)),
        ]
    )
    assert cohort.people == 1
    assert [(r["row"], r["column"]) for r in cohort.rejected] == [
        (2, "nhs_number"),
        (3, "nhs_number"),
        (4, "identified_date"),
    ]
