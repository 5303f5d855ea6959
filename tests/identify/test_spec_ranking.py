"""Spec: ranking and the top N.

``[list] rank_by`` orders the list, each key highest first: ``spread`` (services on which a
threshold was met), ``intensity`` (for each threshold met, the most its count reached over its
``at_least`` on a day of the period, summed and rounded to 6 places), or a service (its counting
events in the period). Ties go to the earlier eligibility date, then the lower NHS number. The
first ``top`` are listed (``top`` given to the run, else the rule set's); ``below_cut`` counts
the others who passed the people criteria.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from identify_support import RunEngine
from spec_support import day, excluded, one, rows, rule_set, run


def rules_text(rank_by: str = '["spread", "intensity"]', top: str = "", ed: int = 2) -> str:
    return f"""
        [list]
        period_days = 30
        rank_by = {rank_by}
        {top}

        [[thresholds]]
        name = "ed_month"
        service = "ed"
        at_least = {ed}
        window_days = 30

        [[thresholds]]
        name = "ambulance_month"
        service = "ambulance"
        at_least = 2
        window_days = 30
        """


def test_spread_comes_before_intensity(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text())
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-01
            9000000001 | 2024-06-02
            9000000001 | 2024-06-03
            9000000001 | 2024-06-04
            9000000001 | 2024-06-05
            9000000001 | 2024-06-06
            9000000001 | 2024-06-07
            9000000001 | 2024-06-08
            9000000001 | 2024-06-09
            9000000001 | 2024-06-10
            9000000002 | 2024-06-01
            9000000002 | 2024-06-02
        """,
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000002 | 2024-06-20
            9000000002 | 2024-06-21
        """,
    )
    assert rows(
        result.listed, "priority_rank", "nhs_number", "thresholds_met", "spread", "intensity"
    ) == [
        (1, "9000000002", "ed_month; ambulance_month", 2, 2.0),
        (2, "9000000001", "ed_month", 1, 5.0),
    ]


def test_intensity_adds_up_the_ratios_of_the_thresholds_met(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, rules_text(ed=3))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-01
            9000000001 | 2024-06-02
            9000000001 | 2024-06-03
            9000000001 | 2024-06-04
        """,
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000001 | 2024-06-20
            9000000001 | 2024-06-21
            9000000001 | 2024-06-22
        """,
    )
    # 4 of 3 A&E attendances and 3 of 2 ambulance incidents: 1.333333... + 1.5, rounded.
    assert one(result, "9000000001")["intensity"] == 2.833333


def test_strength_is_the_most_a_threshold_was_met_by_in_the_period(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(
        tmp_path,
        """
        [list]
        period_days = 30

        [[thresholds]]
        name = "ed_week"
        service = "ed"
        at_least = 2
        window_days = 7
        """,
    )
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-05-29
            9000000001 | 2024-05-30
            9000000001 | 2024-06-01
            9000000001 | 2024-06-02
            9000000001 | 2024-06-20
            9000000001 | 2024-06-21
        """,
    )
    # Four attendances in the week ending 2 June (two before the period): 4 / 2 then, 2 / 2
    # on 21 June. The first day in the period on which it is met is 1 June (three in the week).
    person = one(result, "9000000001")
    assert (person["eligibility_date"], person["intensity"]) == (day("2024-06-01"), 2.0)


def test_ties_go_to_the_earlier_eligibility_date_then_the_lower_nhs_number(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, rules_text())
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000003 | 2024-06-01
            9000000003 | 2024-06-05
            9000000002 | 2024-06-01
            9000000002 | 2024-06-06
            9000000001 | 2024-06-02
            9000000001 | 2024-06-06
            0900000000 | 2024-06-05
            0900000000 | 2024-06-06
        """,
    )
    assert rows(result.listed, "priority_rank", "nhs_number", "eligibility_date") == [
        (1, "9000000003", day("2024-06-05")),
        (2, "0900000000", day("2024-06-06")),
        (3, "9000000001", day("2024-06-06")),
        (4, "9000000002", day("2024-06-06")),
    ]


def test_a_service_ranks_by_its_counting_events_in_the_period(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, rules_text(rank_by='["ambulance", "ed"]'))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-05-25
            9000000001 | 2024-05-26
            9000000001 | 2024-05-27
            9000000001 | 2024-06-01
            9000000001 | 2024-06-02
            9000000002 | 2024-06-01
            9000000002 | 2024-06-02
            9000000002 | 2024-06-03
            9000000003 | 2024-06-01
            9000000003 | 2024-06-02
        """,
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000003 | 2024-06-10
        """,
    )
    # Nobody met the ambulance threshold, yet person 3's call ranks them first. Person 1's
    # attendances before the period (1-30 June) count towards the threshold, not the rank.
    assert rows(result.listed, "nhs_number", "spread") == [
        ("9000000003", 1),
        ("9000000002", 1),
        ("9000000001", 1),
    ]


TOP_ACTIVITY = {
    "people": """
        nhs_number | date_of_birth
        9000000001 | 1980-01-01
        9000000002 | 1980-01-01
        9000000003 | 2010-01-01
        9000000004 | 1980-01-01
    """,
    "ed_attendances": """
        nhs_number | arrival_datetime
        9000000001 | 2024-06-01
        9000000001 | 2024-06-02
        9000000001 | 2024-06-03
        9000000002 | 2024-06-01
        9000000002 | 2024-06-02
        9000000003 | 2024-06-01
        9000000003 | 2024-06-02
        9000000003 | 2024-06-03
        9000000003 | 2024-06-04
        9000000004 | 2024-06-01
        9000000004 | 2024-06-03
    """,
}


@pytest.mark.parametrize(
    ("top", "expected", "below_cut"),
    [
        (None, ["9000000001", "9000000002"], 1),
        (1, ["9000000001"], 2),
        (3, ["9000000001", "9000000002", "9000000004"], 0),
        (10, ["9000000001", "9000000002", "9000000004"], 0),
    ],
)
def test_the_top_n_are_listed(
    engine: RunEngine, tmp_path: Path, top: int | None, expected: list[str], below_cut: int
) -> None:
    rules = rule_set(tmp_path, rules_text(top="top = 2") + "\n[people]\nmin_age = 18\n")
    result = run(engine, rules, "2024-06-30", top=top, **TOP_ACTIVITY)
    # The rule set keeps 2 unless the run says otherwise; the excluded child takes no place.
    assert rows(result.listed, "nhs_number") == [(number,) for number in expected]
    assert result.listed["priority_rank"].to_list() == list(range(1, len(expected) + 1))
    assert result.below_cut == below_cut
    assert excluded(result) == {"9000000003": "aged 14, under 18"}


def many_attendances(count: int) -> str:
    return "nhs_number | arrival_datetime\n" + "9000000001 | 2024-06-10\n" * count


def one_threshold(at_least: int) -> str:
    return f"""
        [list]
        period_days = 30

        [[thresholds]]
        name = "ed"
        service = "ed"
        at_least = {at_least}
        window = "period"
        """


def test_intensity_rounds_a_tie_to_the_even_digit(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, one_threshold(128))
    result = run(engine, rules, "2024-06-30", ed_attendances=many_attendances(129))
    # 129 / 128 is 1.0078125 exactly.
    assert one(result, "9000000001")["intensity"] == 1.007812


def test_intensity_rounds_the_exact_ratio(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, one_threshold(640))
    result = run(engine, rules, "2024-06-30", ed_attendances=many_attendances(649))
    # 649 / 640 is 1.0140625 exactly: a tie, rounded to the even digit.
    assert one(result, "9000000001")["intensity"] == 1.014062
