"""Spec: combined thresholds (``all_of``), as Southport and Formby's: four or more A&E
attendances and two or more emergency admissions in the same window.

A combined threshold is met on the day of an event of any of its services when every part
reaches its count in the window ending that day. Its strength is the smaller of its parts'
ratios, and it counts towards the spread once for each of its services.
"""

from __future__ import annotations

from pathlib import Path

from identify_support import RunEngine
from spec_support import day, listed, one, rule_set, run

SOUTHPORT = """
    [list]
    period_days = 365

    [counting.ed]
    exclude_attendance_categories = ["4"]

    [[thresholds]]
    name = "ed_and_admissions_year"
    window = "period"
    all_of = [
      { service = "ed", at_least = 4 },
      { service = "emergency_admissions", at_least = 2 },
    ]
"""

ED = """
    nhs_number | arrival_datetime | attendance_category
    9000000001 | 2024-01-10       | 1
    9000000001 | 2024-02-10       | 1
    9000000001 | 2024-03-10       | 1
    9000000001 | 2024-04-10       | 1
    9000000002 | 2024-01-10       | 1
    9000000002 | 2024-02-10       | 1
    9000000002 | 2024-03-10       | 1
    9000000002 | 2024-04-10       | 4
    9000000003 | 2024-01-10       | 1
    9000000003 | 2024-02-10       | 1
    9000000003 | 2024-03-10       | 1
    9000000003 | 2024-04-10       | 1
"""


def test_both_parts_must_reach_their_counts(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, SOUTHPORT)
    result = run(
        engine,
        rules,
        "2024-12-31",
        ed_attendances=ED,
        admissions="""
            nhs_number | admission_datetime | admission_method
            9000000001 | 2024-05-01         | 21
            9000000001 | 2024-06-01         | 21
            9000000002 | 2024-05-01         | 21
            9000000002 | 2024-06-01         | 21
            9000000003 | 2024-05-01         | 21
            9000000003 | 2024-06-01         | 11
        """,
    )
    # Person 2's fourth attendance was planned; person 3's second admission elective. Person 1
    # is eligible on the day of the second admission, the day both parts are reached.
    assert listed(result) == {"9000000001": day("2024-06-01")}
    person = one(result, "9000000001")
    assert (person["spread"], person["intensity"]) == (2, 1.0)
    assert person["thresholds_met"] == "ed_and_admissions_year"


def test_met_on_the_day_of_an_event_of_either_service(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, SOUTHPORT)
    result = run(
        engine,
        rules,
        "2024-12-31",
        ed_attendances=ED,
        admissions="""
            nhs_number | admission_datetime | admission_method
            9000000001 | 2024-01-05         | 21
            9000000001 | 2024-01-06         | 21
        """,
    )
    # The admissions come first; the fourth attendance completes the threshold.
    assert listed(result) == {"9000000001": day("2024-04-10")}


def test_strength_is_the_smaller_ratio_at_its_best(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, SOUTHPORT)
    result = run(
        engine,
        rules,
        "2024-12-31",
        ed_attendances=ED
        + """
            9000000001 | 2024-07-10 | 1
            9000000001 | 2024-08-10 | 1
            9000000001 | 2024-09-10 | 1
            9000000001 | 2024-10-10 | 1
        """,
        admissions="""
            nhs_number | admission_datetime | admission_method
            9000000001 | 2024-05-01         | 21
            9000000001 | 2024-06-01         | 21
            9000000001 | 2024-11-01         | 21
        """,
    )
    # On 1 November: 8 of 4 attendances (2.0) and 3 of 2 admissions (1.5): the smaller is 1.5.
    assert one(result, "9000000001")["intensity"] == 1.5


def test_both_parts_must_fall_in_the_same_rolling_window(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(
        tmp_path,
        """
        [list]
        period_days = 365

        [[thresholds]]
        name = "ed_and_ambulance_month"
        window_days = 30
        all_of = [
          { service = "ed", at_least = 2 },
          { service = "ambulance", at_least = 1 },
        ]
        """,
    )
    result = run(
        engine,
        rules,
        "2024-12-31",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-03-01
            9000000001 | 2024-03-05
            9000000002 | 2024-03-01
            9000000002 | 2024-03-05
        """,
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000001 | 2024-03-30
            9000000002 | 2024-03-31
        """,
    )
    # 30 March is 29 days after 1 March; 31 March is 30 days after it.
    assert listed(result) == {"9000000001": day("2024-03-30")}


def test_a_combined_and_a_single_threshold_are_each_met(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(
        tmp_path,
        SOUTHPORT
        + """
    [[thresholds]]
    name = "ambulance_year"
    service = "ambulance"
    at_least = 2
    window = "period"
    """,
    )
    result = run(
        engine,
        rules,
        "2024-12-31",
        ed_attendances=ED,
        admissions="""
            nhs_number | admission_datetime | admission_method
            9000000001 | 2024-05-01         | 21
            9000000001 | 2024-06-01         | 21
        """,
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000001 | 2024-02-01
            9000000001 | 2024-02-02
            9000000001 | 2024-02-03
        """,
    )
    person = one(result, "9000000001")
    assert person["thresholds_met"] == "ed_and_admissions_year; ambulance_year"
    assert (person["eligibility_date"], person["spread"], person["intensity"]) == (
        day("2024-02-02"),
        3,
        2.5,
    )
