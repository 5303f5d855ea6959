"""Spec: matching cases to controls on small hand-made frames (``hiu.evaluate.matching``)."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiu.evaluate.matching import NEAREST_VARIABLES, balance, match


def person(number: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "date_index": 0,
        "nhs_number": number,
        "sex": "1",
        "age_band": 4,
        "imd_quintile": 2,
        "ed_period": 6,
        "list_dn": 19_950,
        "index_dn": 20_000,
        "death_dn": None,
        **dict.fromkeys(NEAREST_VARIABLES, 0),
    }
    row.update(values)
    return row


def cases(*rows: dict[str, Any]) -> pl.DataFrame:
    frame = pl.DataFrame(list(rows))
    return frame.with_columns(pl.int_range(0, frame.height, dtype=pl.Int64).alias("case_id"))


def pool(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows))


def controls_of(result: Any, case_id: int = 0) -> list[int]:
    return [int(n) for n in result.pairs.filter(pl.col("case_id") == case_id)["nhs_number"]]


def test_the_listing_count_is_matched_exactly_before_anything_nearer() -> None:
    result = match(
        cases(person(1, ed_period=6, ed_earlier_1=3)),
        pool(person(10, ed_period=7, ed_earlier_1=3), person(11, ed_period=6, ed_earlier_1=0)),
        k=1,
    )
    assert controls_of(result) == [11]
    assert result.levels[0]["cases"] == 1


def test_within_exact_cells_the_nearest_earlier_history_wins() -> None:
    result = match(
        cases(person(1, ed_earlier_1=4, ambulance_year=2)),
        pool(
            person(10, ed_earlier_1=0, ambulance_year=2),
            person(11, ed_earlier_1=4, ambulance_year=3),
            person(12, ed_earlier_1=9, ambulance_year=9),
        ),
        k=2,
    )
    assert sorted(controls_of(result)) == [10, 11]
    assert 12 not in controls_of(result)


def test_ties_go_to_the_lower_nhs_number() -> None:
    result = match(cases(person(1)), pool(person(30), person(20), person(25)), k=1)
    assert controls_of(result) == [20]


def test_controls_only_come_from_the_case_s_own_identification_date() -> None:
    result = match(cases(person(1, date_index=1)), pool(person(10), person(11, date_index=1)), k=5)
    assert controls_of(result) == [11]


def test_imd_then_age_then_sex_are_relaxed_in_turn() -> None:
    case = person(1, sex="2", age_band=3, imd_quintile=5)
    other_imd = person(10, sex="2", age_band=3, imd_quintile=1)
    other_age = person(11, sex="2", age_band=7, imd_quintile=1)
    other_sex = person(12, sex="1", age_band=7, imd_quintile=1)
    assert match(cases(case), pool(other_imd, other_age, other_sex), k=1).levels[2]["cases"] == 1
    assert match(cases(case), pool(other_age, other_sex), k=1).levels[3]["cases"] == 1
    assert match(cases(case), pool(other_sex), k=1).levels[4]["cases"] == 1


def test_last_the_count_may_differ_by_a_tenth_and_beyond_that_nobody_matches() -> None:
    case = person(1, ed_period=20)
    near = match(cases(case), pool(person(10, ed_period=22)), k=1)
    assert near.levels[5]["cases"] == 1
    assert near.unmatched == 0
    far = match(cases(case), pool(person(10, ed_period=23)), k=1)
    assert far.unmatched == 1
    assert far.pairs.is_empty()


def test_controls_are_weighted_one_over_their_set_s_size_and_reused_across_cases() -> None:
    result = match(
        cases(person(1), person(2)),
        pool(person(10), person(11)),
        k=5,
    )
    assert controls_of(result, 0) == [10, 11]
    assert controls_of(result, 1) == [10, 11]
    assert result.pairs["weight"].to_list() == [0.5] * 4


def test_balance_compares_the_cohort_with_the_pool_and_the_weighted_controls() -> None:
    cohort = pl.DataFrame({"ed_period": [10.0, 12.0]})
    everyone = pl.DataFrame({"ed_period": [4.0, 6.0]})
    chosen = pl.DataFrame({"ed_period": [10.0, 14.0], "weight": [0.75, 0.25]})
    for frame in (cohort, everyone, chosen):
        for variable in ("female", "age", "imd_decile", *NEAREST_VARIABLES):
            frame.insert_column(0, pl.Series(variable, [1.0] * frame.height))
    row = next(r for r in balance(cohort, everyone, chosen) if r["variable"] == "ed_period")
    # Means 11, 5 and 11 (10 x 0.75 + 14 x 0.25); both variances 2, so the SD is sqrt(2).
    assert row["cohort_mean"] == 11.0
    assert row["pool_mean"] == 5.0
    assert row["matched_mean"] == 11.0
    assert abs(row["smd_before"] - 6 / 2**0.5) < 1e-9
    assert row["smd_after"] == 0.0


def test_a_candidate_who_died_before_the_engaged_date_is_never_a_control() -> None:
    """A case is alive when it engages; a control who died between the list and that day would
    bring use before and none after (a fall that has nothing to do with the service)."""
    died_before = person(10, death_dn=19_999)
    died_that_day = person(11, death_dn=20_000, ambulance_year=5)
    alive = person(12, ambulance_year=9)
    result = match(cases(person(1)), pool(died_before, died_that_day, alive), k=5)
    assert controls_of(result) == [11, 12]


def test_the_same_count_on_another_list_date_comes_before_relaxing_age() -> None:
    """The top of a list has counts almost nobody else has that day: a control of the same
    count, sex, age and deprivation from another list date is preferred to relaxing age on the
    case's own date, and is followed from its own list date plus the case's wait."""
    case = person(1, date_index=0, list_dn=19_950, index_dn=20_000)
    same_day_older = person(10, date_index=0, age_band=7)
    later_list = person(11, date_index=1, list_dn=20_041)
    result = match(cases(case), pool(same_day_older, later_list), k=1)
    assert controls_of(result) == [11]
    assert result.levels[1]["cases"] == 1
    pair = result.pairs.row(0, named=True)
    assert (pair["date_index"], pair["index_dn"]) == (1, 20_041 + 50)


def test_a_case_is_never_its_own_control_from_an_earlier_list() -> None:
    """Someone listed but not engaged on an earlier date is in that date's pool; when they
    engage later, they must not be matched to themselves."""
    case = person(1, date_index=1, list_dn=20_041, index_dn=20_080)
    themselves_earlier = person(1, date_index=0)
    someone_else = person(12, date_index=0, ambulance_year=3)
    assert controls_of(match(cases(case), pool(themselves_earlier, someone_else), k=5)) == [12]
