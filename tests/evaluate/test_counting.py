"""Spec: windows, censoring and bed days, read from a real store made from text.

Windows are half-open on the event's day: before ``[e - w months, e)``, after
``[e, e + w months)``. Follow-up after ends at death or at the end of the data; before windows
start no earlier than the data. Bed days of an admission in a window run from admission to
discharge, capped at the window's end; a spell still open counts to the end.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from evaluate_support import NUMBERS, text_store

from hiu.evaluate.cohort import Cohort, CohortMember
from hiu.evaluate.run import evaluate
from hiu.identify.rules import load_rules
from hiu.store.store import Store

ADA, BEN, CY = NUMBERS[0], NUMBERS[1], NUMBERS[2]
YEAR = 365.25
DATA_END = date(2024, 12, 31)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return text_store(
        tmp_path_factory.mktemp("counting"),
        people=f"""
            nhs_number,date_of_birth,sex,date_of_death
            {ADA},1980-05-01,2,
            {BEN},1950-02-01,1,2024-08-15
            {CY},1990-09-09,1,
        """,
        ed_attendances=f"""
            attendance_id,nhs_number,arrival_datetime,site_code
            E1,{ADA},2024-01-15T09:00:00,RQX01
            E2,{ADA},2024-03-31T10:00:00,RQX01
            E3,{ADA},2024-04-01T00:00:00,RQX01
            E4,{ADA},2024-06-30T23:59:00,RQX01
            E5,{ADA},2024-07-01T00:00:00,RQX01
            E6,{ADA},2024-09-30T23:00:00,RQX01
            E7,{ADA},2024-10-01T00:00:00,RQX01
            E8,{BEN},2024-08-10T10:00:00,RQX01
            E9,{CY},2024-11-20T10:00:00,RQX01
        """,
        admissions=f"""
            spell_id,nhs_number,admission_datetime,discharge_datetime,admission_method,site_code
            S1,{ADA},2024-09-25T10:00:00,2024-10-05T12:00:00,21,RQX01
            S2,{ADA},2024-12-20T18:00:00,,21,RQX01
            S3,{ADA},2024-08-01T09:00:00,2024-08-03T09:00:00,11,RQX01
        """,
    )


def run(store: Store, *members: CohortMember) -> dict[str, Any]:
    return evaluate(
        store,
        Cohort.from_members(members),
        load_rules("rightcare"),
        replicates=20,
        data_end=DATA_END,
    )


def naive(result: dict[str, Any], window: str, activity: str = "ed_attendances") -> Any:
    return result["naive"][window][activity]


def years(days: int) -> float:
    return round(days / YEAR, 4)


def test_windows_are_half_open_on_the_event_s_day(store: Store) -> None:
    result = run(store, CohortMember(ADA, date(2024, 7, 1)))
    # Before 3 months, 1 April to 30 June: E3 (the first minute of 1 April) and E4; not E2.
    assert naive(result, "3")["before"]["events"] == 2
    assert naive(result, "3")["before"]["person_years"] == years(91)
    # After 3 months, 1 July to 30 September: E5 (midnight on the engaged date) and E6; not E7.
    assert naive(result, "3")["after"]["events"] == 2
    assert naive(result, "3")["after"]["person_years"] == years(92)
    assert naive(result, "6")["after"]["events"] == 3


def test_before_windows_start_no_earlier_than_the_data(store: Store) -> None:
    result = run(store, CohortMember(ADA, date(2024, 7, 1)))
    assert result["run"]["data_start"] == "2024-01-15"
    six = naive(result, "6")["before"]
    # 1 January would be 6 months back; the data starts on 15 January: 168 days, E1 to E4.
    assert six["person_years"] == years(168)
    assert six["events"] == 4
    assert naive(result, "12")["before"]["person_years"] == years(168)


def test_follow_up_ends_at_the_end_of_the_data(store: Store) -> None:
    result = run(store, CohortMember(CY, date(2024, 11, 1)))
    # 1 November to 31 December 2024 is all there is, whatever the window.
    for window in ("3", "6", "12"):
        assert naive(result, window)["after"]["person_years"] == years(61)
        assert naive(result, window)["after"]["events"] == 1
    assert "end of the data (2024-12-31)" in result["censoring"]


def test_follow_up_ends_at_death(store: Store) -> None:
    result = run(store, CohortMember(BEN, date(2024, 7, 1)))
    # Died on 15 August: followed up 1 July to 15 August inclusive, 46 days.
    for window in ("3", "12"):
        assert naive(result, window)["after"]["person_years"] == years(46)
        assert naive(result, window)["after"]["events"] == 1
    assert naive(result, "3")["after"]["rate"] == pytest.approx(1 / (46 / YEAR), rel=1e-5)


def test_bed_days_are_capped_at_the_window_s_end_and_open_spells_run_to_the_end(
    store: Store,
) -> None:
    result = run(store, CohortMember(ADA, date(2024, 7, 1)))
    # S1, 25 September to 5 October: 6 nights before 1 October, 10 in all. S2 is still open on
    # 31 December: 12 nights to the end of the data. S3 is elective and does not count.
    assert naive(result, "3", "admissions")["after"]["events"] == 1
    assert naive(result, "3", "bed_days")["after"]["events"] == 6
    assert naive(result, "6", "admissions")["after"]["events"] == 2
    assert naive(result, "6", "bed_days")["after"]["events"] == 10 + 12


def test_a_window_with_nothing_before_cannot_be_estimated_and_says_null(store: Store) -> None:
    result = run(store, CohortMember(CY, date(2024, 11, 1)))
    assert naive(result, "3")["before"]["events"] == 0
    assert naive(result, "3")["estimate"] is None
    assert naive(result, "3")["ci_low"] is None


def test_a_cohort_with_no_candidate_controls_is_reported_unmatched(store: Store) -> None:
    result = run(store, CohortMember(ADA, date(2024, 7, 1)))
    assert result["matching"]["unmatched_cases"] == 1
    assert result["matched"]["6"]["ed_attendances"]["estimate"] is None
    assert result["trajectories"]["matched"]["ed_attendances"] == [None] * 24
