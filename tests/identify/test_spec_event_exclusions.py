"""Spec: which events count.

``[counting.ed]`` can exclude attendance categories (4 is a planned follow-up) and code lists
(an attendance whose chief complaint or diagnosis is one of the list's SNOMED CT concepts).
An emergency admission is a spell with an emergency admission method (21-25, 2A-2D, 28);
``[counting.emergency_admissions]`` can exclude code lists by ICD-10 prefix of the primary
diagnosis, dots ignored. Ambulance incidents and 111 calls all count.
"""

from __future__ import annotations

from pathlib import Path

from identify_support import RunEngine
from spec_support import day, listed, rows, rule_set, run

CODELISTS = """
    [codelists.sickle_cell]
    snomed = ["417357006", "127040003"]
    icd10 = ["D57"]

    [codelists.wound_care]
    snomed = ["225358003"]

    [codelists.sickness_in_pregnancy]
    snomed = ["14094001"]
    icd10 = ["O21.0"]
"""


def ed_rules(counting: str) -> str:
    return f"""
        [list]
        period_days = 30

        [counting.ed]
        {counting}
        {CODELISTS}

        [[thresholds]]
        name = "ed"
        service = "ed"
        at_least = 2
        window_days = 30
        """


def test_excluded_presentations_do_not_count_by_complaint_or_diagnosis(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules('exclude_codelists = ["sickle_cell", "wound_care"]'))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime | chief_complaint | diagnosis
            9000000001 | 2024-06-01       | 417357006       | 21522001
            9000000001 | 2024-06-02       | 21522001        | 127040003
            9000000001 | 2024-06-03       | 225358003       |
            9000000001 | 2024-06-04       | 21522001        |
            9000000002 | 2024-06-01       | 21522001        | 21522001
            9000000002 | 2024-06-09       |                 |
            9000000003 | 2024-06-01       | 14094001        |
            9000000003 | 2024-06-02       |                 | 14094001
        """,
    )
    # Person 1 has one counting attendance; pregnancy sickness is not excluded here.
    assert listed(result) == {"9000000002": day("2024-06-09"), "9000000003": day("2024-06-02")}
    assert rows(result.listed, "nhs_number", "ed_30d") == [("9000000003", 2), ("9000000002", 2)]


def test_planned_follow_ups_do_not_count(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules('exclude_attendance_categories = ["4"]'))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime | attendance_category
            9000000001 | 2024-06-01       | 1
            9000000001 | 2024-06-02       | 4
            9000000001 | 2024-06-03       | 4
            9000000002 | 2024-06-01       | 2
            9000000002 | 2024-06-05       | 3
            9000000003 | 2024-06-01       | 4
            9000000003 | 2024-06-06       |
            9000000003 | 2024-06-07       |
        """,
    )
    # A missing category is not a planned follow-up.
    assert listed(result) == {"9000000002": day("2024-06-05"), "9000000003": day("2024-06-07")}


def test_without_exclusions_every_attendance_counts(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules(""))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime | attendance_category | chief_complaint
            9000000001 | 2024-06-01       | 4                   | 417357006
            9000000001 | 2024-06-02       | 4                   | 225358003
        """,
    )
    assert listed(result) == {"9000000001": day("2024-06-02")}


ADMISSION_RULES = f"""
    [list]
    period_days = 30

    [counting.emergency_admissions]
    exclude_codelists = ["sickle_cell", "sickness_in_pregnancy"]
    {CODELISTS}

    [[thresholds]]
    name = "admissions"
    service = "emergency_admissions"
    at_least = 2
    window_days = 30
"""


def test_admissions_are_excluded_by_icd10_prefix_with_dots_ignored(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ADMISSION_RULES)
    result = run(
        engine,
        rules,
        "2024-06-30",
        admissions="""
            nhs_number | admission_datetime | admission_method | primary_diagnosis
            9000000001 | 2024-06-01         | 21               | D57.1
            9000000001 | 2024-06-03         | 21               | D571
            9000000001 | 2024-06-05         | 21               | D57
            9000000001 | 2024-06-07         | 21               | O21.0
            9000000001 | 2024-06-09         | 21               | O210
            9000000001 | 2024-06-11         | 21               | J45
            9000000002 | 2024-06-01         | 21               | D58.0
            9000000002 | 2024-06-03         | 21               | O21.9
            9000000003 | 2024-06-01         | 21               |
            9000000003 | 2024-06-03         | 21               | D5
        """,
    )
    # D58 is not D57, O21.9 does not start O21.0, and D5 is shorter than D57.
    assert listed(result) == {"9000000002": day("2024-06-03"), "9000000003": day("2024-06-03")}


def test_only_emergency_admissions_count(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ADMISSION_RULES)
    result = run(
        engine,
        rules,
        "2024-06-30",
        admissions="""
            nhs_number | admission_datetime | admission_method
            9000000001 | 2024-06-01         | 11
            9000000001 | 2024-06-02         | 12
            9000000001 | 2024-06-03         | 31
            9000000001 | 2024-06-04         | 81
            9000000001 | 2024-06-05         | 21
            9000000002 | 2024-06-01         | 2A
            9000000002 | 2024-06-02         | 28
            9000000003 | 2024-06-01         | 25
            9000000003 | 2024-06-02         | 2D
        """,
    )
    assert listed(result) == {"9000000002": day("2024-06-02"), "9000000003": day("2024-06-02")}


def test_exclusions_apply_to_the_service_they_are_written_for(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(
        tmp_path,
        f"""
        [list]
        period_days = 30

        [counting.ed]
        exclude_codelists = ["sickle_cell"]
        {CODELISTS}

        [[thresholds]]
        name = "admissions"
        service = "emergency_admissions"
        at_least = 2
        window_days = 30
        """,
    )
    result = run(
        engine,
        rules,
        "2024-06-30",
        admissions="""
            nhs_number | admission_datetime | admission_method | primary_diagnosis
            9000000001 | 2024-06-01         | 21               | D57.1
            9000000001 | 2024-06-02         | 21               | D57.0
        """,
    )
    # Sickle cell excludes A&E attendances only: these admissions count.
    assert listed(result) == {"9000000001": day("2024-06-02")}


def test_ambulance_and_111_count_whatever_their_outcome(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(
        tmp_path,
        """
        [list]
        period_days = 30

        [[thresholds]]
        name = "ambulance"
        service = "ambulance"
        at_least = 3
        window_days = 30

        [[thresholds]]
        name = "nhs111"
        service = "nhs111"
        at_least = 2
        window_days = 30
        """,
    )
    result = run(
        engine,
        rules,
        "2024-06-30",
        ambulance_incidents="""
            nhs_number | call_datetime | call_origin | outcome
            9000000001 | 2024-06-01    | 999         | hear_and_treat
            9000000001 | 2024-06-02    | 111         | see_and_treat
            9000000001 | 2024-06-03    | hcp         | see_and_convey
        """,
        nhs111_calls="""
            nhs_number | call_datetime | disposition
            9000000002 | 2024-06-01    | self_care
            9000000002 | 2024-06-04    |
        """,
    )
    assert listed(result) == {"9000000001": day("2024-06-03"), "9000000002": day("2024-06-04")}
