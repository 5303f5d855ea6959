"""Spec: the activity columns of a list.

Each counts a service's counting events on the days ending on the as-of date: ``ed_30d``,
``ed_90d``, ``ed_365d``, ``ambulance_90d``, ``nhs111_90d`` and ``admissions_365d`` (emergency
admissions). ``bed_days_365d`` adds up the bed days of the admissions ``admissions_365d``
counts: discharge date less admission date, to the as-of date for a spell still open or
discharged after it.
"""

from __future__ import annotations

from pathlib import Path

from identify_support import RunEngine, table
from spec_support import day, one, rule_set

from hiu.identify.listing import COUNTS

RULES = """
    [list]
    period_days = 30

    [counting.ed]
    exclude_attendance_categories = ["4"]

    [[thresholds]]
    name = "any_ed"
    service = "ed"
    at_least = 1
    window = "period"
"""


def counts(engine: RunEngine, tmp_path: Path, **tables: str) -> dict[str, int]:
    rules = rule_set(tmp_path, RULES)
    tables.setdefault(
        "ed_attendances",
        """
        nhs_number | arrival_datetime
        9000000001 | 2024-06-30
        """,
    )
    frames = {kind: table(kind, text) for kind, text in tables.items()}
    person = one(engine(frames, rules, day("2024-06-30"), None), "9000000001")
    return {name: person[name] for name in COUNTS}


def test_each_count_covers_the_days_ending_on_the_as_of_date(
    engine: RunEngine, tmp_path: Path
) -> None:
    found = counts(
        engine,
        tmp_path,
        ed_attendances="""
            nhs_number | arrival_datetime | attendance_category
            9000000001 | 2023-07-01       | 1
            9000000001 | 2023-07-02       | 1
            9000000001 | 2024-04-01       | 1
            9000000001 | 2024-04-02       | 1
            9000000001 | 2024-05-31       | 1
            9000000001 | 2024-06-01T00:00 | 1
            9000000001 | 2024-06-15       | 4
            9000000001 | 2024-06-30T23:59 |
            9000000001 | 2024-07-01T00:00 | 1
            9000000002 | 2024-06-30       | 1
        """,
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000001 | 2024-04-01
            9000000001 | 2024-04-02
            9000000001 | 2024-06-30
            9000000001 | 2024-07-01
        """,
        nhs111_calls="""
            nhs_number | call_datetime
            9000000001 | 2024-04-01T23:59
            9000000001 | 2024-04-02T00:00
        """,
    )
    # 30 days: 1-30 June; 90 days: from 2 April; 365 days: from 2 July 2023. The planned
    # follow-up does not count, nor anything after the as-of date, nor somebody else.
    assert found == {
        "ed_30d": 2,
        "ed_90d": 4,
        "ed_365d": 6,
        "ambulance_90d": 2,
        "nhs111_90d": 1,
        "admissions_365d": 0,
        "bed_days_365d": 0,
    }


def test_bed_days_of_emergency_admissions(engine: RunEngine, tmp_path: Path) -> None:
    found = counts(
        engine,
        tmp_path,
        admissions="""
            nhs_number | admission_datetime | discharge_datetime | admission_method
            9000000001 | 2023-07-01T10:00   | 2023-07-10T10:00   | 21
            9000000001 | 2023-07-02T23:00   | 2023-07-05T01:00   | 21
            9000000001 | 2024-03-01T09:00   | 2024-03-01T18:00   | 2A
            9000000001 | 2024-03-10T09:00   | 2024-03-20T09:00   | 11
            9000000001 | 2024-06-25T10:00   |                    | 22
            9000000001 | 2024-06-28T10:00   | 2024-07-05T10:00   | 28
            9000000001 | 2024-07-01T10:00   | 2024-07-02T10:00   | 21
        """,
    )
    # Counted: 2-5 July 2023 (3 days), 1 March (same day, 0), the open spell from 25 June
    # (5 days to the as-of date) and 28 June to 5 July (2 days to the as-of date). The spell
    # admitted on 1 July 2023 began 366 days before; the elective one and the one after the
    # as-of date do not count.
    assert (found["admissions_365d"], found["bed_days_365d"]) == (4, 10)
