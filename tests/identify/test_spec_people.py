"""Spec: people criteria. Who is left off the list although they met a threshold, and why.

``[people]`` excludes by age at the as-of date in whole years (``min_age``, ``max_age``),
death on or before the as-of date (``exclude_deceased``, on unless turned off), care home
residence, registration with a GP practice not listed (``gp_practices``), and any A&E
attendance or admission up to the as-of date in a code list (``exclude_codelists``). Excluded
people are reported with every reason that applies, in a fixed order.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from identify_support import RunEngine
from spec_support import day, excluded, listed, one, rows, rule_set, run

from hiu.identify.listing import EXCLUSION_COLUMNS


def rules_text(people: str = "", extra: str = "") -> str:
    """Anybody with an A&E attendance in the 30 days is a candidate."""
    return f"""
        [list]
        period_days = 30

        [[thresholds]]
        name = "any_ed"
        service = "ed"
        at_least = 1
        window = "period"

        {extra}

        [people]
        {people}
        """


def attendances(*numbers: str, on: str = "2024-06-10") -> str:
    lines = ["nhs_number | arrival_datetime"] + [f"{number} | {on}" for number in numbers]
    return "\n".join(lines)


def test_someone_who_turns_18_on_the_as_of_date_is_18(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text("min_age = 18"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | date_of_birth
            9000000001 | 2006-06-30
            9000000002 | 2006-07-01
        """,
        ed_attendances=attendances("9000000001", "9000000002"),
    )
    assert rows(result.listed, "nhs_number", "age") == [("9000000001", 18)]
    assert excluded(result) == {"9000000002": "aged 17, under 18"}
    assert rows(result.excluded, "age") == [(17,)]


def test_someone_who_turns_71_on_the_as_of_date_is_over_70(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, rules_text("min_age = 18\nmax_age = 70"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | date_of_birth
            9000000001 | 1953-06-30
            9000000002 | 1953-07-01
        """,
        ed_attendances=attendances("9000000001", "9000000002"),
    )
    assert rows(result.listed, "nhs_number", "age") == [("9000000002", 70)]
    assert excluded(result) == {"9000000001": "aged 71, over 70"}


@pytest.mark.parametrize(
    ("as_of", "age"),
    [
        ("2022-02-28", 17),
        ("2022-03-01", 18),
        ("2024-02-28", 19),
        ("2024-02-29", 20),
    ],
)
def test_someone_born_on_29_february_is_older_from_1_march_in_other_years(
    engine: RunEngine, tmp_path: Path, as_of: str, age: int
) -> None:
    rules = rule_set(tmp_path, rules_text("min_age = 18"))
    result = run(
        engine,
        rules,
        as_of,
        people="""
            nhs_number | date_of_birth
            9000000001 | 2004-02-29
        """,
        ed_attendances=attendances("9000000001", on=as_of),
    )
    if age >= 18:
        assert rows(result.listed, "nhs_number", "age") == [("9000000001", age)]
        assert result.excluded.is_empty()
    else:
        assert result.listed.is_empty()
        assert excluded(result) == {"9000000001": f"aged {age}, under 18"}


PEOPLE_WHO_DIED = """
    nhs_number | date_of_birth | date_of_death
    9000000001 | 1980-01-01    | 2024-06-29
    9000000002 | 1980-01-01    | 2024-06-30
    9000000003 | 1980-01-01    | 2024-07-01
    9000000004 | 1980-01-01    |
"""


def test_people_who_died_on_or_before_the_as_of_date_are_excluded(
    engine: RunEngine, tmp_path: Path
) -> None:
    rules = rule_set(tmp_path, rules_text())
    result = run(
        engine,
        rules,
        "2024-06-30",
        people=PEOPLE_WHO_DIED,
        ed_attendances=attendances("9000000001", "9000000002", "9000000003", "9000000004"),
    )
    # A death after the as-of date (a list run for a past day) does not exclude.
    assert set(listed(result)) == {"9000000003", "9000000004"}
    assert excluded(result) == {
        "9000000001": "died on or before the as-of date",
        "9000000002": "died on or before the as-of date",
    }


def test_deaths_can_be_kept(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text("exclude_deceased = false"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people=PEOPLE_WHO_DIED,
        ed_attendances=attendances("9000000001", "9000000002", "9000000003", "9000000004"),
    )
    assert set(listed(result)) == {"9000000001", "9000000002", "9000000003", "9000000004"}


@pytest.mark.parametrize("exclude", [True, False])
def test_care_home_residents(engine: RunEngine, tmp_path: Path, exclude: bool) -> None:
    rules = rule_set(tmp_path, rules_text(f"exclude_care_home = {str(exclude).lower()}"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | date_of_birth | care_home
            9000000001 | 1980-01-01    | true
            9000000002 | 1980-01-01    | false
            9000000003 | 1980-01-01    |
        """,
        ed_attendances=attendances("9000000001", "9000000002", "9000000003"),
    )
    if exclude:
        assert set(listed(result)) == {"9000000002", "9000000003"}
        assert excluded(result) == {"9000000001": "lives in a care home"}
    else:
        assert set(listed(result)) == {"9000000001", "9000000002", "9000000003"}


def test_a_gp_practice_list_keeps_only_its_patients(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text('gp_practices = ["A81001", "B82002"]'))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | date_of_birth | gp_practice_code
            9000000001 | 1980-01-01    | A81001
            9000000002 | 1980-01-01    | B82002
            9000000003 | 1980-01-01    | C83003
            9000000004 | 1980-01-01    |
        """,
        ed_attendances=attendances(
            "9000000001", "9000000002", "9000000003", "9000000004", "9000000005"
        ),
    )
    assert set(listed(result)) == {"9000000001", "9000000002"}
    assert excluded(result) == {
        "9000000003": "registered with a GP practice not in the rule set's list",
        "9000000004": "no registered GP practice in the people extract",
        "9000000005": "no registered GP practice in the people extract",
    }


def test_without_criteria_every_practice_is_kept(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text())
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | date_of_birth | gp_practice_code
            9000000001 | 1980-01-01    | C83003
            9000000002 | 1980-01-01    |
        """,
        ed_attendances=attendances("9000000001", "9000000002"),
    )
    assert set(listed(result)) == {"9000000001", "9000000002"}


CODELISTS = """
    [codelists.sickle_cell]
    snomed = ["417357006", "127040003"]
    icd10 = ["D57"]

    [codelists.cardiac]
    icd10 = ["I21"]
"""


def test_a_presentation_in_a_people_code_list_excludes(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(
        tmp_path,
        rules_text('exclude_codelists = ["sickle_cell", "cardiac"]', extra=CODELISTS),
    )
    result = run(
        engine,
        rules,
        "2024-06-30",
        ed_attendances="""
            nhs_number | arrival_datetime | attendance_category | chief_complaint | diagnosis
            9000000001 | 2024-06-10       | 1                   |                 |
            9000000001 | 2019-03-01       | 4                   | 417357006       |
            9000000002 | 2024-06-10       | 1                   |                 |
            9000000003 | 2024-06-10       | 1                   |                 |
            9000000003 | 2024-07-01       | 1                   |                 | 127040003
            9000000004 | 2024-06-10       | 1                   |                 | 127040003
            9000000005 | 2024-06-10       | 1                   |                 |
        """,
        admissions="""
            nhs_number | admission_datetime | admission_method | primary_diagnosis
            9000000002 | 2020-01-01         | 11               | D57.1
            9000000004 | 2024-06-01         | 21               | I21.9
            9000000005 | 2024-06-01         | 21               | I50
        """,
    )
    # Any attendance or admission on or before the as-of date, counting or not, of any age;
    # one after the as-of date does not exclude. Reasons follow the code lists' names.
    assert set(listed(result)) == {"9000000003", "9000000005"}
    assert excluded(result) == {
        "9000000001": "has a presentation in the sickle_cell code list",
        "9000000002": "has a presentation in the sickle_cell code list",
        "9000000004": (
            "has a presentation in the cardiac code list; "
            "has a presentation in the sickle_cell code list"
        ),
    }


def test_someone_missing_from_the_people_extract(engine: RunEngine, tmp_path: Path) -> None:
    activity = attendances("9000000001", "9000000002", "9000000003")
    people = """
        nhs_number | date_of_birth | given_name
        9000000002 |               | Ann
        9000000003 | 1980-01-01    | Bea
    """
    with_ages = rule_set(tmp_path, rules_text("min_age = 18"), name="ages")
    result = run(engine, with_ages, "2024-06-30", people=people, ed_attendances=activity)
    assert set(listed(result)) == {"9000000003"}
    assert excluded(result) == {
        "9000000001": "no date of birth in the people extract",
        "9000000002": "no date of birth in the people extract",
    }

    # With no criteria that need a person's details, they are listed without them.
    without = rule_set(tmp_path, rules_text(), name="without")
    result = run(engine, without, "2024-06-30", people=people, ed_attendances=activity)
    assert set(listed(result)) == {"9000000001", "9000000002", "9000000003"}
    missing = one(result, "9000000001")
    assert (missing["given_name"], missing["date_of_birth"], missing["age"]) == (None, None, None)


def test_every_reason_is_given_in_order(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(
        tmp_path,
        rules_text(
            'min_age = 18\nexclude_care_home = true\ngp_practices = ["A81001"]\n'
            'exclude_codelists = ["sickle_cell"]',
            extra=CODELISTS,
        ),
    )
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | date_of_birth | date_of_death | care_home | gp_practice_code
            9000000001 | 2010-01-01    | 2024-06-20    | true      | C83003
        """,
        ed_attendances="""
            nhs_number | arrival_datetime | diagnosis
            9000000001 | 2024-06-10       | 417357006
            9000000001 | 2024-06-11       |
        """,
    )
    assert result.listed.is_empty()
    assert excluded(result) == {
        "9000000001": "died on or before the as-of date; aged 14, under 18; "
        "lives in a care home; registered with a GP practice not in the rule set's list; "
        "has a presentation in the sickle_cell code list"
    }


def test_the_excluded_are_reported_by_eligibility_date(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text("min_age = 18"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | given_name | family_name | date_of_birth
            9000000001 | Cy         | Dee         | 2010-05-05
            9000000002 | Ed         | Fox         | 2011-05-05
            9000000003 | Gil        | Hay         | 2012-05-05
        """,
        ed_attendances="""
            nhs_number | arrival_datetime
            9000000001 | 2024-06-20
            9000000002 | 2024-06-05
            9000000003 | 2024-06-20
        """,
    )
    assert result.excluded.columns == list(EXCLUSION_COLUMNS)
    assert rows(result.excluded, "nhs_number", "family_name", "date_of_birth", "age") == [
        ("9000000002", "Fox", date(2011, 5, 5), 13),
        ("9000000001", "Dee", date(2010, 5, 5), 14),
        ("9000000003", "Hay", date(2012, 5, 5), 12),
    ]
    assert rows(result.excluded, "given_name", "eligibility_date", "thresholds_met", "reasons") == [
        ("Ed", day("2024-06-05"), "any_ed", "aged 13, under 18"),
        ("Cy", day("2024-06-20"), "any_ed", "aged 14, under 18"),
        ("Gil", day("2024-06-20"), "any_ed", "aged 12, under 18"),
    ]


def test_a_listed_person_carries_their_details(engine: RunEngine, tmp_path: Path) -> None:
    rules = rule_set(tmp_path, rules_text("min_age = 18"))
    result = run(
        engine,
        rules,
        "2024-06-30",
        people="""
            nhs_number | given_name | family_name | date_of_birth | phone
            0123456789 | Ann        | Bell        | 1980-06-30    | 07700 900123
        """,
        ed_attendances=attendances("0123456789"),
    )
    person = one(result, "0123456789")
    assert person["priority_rank"] == 1
    assert (person["given_name"], person["family_name"], person["phone"]) == (
        "Ann",
        "Bell",
        "07700 900123",
    )
    assert (person["date_of_birth"], person["age"]) == (date(1980, 6, 30), 44)
    assert (person["eligibility_date"], person["thresholds_met"]) == (day("2024-06-10"), "any_ed")
