"""The second synthetic mechanism, ``crisis`` (``hiu.synth.crisis``): determinism, the effect,
deaths, the service's waits and selection on the crisis state, regression to the mean, and
files that import cleanly.

Three populations of 20,000 adults over two years are built once for the module: the same seed
with no effect, with no effect again, and with an effect of 0.5.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from hiu.cli import app
from hiu.evaluate.cohort import read_cohort
from hiu.ingest.pipeline import import_file
from hiu.schemas import EXTRACTS, KINDS
from hiu.store.store import Store
from hiu.synth.crisis import CrisisPopulation, CrisisSpec, simulate_crisis, write_crisis
from hiu.synth.timeline import add_months

SPEC = CrisisSpec(adults=20_000, years=2, start=date(2022, 1, 1), seed=7, true_effect=0.0)
ACTIVITY = ("ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions")


@pytest.fixture(scope="module")
def base() -> CrisisPopulation:
    return simulate_crisis(SPEC)


@pytest.fixture(scope="module")
def again() -> CrisisPopulation:
    return simulate_crisis(SPEC)


@pytest.fixture(scope="module")
def strong() -> CrisisPopulation:
    return simulate_crisis(dataclasses.replace(SPEC, true_effect=0.5))


def _start(kind: str) -> str:
    start = EXTRACTS[kind].start
    assert start is not None
    return start


def _after_engagement(population: CrisisPopulation, kind: str) -> pl.DataFrame:
    """The engaged people's events of ``kind`` on or after their engaged date."""
    return (
        population.frames[kind]
        .join(population.cohort, on="nhs_number")
        .filter(pl.col(_start(kind)).dt.date() >= pl.col("engaged_date"))
    )


def _untouched(population: CrisisPopulation, kind: str) -> pl.DataFrame:
    """Rows the effect may not change: everyone's but the engaged people's after engagement."""
    frame = population.frames[kind].join(
        population.cohort.select("nhs_number", "engaged_date"), on="nhs_number", how="left"
    )
    before = pl.col("engaged_date").is_null() | (
        pl.col(_start(kind)).dt.date() < pl.col("engaged_date")
    )
    return frame.filter(before).drop("engaged_date")


def test_the_same_seed_gives_identical_frames(
    base: CrisisPopulation, again: CrisisPopulation
) -> None:
    for kind in KINDS:
        assert base.frames[kind].equals(again.frames[kind]), kind
    assert base.cohort.equals(again.cohort)
    assert base.listings.equals(again.listings)
    assert base.truth == again.truth


def test_a_different_seed_gives_a_different_population() -> None:
    small = dataclasses.replace(SPEC, adults=2_000)
    first = simulate_crisis(small)
    second = simulate_crisis(dataclasses.replace(small, seed=SPEC.seed + 1))
    assert not first.frames["people"].equals(second.frames["people"])
    assert not first.frames["ed_attendances"].equals(second.frames["ed_attendances"])


def test_the_effect_changes_only_the_engaged_peoples_events_after_engagement(
    base: CrisisPopulation, strong: CrisisPopulation
) -> None:
    assert base.cohort.height > 50
    assert base.cohort.equals(strong.cohort)
    assert base.listings.equals(strong.listings)
    assert base.frames["people"].equals(strong.frames["people"])
    for kind in ACTIVITY:
        assert _untouched(base, kind).equals(_untouched(strong, kind)), kind
        assert strong.frames[kind].height < base.frames[kind].height, kind


def test_the_engaged_peoples_events_after_engagement_shrink_by_about_the_effect(
    base: CrisisPopulation, strong: CrisisPopulation
) -> None:
    before = {kind: _after_engagement(base, kind).height for kind in ACTIVITY}
    after = {kind: _after_engagement(strong, kind).height for kind in ACTIVITY}
    assert sum(before.values()) > 500
    removed = 1 - sum(after.values()) / sum(before.values())
    assert 0.4 <= removed <= 0.6
    for kind in ACTIVITY:
        assert 0.3 <= 1 - after[kind] / before[kind] <= 0.7, kind
    # Rows after engagement that survive are rows the run without an effect also has.
    for kind in ACTIVITY:
        kept = _after_engagement(strong, kind)
        key = EXTRACTS[kind].key
        same = _after_engagement(base, kind).filter(pl.col(key).is_in(kept[key].implode()))
        assert same.equals(kept), kind
    realised = strong.truth["effect"]["realised"]["ed_attendances"]
    assert realised["counterfactual"] == pytest.approx(before["ed_attendances"], rel=0.02)
    assert strong.truth["effect"]["per_activity"] == dict.fromkeys(
        ("ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions", "bed_days"), 0.5
    )


def test_linked_events_are_removed_together(strong: CrisisPopulation) -> None:
    """Every ambulance arrival keeps its 999 call (30 to 90 minutes before) and every admission
    its attendance (admitted at departure), after the effect as before it."""
    ed = strong.frames["ed_attendances"].sort("nhs_number", "arrival_datetime")
    by_ambulance = ed.filter(pl.col("arrival_mode") == "1048031000000100")
    conveyed = (
        strong.frames["ambulance_incidents"]
        .filter(pl.col("outcome") == "see_and_convey")
        .sort("nhs_number", "call_datetime")
    )
    assert by_ambulance.height == conveyed.height > 1000
    assert (by_ambulance["nhs_number"] == conveyed["nhs_number"]).all()
    assert (by_ambulance["site_code"] == conveyed["conveyed_to_site"]).all()
    lead = (by_ambulance["arrival_datetime"] - conveyed["call_datetime"]).dt.total_minutes()
    assert lead.min() >= 30  # type: ignore[operator]
    assert lead.max() <= 90  # type: ignore[operator]
    admitted = ed.filter(pl.col("discharge_destination") == "306706006")
    spells = strong.frames["admissions"].sort("nhs_number", "admission_datetime")
    assert admitted.height == spells.height > 500
    assert (admitted["nhs_number"] == spells["nhs_number"]).all()
    assert (admitted["departure_datetime"] == spells["admission_datetime"]).all()
    assert set(spells["admission_method"]) == {"21"}


def test_nobody_has_events_after_death(strong: CrisisPopulation) -> None:
    people = strong.frames["people"]
    deaths = people.filter(pl.col("date_of_death").is_not_null()).select(
        "nhs_number", "date_of_death"
    )
    assert deaths.height > 200  # about 1% of adults a year
    active_dead = 0
    for kind in ACTIVITY:
        extract = EXTRACTS[kind]
        columns = [name for name in (extract.start, extract.end) if name is not None]
        rows = strong.frames[kind].join(deaths, on="nhs_number")
        active_dead += rows.height
        for column in columns:
            late = rows.filter(pl.col(column).dt.date() > pl.col("date_of_death"))
            assert late.is_empty(), (kind, column)
    assert active_dead > 0


def test_stays_never_overlap_and_end_after_they_begin(base: CrisisPopulation) -> None:
    spells = base.frames["admissions"].sort("nhs_number", "admission_datetime")
    overlapping = spells.filter(
        (pl.col("nhs_number") == pl.col("nhs_number").shift(1))
        & (pl.col("admission_datetime") < pl.col("discharge_datetime").shift(1))
    )
    assert spells.height > 1000
    assert overlapping.is_empty()
    assert spells.filter(pl.col("discharge_datetime") < pl.col("admission_datetime")).is_empty()
    ed = base.frames["ed_attendances"]
    assert ed.filter(pl.col("departure_datetime") < pl.col("arrival_datetime")).is_empty()


def test_waits_run_from_days_to_more_than_a_quarter_and_cross_list_dates(
    base: CrisisPopulation,
) -> None:
    waits = base.listings["wait_days"]
    assert waits.min() < 7  # type: ignore[operator]
    assert waits.max() > 90  # type: ignore[operator]
    crossing = base.cohort.filter(
        pl.col("engaged_date")
        >= pl.col("identified_date").map_elements(
            lambda day: add_months(day, 3), return_dtype=pl.Date
        )
    )
    assert crossing.height > 0
    assert (base.cohort["engaged_date"] > base.cohort["identified_date"]).all()
    assert base.truth["service"]["waits"]["share_crossing_next_list_date"] > 0.05


def test_engaged_people_were_in_crisis_at_engagement_more_often(base: CrisisPopulation) -> None:
    attempts = base.listings.filter("attempted")
    engaged = attempts.filter("engaged")["in_crisis_at_attempt"].mean()
    not_engaged = attempts.filter(~pl.col("engaged"))["in_crisis_at_attempt"].mean()
    assert isinstance(engaged, float)
    assert isinstance(not_engaged, float)
    assert engaged > not_engaged + 0.25
    totals = base.truth["service"]["totals"]
    assert totals["engaged_in_crisis_share"] == pytest.approx(engaged)


def test_each_list_is_the_top_attenders_of_its_window(base: CrisisPopulation) -> None:
    ed = base.frames["ed_attendances"]
    deaths = base.frames["people"].select("nhs_number", "date_of_death")
    for (day,), listed in base.listings.group_by("list_date", maintain_order=True):
        assert isinstance(day, date)
        window = ed.filter(
            pl.col("arrival_datetime").dt.date().is_between(add_months(day, -3), day, "left")
        )
        counts = window.group_by("nhs_number").len("attended")
        engaged_before = base.cohort.filter(pl.col("engaged_date") < day)["nhs_number"]
        eligible = (
            counts.join(deaths, on="nhs_number")
            .filter(pl.col("date_of_death").is_null() | (pl.col("date_of_death") >= day))
            .filter(~pl.col("nhs_number").is_in(engaged_before.implode()))
        )
        checked = listed.join(counts, on="nhs_number")
        assert checked.height == listed.height
        assert (checked["count"] == checked["attended"]).all()
        others = eligible.filter(~pl.col("nhs_number").is_in(listed["nhs_number"].implode()))
        assert listed.height == 50
        assert listed["count"].min() >= others["attended"].max()  # type: ignore[operator]


def test_the_top_attenders_attend_much_less_the_next_quarter(base: CrisisPopulation) -> None:
    ed = base.frames["ed_attendances"]
    window_total, next_total = 0, 0
    for (day,), listed in base.listings.group_by("list_date", maintain_order=True):
        assert isinstance(day, date)
        following = add_months(day, 3)
        if following > SPEC.end:
            continue
        theirs = ed.filter(pl.col("nhs_number").is_in(listed["nhs_number"].implode()))
        window_total += int(listed["count"].sum())
        next_total += theirs.filter(
            pl.col("arrival_datetime").dt.date().is_between(day, following, "left")
        ).height
    assert window_total > 1000
    assert next_total / window_total < 0.7  # a fall of more than 30% with no help at all
    assert next_total / window_total > 0.1  # but a persistent group keeps attending


def test_the_files_import_with_no_rejected_rows(strong: CrisisPopulation, tmp_path: Path) -> None:
    write_crisis(strong, tmp_path)
    store = Store(tmp_path / "store")
    for kind in KINDS:
        result = import_file(store, kind, tmp_path / f"{kind}.csv", imported_by="test")
        assert result.manifest.rejected == 0, kind
        assert result.manifest.accepted == strong.frames[kind].height, kind
    cohort = read_cohort(tmp_path / "cohort.csv")
    assert cohort.rejected == []
    assert cohort.people == strong.cohort.height
    assert all(member.identified_date is not None for member in cohort.members)
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["mechanism"] == "crisis"
    assert truth["run"]["true_effect"] == 0.5


def test_hiu_synth_with_the_crisis_mechanism_writes_the_files(tmp_path: Path) -> None:
    out = tmp_path / "crisis"
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--mechanism",
            "crisis",
            "--adults",
            "3000",
            "--years",
            "1",
            "--start",
            "2023-01-01",
            "--seed",
            "3",
            "--true-effect",
            "0.3",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == [
        "admissions.csv",
        "ambulance_incidents.csv",
        "cohort.csv",
        "ed_attendances.csv",
        "nhs111_calls.csv",
        "people.csv",
        "truth.json",
    ]
    truth = json.loads((out / "truth.json").read_text())
    assert truth["mechanism"] == "crisis"
    assert truth["run"]["adults"] == 3000
    assert truth["effect"]["true_effect"] == 0.3
    assert "crisis mechanism" in result.output
    assert "3,000 rows" in result.output
    header = (out / "cohort.csv").read_text().splitlines()[0]
    assert header == "nhs_number,engaged_date,identified_date"


def test_hiu_synth_rejects_an_unknown_mechanism(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--mechanism",
            "bursty",
            "--adults",
            "100",
            "--years",
            "1",
            "--start",
            "2023-01-01",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "--mechanism" in result.output
    assert not (tmp_path / "out").exists()
