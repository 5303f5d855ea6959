"""Spec: matching cases to controls on small hand-made frames (``hiu.evaluate.matching``).

The pre-engagement activity (:data:`WAIT_VARIABLES`) is counted by a callable in the real run
(from the activity store, on each pair's own timeline); here :class:`Activity` stands in for
it, looking each person's counts up by NHS number, so a test can say "this candidate had 5
A&E attendances in the wait"."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiu.evaluate.matching import (
    BALANCE_VARIABLES,
    NEAREST_VARIABLES,
    RELAXED_FROM,
    WAIT_VARIABLES,
    MatchResult,
    balance,
    match,
)

#: The evaluation's identification dates in these tests: date index -> list date day number.
LIST_DN = {0: 19_950, 1: 20_041}


def _person(number: int, values: dict[str, Any]) -> dict[str, Any]:
    date_index = values.get("date_index", 0)
    row: dict[str, Any] = {
        "date_index": date_index,
        "nhs_number": number,
        "list_dn": LIST_DN[date_index],
        "sex": "1",
        "ed_period": 6,
        **dict.fromkeys(NEAREST_VARIABLES, 0),
        "age": 40,
        "imd_decile": 3,
    }
    row.update(values)
    row["female"] = 1.0 if row["sex"] == "2" else 0.0
    return row


def case(number: int, **values: Any) -> dict[str, Any]:
    """A cohort member, engaged 50 days after its list date unless told otherwise, with no
    pre-engagement activity unless told otherwise."""
    row = _person(number, {**dict.fromkeys(WAIT_VARIABLES, 0), **values})
    row.setdefault("index_dn", row["list_dn"] + 50)
    return row


def candidate(number: int, **values: Any) -> dict[str, Any]:
    """Someone in a list date's pool: alive and never a client unless told otherwise."""
    return _person(number, {"death_dn": None, "engaged_dn": None, **values})


def cases(*rows: dict[str, Any]) -> pl.DataFrame:
    frame = pl.DataFrame(list(rows))
    return frame.with_columns(pl.int_range(0, frame.height, dtype=pl.Int64).alias("case_id"))


def pool(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema_overrides={"death_dn": pl.Int32, "engaged_dn": pl.Int32})


class Activity:
    """A stand-in for the activity store: each person's pre-engagement counts by NHS number
    (zero for anyone not given), and every frame of pairs it was asked about."""

    def __init__(self, counts: dict[int, dict[str, int]] | None = None) -> None:
        self.counts = counts or {}
        self.asked: list[dict[str, Any]] = []

    def __call__(self, pairs: pl.DataFrame) -> pl.DataFrame:
        rows = pairs.select("pair_id", "nhs_number", "list_dn", "index_dn").to_dicts()
        self.asked.extend(rows)
        return pl.DataFrame(
            [
                {
                    "pair_id": row["pair_id"],
                    **{v: self.counts.get(row["nhs_number"], {}).get(v, 0) for v in WAIT_VARIABLES},
                }
                for row in rows
            ],
            schema={"pair_id": pl.Int64, **dict.fromkeys(WAIT_VARIABLES, pl.Int64)},
        )


def run(
    case_rows: pl.DataFrame, pool_rows: pl.DataFrame, k: int, activity: Activity | None = None
) -> MatchResult:
    return match(case_rows, pool_rows, k, activity or Activity())


def controls_of(result: MatchResult, case_id: int = 0) -> list[int]:
    return [int(n) for n in result.pairs.filter(pl.col("case_id") == case_id)["nhs_number"]]


def pair_of(result: MatchResult, nhs_number: int, case_id: int = 0) -> dict[str, Any]:
    return result.pairs.filter(
        (pl.col("case_id") == case_id) & (pl.col("nhs_number") == nhs_number)
    ).row(0, named=True)


def test_the_listing_count_is_matched_exactly_before_anything_nearer() -> None:
    result = run(
        cases(case(1, ed_period=6, ed_earlier_1=3)),
        pool(candidate(10, ed_period=7, ed_earlier_1=3), candidate(11, ed_period=6)),
        k=1,
    )
    assert controls_of(result) == [11]
    assert result.levels[0]["cases"] == 1


def test_within_exact_cells_the_nearest_earlier_history_wins() -> None:
    result = run(
        cases(case(1, ed_earlier_1=4, ambulance_year=2)),
        pool(
            candidate(10, ed_earlier_1=0, ambulance_year=2),
            candidate(11, ed_earlier_1=4, ambulance_year=3),
            candidate(12, ed_earlier_1=9, ambulance_year=9),
        ),
        k=2,
    )
    assert controls_of(result) == [10, 11]


def test_age_and_deprivation_are_nearest_not_exact() -> None:
    """Someone 30 years older on the case's own date is still a control at the first level;
    given the choice, the nearer age and the nearer IMD decile win."""
    older = candidate(10, age=70)
    nearer_age = candidate(11, age=42)
    other_decile = candidate(12, imd_decile=9)
    nearer_decile = candidate(13, imd_decile=4)
    alone = run(cases(case(1, age=40)), pool(older), k=1)
    assert controls_of(alone) == [10]
    assert alone.levels[0]["cases"] == 1
    assert controls_of(run(cases(case(1, age=40)), pool(older, nearer_age), k=1)) == [11]
    by_decile = run(cases(case(1, imd_decile=3)), pool(other_decile, nearer_decile), k=1)
    assert controls_of(by_decile) == [13]


def test_ties_go_to_the_lower_nhs_number() -> None:
    result = run(cases(case(1)), pool(candidate(30), candidate(20), candidate(25)), k=1)
    assert controls_of(result) == [20]


def test_controls_come_from_the_case_s_own_identification_date_first() -> None:
    result = run(
        cases(case(1, date_index=1)),
        pool(candidate(10, date_index=0), candidate(11, date_index=1)),
        k=5,
    )
    assert controls_of(result) == [11]
    assert result.levels[0]["cases"] == 1


def test_sex_is_relaxed_only_after_other_dates_then_the_count_within_a_tenth() -> None:
    """The top of a list has counts almost nobody else has that day: a control of the same
    count and sex from another list date is preferred to relaxing sex on the case's own date;
    then sex is relaxed; last the count may differ by 10% (at least 1); beyond that the case
    stays unmatched."""
    woman = case(1, sex="2", ed_period=20)
    man_same_day = candidate(10, sex="1", ed_period=20)
    woman_other_day = candidate(11, sex="2", ed_period=20, date_index=1)
    other_date = run(cases(woman), pool(man_same_day, woman_other_day), k=1)
    assert controls_of(other_date) == [11]
    assert other_date.levels[1]["cases"] == 1

    sex_relaxed = run(cases(woman), pool(man_same_day), k=1)
    assert controls_of(sex_relaxed) == [10]
    assert sex_relaxed.levels[RELAXED_FROM]["cases"] == 1
    assert RELAXED_FROM == 2

    near_count = run(cases(woman), pool(candidate(12, sex="2", ed_period=22)), k=1)
    assert controls_of(near_count) == [12]
    assert near_count.levels[4]["cases"] == 1
    assert near_count.unmatched == 0

    far_count = run(cases(woman), pool(candidate(12, sex="2", ed_period=23)), k=1)
    assert far_count.unmatched == 1
    assert far_count.pairs.is_empty()
    assert [level["cases"] for level in far_count.levels] == [0, 0, 0, 0, 0]


def test_a_client_still_attending_is_matched_to_a_control_still_attending_before_relaxing() -> None:
    """Whether anyone attended A&E (or used other services) in the 28 days before the index
    date is exact at levels 0 to 2: a client engaged while still in crisis is not compared
    with people whose crisis had ended, even if they are nearer on everything else."""
    still_attending = case(1, ed_recent=2, ed_earlier_1=3)
    ended = candidate(10, ed_earlier_1=3)
    ongoing = candidate(11, ed_earlier_1=0)
    activity = Activity({11: {"ed_recent": 1}})
    result = run(cases(still_attending), pool(ended, ongoing), k=1, activity=activity)
    assert controls_of(result) == [11]
    assert result.levels[0]["cases"] == 1

    only_ended = run(cases(still_attending), pool(ended), k=1, activity=Activity())
    assert controls_of(only_ended) == [10]
    assert only_ended.levels[3]["cases"] == 1
    assert only_ended.levels[3]["level"] >= RELAXED_FROM


def test_the_count_caliper_rounds_up_and_is_at_least_one_attendance() -> None:
    fifteen = case(1, ed_period=15)
    assert controls_of(run(cases(fifteen), pool(candidate(10, ed_period=17)), k=1)) == [10]
    assert run(cases(fifteen), pool(candidate(10, ed_period=18)), k=1).unmatched == 1
    none = case(1, ed_period=0)
    assert controls_of(run(cases(none), pool(candidate(10, ed_period=1)), k=1)) == [10]
    assert run(cases(none), pool(candidate(10, ed_period=2)), k=1).unmatched == 1


def test_controls_are_weighted_one_over_their_set_s_size_and_reused_across_cases() -> None:
    result = run(cases(case(1), case(2)), pool(candidate(10), candidate(11)), k=5)
    assert controls_of(result, 0) == [10, 11]
    assert controls_of(result, 1) == [10, 11]
    assert result.pairs["weight"].to_list() == [0.5] * 4


def test_balance_compares_the_cohort_with_the_pool_and_the_weighted_controls() -> None:
    cohort = pl.DataFrame({"ed_period": [10.0, 12.0], "ed_wait": [1.0, 3.0]})
    # The pool has no pre-engagement activity (it has no index date): nulls, as in the run.
    everyone = pl.DataFrame(
        {"ed_period": [4.0, 6.0], "ed_wait": [None, None]}, schema_overrides={"ed_wait": pl.Float64}
    )
    chosen = pl.DataFrame(
        {"ed_period": [10.0, 14.0], "ed_wait": [1.0, 3.0], "weight": [0.75, 0.25]}
    )
    for frame in (cohort, everyone, chosen):
        for variable in BALANCE_VARIABLES:
            if variable not in frame.columns:
                frame.insert_column(0, pl.Series(variable, [1.0] * frame.height))
    rows = {r["variable"]: r for r in balance(cohort, everyone, chosen)}
    assert list(rows) == list(BALANCE_VARIABLES)
    row = rows["ed_period"]
    # Means 11, 5 and 11 (10 x 0.75 + 14 x 0.25); both variances 2, so the SD is sqrt(2).
    assert row["cohort_mean"] == 11.0
    assert row["pool_mean"] == 5.0
    assert row["matched_mean"] == 11.0
    assert abs(row["smd_before"] - 6 / 2**0.5) < 1e-9
    assert row["smd_after"] == 0.0
    wait = rows["ed_wait"]
    # Cohort mean 2, controls 1 x 0.75 + 3 x 0.25 = 1.5; the SD is the cohort's alone, sqrt(2).
    assert wait["pool_mean"] is None
    assert wait["smd_before"] is None
    assert abs(wait["smd_after"] - 0.5 / 2**0.5) < 1e-9


def test_a_candidate_who_died_before_the_control_s_index_date_is_never_a_control() -> None:
    """A case is alive when it engages; a control who died between the list and its index
    date would bring use before and none after (a fall that has nothing to do with the
    service). The index date is the control's own: its list date plus the case's wait."""
    died_before = candidate(10, death_dn=19_999)
    died_that_day = candidate(11, death_dn=20_000, ambulance_year=5)
    alive = candidate(12, ambulance_year=9)
    result = run(cases(case(1, index_dn=20_000)), pool(died_before, died_that_day, alive), k=5)
    assert controls_of(result) == [11, 12]

    # From a later list (index date 20_041 + 50): dying after the case engaged is not enough.
    died_in_own_wait = candidate(13, date_index=1, death_dn=20_060)
    later_alive = candidate(14, date_index=1, ambulance_year=9)
    result = run(cases(case(1, index_dn=20_000)), pool(died_in_own_wait, later_alive), k=5)
    assert controls_of(result) == [14]


def test_a_client_engaged_by_the_control_s_index_date_is_never_a_control() -> None:
    """Risk-set matching: someone who engages later is a fair control until they do; someone
    already engaged on the control's index date is treated, not a comparison."""
    engaged_before = candidate(10, engaged_dn=19_990)
    engaged_that_day = candidate(11, engaged_dn=20_000)
    engaged_after = candidate(12, engaged_dn=20_001, ambulance_year=5)
    never = candidate(13, ambulance_year=9)
    result = run(
        cases(case(1, index_dn=20_000)),
        pool(engaged_before, engaged_that_day, engaged_after, never),
        k=5,
    )
    assert controls_of(result) == [12, 13]

    # From a later list the index date is 20_041 + 50, after the case's own engaged date.
    engaged_in_own_wait = candidate(14, date_index=1, engaged_dn=20_060)
    engaged_after_own_index = candidate(15, date_index=1, engaged_dn=20_092, ambulance_year=9)
    result = run(
        cases(case(1, index_dn=20_000)), pool(engaged_in_own_wait, engaged_after_own_index), k=5
    )
    assert controls_of(result) == [15]


def test_the_wait_activity_outweighs_a_small_difference_in_list_date_history() -> None:
    """Within an exact cell, the candidate still in crisis like the case (as many A&E
    attendances in the wait and the last 28 days) wins over one a little nearer on the history
    before the list date but quiet since."""
    the_case = case(1, ed_earlier_1=2, ed_wait=4, ed_recent=3)
    quiet_since = candidate(10, ed_earlier_1=2)
    still_in_crisis = candidate(11, ed_earlier_1=3)
    far_back = candidate(12, ed_earlier_1=12)
    activity = Activity({11: {"ed_wait": 4, "ed_recent": 3}})
    candidates = pool(quiet_since, still_in_crisis, far_back)
    assert controls_of(run(cases(the_case), candidates, 1, activity)) == [11]
    # Without the wait activity, the nearer list-date history wins.
    assert controls_of(run(cases(the_case), candidates, 1)) == [10]


def test_a_control_is_followed_from_its_own_list_date_plus_the_case_s_wait() -> None:
    the_case = case(1, date_index=0, list_dn=19_950, index_dn=19_980)
    later_list = candidate(11, date_index=1, list_dn=20_041)
    activity = Activity()
    result = run(cases(the_case), pool(later_list), 1, activity)
    pair = pair_of(result, 11)
    assert (pair["date_index"], pair["index_dn"], pair["level"]) == (1, 20_041 + 30, 1)
    # The pre-engagement activity is counted on that timeline too.
    assert [(a["nhs_number"], a["list_dn"], a["index_dn"]) for a in activity.asked] == [
        (11, 20_041, 20_071)
    ]


def test_the_pairs_carry_the_control_s_own_variables_as_counted_on_its_timeline() -> None:
    the_case = case(1, ambulance_year=1, ed_wait=4, other_wait=3, ed_recent=2, other_recent=1)
    own = {
        "ed_wait": 2,
        "other_wait": 1,
        "ed_recent": 1,
        "other_recent": 5,
        "ed_last_week": 1,
        "all_fortnight": 3,
        "all_month_before": 2,
        "quiet_days": 4,
    }
    control = candidate(10, sex="2", ambulance_year=5, age=38)
    result = run(cases(the_case), pool(control), 1, Activity({10: own}))
    pair = pair_of(result, 10)
    assert {v: pair[v] for v in WAIT_VARIABLES} == own
    assert set(BALANCE_VARIABLES) <= set(pair)
    assert (pair["female"], pair["ambulance_year"], pair["age"]) == (1.0, 5, 38)


def test_a_case_is_never_its_own_control_from_an_earlier_list() -> None:
    """Someone listed but not engaged on an earlier date is in that date's pool; when they
    engage later, they must not be matched to themselves."""
    the_case = case(1, date_index=1, index_dn=20_080)
    themselves_earlier = candidate(1, date_index=0, engaged_dn=20_080)
    someone_else = candidate(12, date_index=0, ambulance_year=3)
    assert controls_of(run(cases(the_case), pool(themselves_earlier, someone_else), k=5)) == [12]
