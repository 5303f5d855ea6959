"""Spec: windows. When a threshold is met, and which events fall in its window.

A threshold is met on the day of a counting event when its window ending that day (all of that
day's events included) holds at least ``at_least`` counting events: a rolling window of
``window_days`` days, the calendar month so far, or the list's period so far. A person is listed
when it is met on a day of the period (the ``period_days`` days ending on the as-of date), and
their eligibility date is the first such day.
"""

from __future__ import annotations

from pathlib import Path

from identify_support import RunEngine
from spec_support import day, listed, rule_set, run

from hiu.identify.listing import EXCLUSION_COLUMNS, LIST_COLUMNS


def ed_rules(at_least: int, window: str, period_days: int = 30) -> str:
    return f"""
        [list]
        period_days = {period_days}

        [[thresholds]]
        name = "ed"
        service = "ed"
        at_least = {at_least}
        {window}
        """


def test_a_rolling_window_reaches_back_window_days_less_one(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(3, "window_days = 10"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-01
            9000000001 | 2024-06-05
            9000000001 | 2024-06-10
            9000000002 | 2024-06-01
            9000000002 | 2024-06-05
            9000000002 | 2024-06-11
        """,
    )
    # 1 June is 9 days before 10 June, inside 10 days; it is 10 days before 11 June, outside.
    assert listed(result) == {"9000000001": day("2024-06-10")}
    assert result.excluded.is_empty()


def test_eligible_on_the_day_of_the_event_that_reaches_the_count(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(3, "window_days = 30"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-03T09:00
            9000000001 | 2024-06-08T23:59
            9000000001 | 2024-06-20T00:00
            9000000001 | 2024-06-25T12:00
        """,
    )
    assert listed(result) == {"9000000001": day("2024-06-20")}


def test_every_event_of_the_day_counts_on_that_day(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules(3, "window_days = 30"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-02T08:00
            9000000001 | 2024-06-10T08:00
            9000000001 | 2024-06-10T21:00
            9000000002 | 2024-06-12T01:00
            9000000002 | 2024-06-12T02:00
            9000000002 | 2024-06-12T23:00
        """,
    )
    assert listed(result) == {"9000000001": day("2024-06-10"), "9000000002": day("2024-06-12")}


def test_a_one_day_window_counts_calendar_days_not_hours(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules(2, "window_days = 1"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-10T23:59
            9000000001 | 2024-06-11T00:01
            9000000002 | 2024-06-15T00:00
            9000000002 | 2024-06-15T23:59
        """,
    )
    assert listed(result) == {"9000000002": day("2024-06-15")}


def test_the_same_persons_two_attendances_on_one_day_both_count(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(2, "window_days = 1"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            attendance_id | nhs_number | arrival_datetime | site_code
            A1            | 9000000001 | 2024-06-10T10:00 | RXH01
            A2            | 9000000001 | 2024-06-10T10:00 | RXH01
        """,
    )
    assert listed(result) == {"9000000001": day("2024-06-10")}
    assert result.listed["ed_30d"].to_list() == [2]


def test_calendar_month_events_either_side_of_a_month_end_do_not_combine(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(3, 'window = "calendar_month"', 91))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-05-30
            9000000001 | 2024-05-31
            9000000001 | 2024-06-01
            9000000001 | 2024-06-02
            9000000002 | 2024-06-01
            9000000002 | 2024-06-15
            9000000002 | 2024-06-30
            9000000003 | 2024-04-30
            9000000003 | 2024-04-30
            9000000003 | 2024-04-30
        """,
    )
    # Four attendances within four days, but two in May and two in June. The period (91 days)
    # starts on 1 April, so April's three count.
    assert listed(result) == {"9000000002": day("2024-06-30"), "9000000003": day("2024-04-30")}


def test_calendar_month_counts_days_of_the_month_before_the_period(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(3, 'window = "calendar_month"', 10))
    result = run(
        engine,
        rules,
        "2024-06-20",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-02
            9000000001 | 2024-06-05
            9000000001 | 2024-06-12
            9000000002 | 2024-05-30
            9000000002 | 2024-06-05
            9000000002 | 2024-06-12
        """,
    )
    # The period is 11-20 June; the month so far on 12 June starts on 1 June.
    assert listed(result) == {"9000000001": day("2024-06-12")}


def test_a_period_window_counts_only_events_in_the_period(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(3, 'window = "period"', 30))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-05-31
            9000000001 | 2024-06-01
            9000000001 | 2024-06-02
            9000000002 | 2024-06-01
            9000000002 | 2024-06-10
            9000000002 | 2024-06-30
        """,
    )
    # The period is the 30 days 1-30 June: 31 May is outside it.
    assert result.period_start == day("2024-06-01")
    assert listed(result) == {"9000000002": day("2024-06-30")}


def test_a_rolling_window_counts_events_before_the_period(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, ed_rules(3, "window_days = 30", 30))
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-05-20
            9000000001 | 2024-05-25
            9000000001 | 2024-05-28
            9000000001 | 2024-06-05
        """,
    )
    # Met first on 28 May, before the period; the first day in the period is 5 June.
    assert listed(result) == {"9000000001": day("2024-06-05")}


def test_a_threshold_is_met_only_on_the_day_of_an_event(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules(3, "window_days = 30", 10))
    result = run(
        engine,
        rules,
        "2024-06-10",
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-05-20
            9000000001 | 2024-05-21
            9000000001 | 2024-05-22
        """,
    )
    # The 30 days ending on the as-of date hold three attendances, but none falls in the
    # period (1-10 June), so there is no day in the period on which the threshold is met.
    assert listed(result) == {}


def test_events_after_the_as_of_date_are_ignored(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules(3, "window_days = 30"))
    activity = """
        nhs_number | arrival_datetime
        9000000001 | 2024-06-28
        9000000001 | 2024-06-30T23:59
        9000000001 | 2024-07-01T00:00
    """
    assert listed(run(engine, rules, "2024-06-30", ed_attendances=activity)) == {}
    on_the_day = run(engine, rules, "2024-07-01", ed_attendances=activity)
    assert listed(on_the_day) == {"9000000001": day("2024-07-01")}


def test_each_service_counts_on_its_own_day(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(
        tmp_path,
        """
        [list]
        period_days = 30

        [[thresholds]]
        name = "ambulance"
        service = "ambulance"
        at_least = 2
        window_days = 7

        [[thresholds]]
        name = "nhs111"
        service = "nhs111"
        at_least = 2
        window_days = 7

        [[thresholds]]
        name = "admissions"
        service = "emergency_admissions"
        at_least = 2
        window_days = 7
        """,
    )
    result = run(
        engine,
        rules,
        "2024-06-30",
        ambulance_incidents="""
            nhs_number | call_datetime
            9000000001 | 2024-06-01
            9000000001 | 2024-06-07
        """,
        nhs111_calls="""
            nhs_number | call_datetime
            9000000002 | 2024-06-01
            9000000002 | 2024-06-08
        """,
        admissions="""
            nhs_number | admission_datetime | discharge_datetime | admission_method
            9000000003 | 2024-06-10         | 2024-06-20         | 21
            9000000003 | 2024-06-16         | 2024-06-17         | 21
        """,
    )
    # The 111 calls are 8 days apart; admissions count on their admission day.
    assert listed(result) == {"9000000001": day("2024-06-07"), "9000000003": day("2024-06-16")}


def test_an_empty_store_gives_an_empty_list(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, ed_rules(1, "window_days = 30"))
    result = run(engine, rules, "2024-06-30")
    assert result.listed.columns == list(LIST_COLUMNS)
    assert result.excluded.columns == list(EXCLUSION_COLUMNS)
    assert result.listed.is_empty()
    assert result.excluded.is_empty()
    assert result.below_cut == 0
