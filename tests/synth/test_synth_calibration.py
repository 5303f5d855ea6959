"""A catchment looks like England: rates, concentration of high use, and its episodic nature.

Targets: adults attend A&E about 0.55 times a year, have about 0.2 ambulance incidents, 0.45
NHS 111 calls and 0.13 emergency admissions; people attending A&E 5+ times a year are about
0.67% of the population and make about 16% of attendances, 29% of ambulance journeys and 26% of
admissions (British Red Cross, "Nowhere else to turn", 2021); and the top attenders of one
quarter attend much less in the next without any help.
"""

from __future__ import annotations

from datetime import date, datetime, time

import polars as pl
import pytest
from synth_population import Population

from hiu.synth.timeline import add_months

EMERGENCY = ["21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28"]


def _between(frame: pl.DataFrame, column: str, start: date, end: date) -> pl.DataFrame:
    return frame.filter(
        (pl.col(column) >= datetime.combine(start, time()))
        & (pl.col(column) < datetime.combine(end, time()))
    )


def _per_person(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.group_by("nhs_number").len(name=name)


def _emergency(population: Population) -> pl.DataFrame:
    return population.admissions.filter(pl.col("admission_method").is_in(EMERGENCY))


def _years(population: Population) -> list[tuple[date, date]]:
    return [
        (add_months(population.start, 12 * k), add_months(population.start, 12 * (k + 1)))
        for k in range(population.spec.years)
    ]


@pytest.fixture(scope="module")
def yearly_high_use(catchment: Population) -> list[dict[str, float]]:
    """For each year: the share of adults with 5+ attendances and their share of each activity."""
    results = []
    for start, end in _years(catchment):
        ed = _per_person(_between(catchment.ed, "arrival_datetime", start, end), "ed")
        amb = _per_person(_between(catchment.ambulance, "call_datetime", start, end), "amb")
        adm = _per_person(_between(_emergency(catchment), "admission_datetime", start, end), "adm")
        high = ed.filter(pl.col("ed") >= 5).select("nhs_number")

        def share(counts: pl.DataFrame, column: str, high: pl.DataFrame = high) -> float:
            mine = counts.join(high, on="nhs_number")[column].sum()
            return int(mine) / int(counts[column].sum())

        results.append(
            {
                "people": high.height / catchment.spec.adults,
                "ed": share(ed, "ed"),
                "ambulance": share(amb, "amb"),
                "admissions": share(adm, "adm"),
            }
        )
    return results


def test_people_with_5_or_more_attendances_in_a_year_are_half_to_one_percent_of_adults(
    yearly_high_use: list[dict[str, float]],
) -> None:
    for year in yearly_high_use:
        assert 0.005 <= year["people"] <= 0.01, year


def test_they_make_12_to_20_percent_of_attendances(
    yearly_high_use: list[dict[str, float]],
) -> None:
    for year in yearly_high_use:
        assert 0.12 <= year["ed"] <= 0.20, year


def test_they_have_20_to_35_percent_of_ambulance_incidents(
    yearly_high_use: list[dict[str, float]],
) -> None:
    for year in yearly_high_use:
        assert 0.20 <= year["ambulance"] <= 0.35, year


def test_they_have_20_to_30_percent_of_emergency_admissions(
    yearly_high_use: list[dict[str, float]],
) -> None:
    for year in yearly_high_use:
        assert 0.20 <= year["admissions"] <= 0.30, year


def test_the_top_50_attenders_not_supported_attend_at_least_30_percent_less_next_quarter(
    catchment: Population,
) -> None:
    supported = catchment.cohort.select("nhs_number")
    ed = catchment.ed.join(supported, on="nhs_number", how="anti")
    quarters = [add_months(catchment.start, 3 * k) for k in range(4 * catchment.spec.years + 1)]
    for this, following, after in zip(quarters, quarters[1:], quarters[2:], strict=False):
        now = _per_person(_between(ed, "arrival_datetime", this, following), "now")
        top = now.sort(["now", "nhs_number"], descending=[True, False]).head(50)
        later = _per_person(_between(ed, "arrival_datetime", following, after), "later")
        both = top.join(later, on="nhs_number", how="left").fill_null(0)
        assert int(both["later"].sum()) <= 0.7 * int(both["now"].sum()), this


def _person_years(population: Population) -> float:
    end = population.end
    alive_until = population.people["date_of_death"].fill_null(end)
    return int((alive_until - population.start).dt.total_days().sum()) / 365.25


@pytest.mark.parametrize(
    ("activity", "england"),
    [("ed", 0.55), ("ambulance", 0.20), ("calls", 0.45), ("emergency_admissions", 0.13)],
)
def test_yearly_rates_per_adult_are_near_englands(
    catchment: Population, activity: str, england: float
) -> None:
    frames = {
        "ed": catchment.ed,
        "ambulance": catchment.ambulance,
        "calls": catchment.calls,
        "emergency_admissions": _emergency(catchment),
    }
    rate = frames[activity].height / _person_years(catchment)
    assert 0.75 * england <= rate <= 1.25 * england, rate


def test_high_use_concentrates_in_deprived_areas(catchment: Population) -> None:
    first_year = _between(catchment.ed, "arrival_datetime", *_years(catchment)[0])
    counts = catchment.people.select("nhs_number", "imd_decile").join(
        _per_person(first_year, "ed"), on="nhs_number", how="left"
    )
    counts = counts.with_columns(pl.col("ed").fill_null(0))

    def high_share(deciles: list[int]) -> float:
        group = counts.filter(pl.col("imd_decile").is_in(deciles))
        return float((group["ed"] >= 5).mean())  # type: ignore[arg-type]

    assert high_share([1, 2]) > 2 * high_share([9, 10])

    def rate(decile: int) -> float:
        return float(counts.filter(pl.col("imd_decile") == decile)["ed"].mean())  # type: ignore[arg-type]

    assert rate(1) > 1.3 * rate(10)


def test_ambulance_use_rises_steeply_with_age(catchment: Population) -> None:
    ages = catchment.people.select(
        "nhs_number",
        age=(pl.lit(catchment.start) - pl.col("date_of_birth")).dt.total_days() / 365.25,
    )
    per_person = ages.join(
        _per_person(catchment.ambulance, "amb"), on="nhs_number", how="left"
    ).fill_null(0)
    young = per_person.filter(pl.col("age").is_between(25, 45))["amb"].mean()
    old = per_person.filter(pl.col("age") >= 75)["amb"].mean()
    assert old > 2.5 * young  # type: ignore[operator]
