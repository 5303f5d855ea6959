"""The simulated HIU service: who it lists, who engages, and the effect it has."""

from __future__ import annotations

from datetime import date, datetime, time

import polars as pl
import pytest
from synth_population import Population

from hiu.synth import codes

ACTIVITY = {
    "ed_attendances.csv": "arrival_datetime",
    "ambulance_incidents.csv": "call_datetime",
    "nhs111_calls.csv": "call_datetime",
    "admissions.csv": "admission_datetime",
}


def _rows_of(frame: pl.DataFrame, people: pl.DataFrame, keep: bool) -> pl.DataFrame:
    return frame.join(people, on="nhs_number", how="semi" if keep else "anti")


def test_the_effect_changes_nothing_but_the_engaged_peoples_activity(
    effect_pair: tuple[Population, Population],
) -> None:
    none, strong = effect_pair
    assert none.file_bytes()["people.csv"] == strong.file_bytes()["people.csv"]
    assert none.file_bytes()["cohort.csv"] == strong.file_bytes()["cohort.csv"]
    engaged = none.cohort.select(pl.col("nhs_number").cast(pl.String))
    for name in ACTIVITY:
        before = _rows_of(none.raw(name), engaged, keep=False)
        after = _rows_of(strong.raw(name), engaged, keep=False)
        assert before.height > 0
        assert before.equals(after), name


def test_the_engaged_are_untouched_before_their_engaged_date(
    effect_pair: tuple[Population, Population],
) -> None:
    none, strong = effect_pair
    for name, start in ACTIVITY.items():
        rows = [
            population.frame(name)
            .join(population.cohort, on="nhs_number")
            .filter(pl.col(start).dt.date() < pl.col("engaged_date"))
            for population in (none, strong)
        ]
        assert rows[0].height > 0
        assert rows[0].equals(rows[1]), name


@pytest.mark.parametrize("name", sorted(ACTIVITY))
def test_a_90_percent_effect_removes_about_90_percent_of_engaged_activity_after_engagement(
    effect_pair: tuple[Population, Population], name: str
) -> None:
    none, strong = effect_pair
    start = ACTIVITY[name]
    counts = [
        population.frame(name)
        .join(population.cohort, on="nhs_number")
        .filter(pl.col(start).dt.date() >= pl.col("engaged_date"))
        .height
        for population in (none, strong)
    ]
    assert counts[0] > 150, counts
    assert 0.05 <= counts[1] / counts[0] <= 0.16, counts


def test_truth_reports_the_effect_given_and_the_effect_realised(
    effect_pair: tuple[Population, Population],
) -> None:
    none, strong = effect_pair
    for population, effect in ((none, 0.0), (strong, 0.9)):
        truth = population.truth["effect"]
        assert truth["true_effect"] == effect
        assert truth["keep_probability"] == pytest.approx(1 - effect)
        for activity, realised in truth["realised"].items():
            assert realised["counterfactual"] > 0, activity
            assert realised["reduction"] == pytest.approx(effect, abs=0.06), activity
    simulated = none.truth["effect"]["realised"]["ed_attendances"]
    assert simulated["observed"] == simulated["counterfactual"]


def test_each_round_lists_the_top_attenders_of_the_quarter_before_it(
    catchment: Population,
) -> None:
    people = catchment.people.select("nhs_number", "date_of_death")
    unplanned = catchment.ed.filter(
        pl.col("attendance_category") != codes.CATEGORY_PLANNED_FOLLOW_UP
    )
    engaged_before: set[int] = set()
    rounds = catchment.truth["service"]["rounds"]
    assert len(rounds) == 4 * catchment.spec.years - 1
    for round_ in rounds:
        day = date.fromisoformat(round_["identification_date"])
        window = unplanned.filter(
            (pl.col("arrival_datetime") >= datetime.fromisoformat(round_["window_start"]))
            & (pl.col("arrival_datetime") < datetime.combine(day, time()))
        )
        counts = window.group_by("nhs_number").len("count").join(people, on="nhs_number")
        eligible = counts.filter(
            (pl.col("date_of_death").is_null() | (pl.col("date_of_death") >= day))
            & ~pl.col("nhs_number").is_in(list(engaged_before))
        )
        listed = set(round_["identified_nhs_numbers"])
        assert len(listed) == round_["identified"] == catchment.truth["run"]["list_size"]
        on_list = eligible.filter(pl.col("nhs_number").is_in(list(listed)))
        off_list = eligible.filter(~pl.col("nhs_number").is_in(list(listed)))
        assert on_list.height == len(listed)
        assert on_list["count"].min() >= off_list["count"].max()  # type: ignore[operator]
        assert set(round_["contacted_nhs_numbers"]) <= listed
        engaged_now = {p["nhs_number"] for p in round_["engaged_people"]}
        assert engaged_now <= set(round_["contacted_nhs_numbers"])
        engaged_before |= engaged_now


def test_about_a_third_of_those_listed_engage_some_weeks_later(catchment: Population) -> None:
    totals = catchment.truth["service"]["totals"]
    assert 0.2 <= totals["engaged"] / totals["identified"] <= 0.45
    assert totals["contacted"] < totals["identified"]
    for round_ in catchment.truth["service"]["rounds"]:
        day = date.fromisoformat(round_["identification_date"])
        for person in round_["engaged_people"]:
            weeks = (date.fromisoformat(person["engaged_date"]) - day).days / 7
            assert 2 <= weeks <= 10
