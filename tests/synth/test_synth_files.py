"""The files ``hiu synth`` writes keep the canonical extract formats (DESIGN.md section 5)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import polars as pl
import pytest
from synth_population import Population

from hiu.synth import codes
from hiu.synth.nhs_number import is_valid

COLUMNS = {
    "people.csv": [
        "nhs_number",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
        "lsoa_code",
        "imd_decile",
        "gp_practice_code",
        "phone",
        "care_home",
        "date_of_death",
    ],
    "ed_attendances.csv": [
        "attendance_id",
        "nhs_number",
        "arrival_datetime",
        "departure_datetime",
        "site_code",
        "department_type",
        "attendance_category",
        "arrival_mode",
        "chief_complaint",
        "diagnosis",
        "acuity",
        "discharge_destination",
    ],
    "ambulance_incidents.csv": [
        "incident_id",
        "nhs_number",
        "call_datetime",
        "call_origin",
        "outcome",
        "conveyed_to_site",
    ],
    "nhs111_calls.csv": ["call_id", "nhs_number", "call_datetime", "disposition"],
    "admissions.csv": [
        "spell_id",
        "nhs_number",
        "admission_datetime",
        "discharge_datetime",
        "admission_method",
        "primary_diagnosis",
        "setting",
        "site_code",
    ],
    "cohort.csv": ["nhs_number", "engaged_date"],
}
EVENT_STARTS = {
    "ed_attendances.csv": "arrival_datetime",
    "ambulance_incidents.csv": "call_datetime",
    "nhs111_calls.csv": "call_datetime",
    "admissions.csv": "admission_datetime",
}
IDS = {
    "ed_attendances.csv": "attendance_id",
    "ambulance_incidents.csv": "incident_id",
    "nhs111_calls.csv": "call_id",
    "admissions.csv": "spell_id",
}
EMERGENCY_METHODS = {"21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28"}
ELECTIVE_METHODS = {"11", "12", "13"}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_every_file_has_its_documented_columns_in_order(small: Population, name: str) -> None:
    header = (small.directory / name).read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == COLUMNS[name]


def test_every_file_is_utf8_with_unix_line_ends(small: Population) -> None:
    for name in COLUMNS:
        data = (small.directory / name).read_bytes()
        data.decode("utf-8")
        assert b"\r\n" not in data
        assert data.endswith(b"\n")


def test_every_nhs_number_is_valid_starts_with_9_and_belongs_to_one_person(
    catchment: Population,
) -> None:
    numbers = catchment.people["nhs_number"]
    assert numbers.n_unique() == numbers.len() == catchment.spec.adults
    assert is_valid(numbers.to_numpy()).all()
    assert (numbers.cast(pl.String).str.len_chars() == 10).all()
    assert numbers.cast(pl.String).str.starts_with("9").all()


@pytest.mark.parametrize("name", sorted(EVENT_STARTS))
def test_every_event_belongs_to_someone_in_people(catchment: Population, name: str) -> None:
    events = catchment.frame(name)
    unknown = events.join(catchment.people, on="nhs_number", how="anti")
    assert unknown.height == 0


@pytest.mark.parametrize("name", sorted(IDS))
def test_identifiers_are_unique_within_a_source(catchment: Population, name: str) -> None:
    ids = catchment.raw(name)[IDS[name]]
    assert ids.null_count() == 0
    assert ids.n_unique() == ids.len()


def test_people_fields_take_documented_values(catchment: Population) -> None:
    people = catchment.raw("people.csv")
    assert set(people["sex"].unique()) <= {"1", "2", "9", "X"}
    assert set(people["imd_decile"].unique()) == {str(d) for d in range(1, 11)}
    assert set(people["care_home"].unique()) == {"true", "false"}
    assert people["gp_practice_code"].str.contains(r"^[A-Z][0-9]{5}$").all()
    assert people["lsoa_code"].str.contains(r"^E01[0-9]{6}$").all()
    assert people["postcode"].str.contains(r"^[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}$").all()
    assert people["date_of_birth"].str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    phones = people["phone"].drop_nulls()
    assert phones.str.contains(r"^07700 900[0-9]{3}$").all()
    assert people["given_name"].null_count() == people["family_name"].null_count() == 0


def test_everyone_is_an_adult_alive_at_the_start(catchment: Population) -> None:
    people = catchment.people
    start = catchment.start
    eighteenth = people["date_of_birth"].dt.offset_by("18y")
    assert (eighteenth <= start).all()
    assert (people["date_of_death"].drop_nulls() >= start).all()
    assert (people["date_of_death"].drop_nulls() < catchment.end).all()


def test_deaths_are_about_one_in_a_hundred_adults_a_year(catchment: Population) -> None:
    died = catchment.people["date_of_death"].drop_nulls().len()
    yearly = died / catchment.spec.adults / catchment.spec.years
    assert 0.007 <= yearly <= 0.014


@pytest.mark.parametrize("name", sorted(EVENT_STARTS))
def test_no_event_starts_outside_the_simulated_period(catchment: Population, name: str) -> None:
    starts = catchment.frame(name)[EVENT_STARTS[name]]
    assert starts.min() >= datetime.combine(catchment.start, time())  # type: ignore[operator]
    assert starts.max() < datetime.combine(catchment.end, time())  # type: ignore[operator]


@pytest.mark.parametrize("name", sorted(EVENT_STARTS))
def test_nobody_has_activity_after_their_death(catchment: Population, name: str) -> None:
    events = catchment.frame(name).join(
        catchment.people.select("nhs_number", "date_of_death"), on="nhs_number"
    )
    after = events.filter(pl.col(EVENT_STARTS[name]).dt.date() > pl.col("date_of_death"))
    assert after.height == 0


def test_stays_and_attendances_end_by_death(catchment: Population) -> None:
    dead = catchment.people.select("nhs_number", "date_of_death").drop_nulls()
    ed = catchment.ed.join(dead, on="nhs_number")
    assert ed.filter(pl.col("departure_datetime").dt.date() > pl.col("date_of_death")).height == 0
    spells = catchment.admissions.join(dead, on="nhs_number").drop_nulls("discharge_datetime")
    late = spells.filter(pl.col("discharge_datetime").dt.date() > pl.col("date_of_death"))
    assert late.height == 0


def test_departure_is_after_arrival(catchment: Population) -> None:
    ed = catchment.ed
    assert (ed["departure_datetime"] > ed["arrival_datetime"]).all()
    assert ((ed["departure_datetime"] - ed["arrival_datetime"]) <= timedelta(hours=24)).all()


def test_discharge_is_not_before_admission_and_only_open_spells_lack_one(
    catchment: Population,
) -> None:
    spells = catchment.admissions
    closed = spells.drop_nulls("discharge_datetime")
    assert (closed["discharge_datetime"] >= closed["admission_datetime"]).all()
    assert (closed["discharge_datetime"] < datetime.combine(catchment.end, time())).all()
    still_open = spells.filter(pl.col("discharge_datetime").is_null())
    assert 0 < still_open.height < 0.05 * spells.height


def test_nobody_is_in_two_places_at_once(catchment: Population) -> None:
    end = datetime.combine(catchment.end, time())
    busy = pl.concat(
        [
            catchment.ed.select(
                "nhs_number", start="arrival_datetime", finish="departure_datetime"
            ),
            catchment.admissions.select(
                "nhs_number",
                start="admission_datetime",
                finish=pl.col("discharge_datetime").fill_null(end),
            ),
        ]
    ).sort("nhs_number", "start")
    previous = busy.with_columns(
        before=pl.col("finish").shift(1).over("nhs_number"),
    ).drop_nulls("before")
    assert previous.filter(pl.col("before") > pl.col("start")).height == 0


def test_ed_fields_take_ecds_values(catchment: Population) -> None:
    ed = catchment.raw("ed_attendances.csv")
    sites = {site.code: site.department_type for site in codes.ED_SITES}
    assert set(ed["site_code"].unique()) <= set(sites)
    assert set(ed["department_type"].unique()) <= {"01", "02", "03", "04", "05"}
    pairs = ed.select("site_code", "department_type").unique()
    assert all(sites[s] == t for s, t in pairs.iter_rows())
    assert set(ed["attendance_category"].unique()) == {"1", "2", "4"}
    assert set(ed["acuity"].unique()) <= set(codes.ACUITY_CODES)
    assert ed["arrival_mode"].str.contains(r"^10[0-9]{14}$").all()
    for column in ("chief_complaint", "diagnosis", "discharge_destination"):
        assert ed[column].str.contains(r"^[1-9][0-9]{5,17}$").all()


def test_ambulance_fields_take_documented_values(catchment: Population) -> None:
    amb = catchment.raw("ambulance_incidents.csv")
    assert set(amb["call_origin"].unique()) == {"999", "111", "hcp", "police", "other"}
    assert set(amb["outcome"].unique()) == {"hear_and_treat", "see_and_treat", "see_and_convey"}
    conveyed = amb["outcome"] == "see_and_convey"
    assert amb.filter(conveyed)["conveyed_to_site"].null_count() == 0
    assert amb.filter(~conveyed)["conveyed_to_site"].null_count() == amb.filter(~conveyed).height


def test_admission_fields_take_documented_values(catchment: Population) -> None:
    spells = catchment.raw("admissions.csv")
    methods = set(spells["admission_method"].unique())
    assert methods <= EMERGENCY_METHODS | ELECTIVE_METHODS
    assert methods & ELECTIVE_METHODS
    assert set(spells["setting"].unique()) == {"acute", "mental_health"}
    assert spells["primary_diagnosis"].str.contains(r"^[A-Z][0-9]{2}(\.[0-9])?$").all()


def test_nhs111_calls_have_a_disposition(catchment: Population) -> None:
    calls = catchment.raw("nhs111_calls.csv")
    assert set(calls["disposition"].unique()) == {d for d, _ in codes.NHS111_DISPOSITIONS}


def test_a_conveyed_ambulance_incident_is_followed_by_an_attendance_where_it_went(
    catchment: Population,
) -> None:
    cutoff = datetime.combine(catchment.end, time()) - timedelta(days=1)
    alive = catchment.people.filter(pl.col("date_of_death").is_null()).select("nhs_number")
    conveyed = (
        catchment.ambulance.filter(pl.col("outcome") == "see_and_convey")
        .filter(pl.col("call_datetime") < cutoff)
        .join(alive, on="nhs_number")
        .sort("call_datetime")
    )
    arrivals = (
        catchment.ed.filter(
            pl.col("arrival_mode").is_in(
                [codes.ARRIVAL_EMERGENCY_AMBULANCE, codes.ARRIVAL_AMBULANCE_MEDICAL_ESCORT]
            )
        )
        .select("nhs_number", "arrival_datetime", "site_code")
        .sort("arrival_datetime")
    )
    matched = conveyed.join_asof(
        arrivals,
        left_on="call_datetime",
        right_on="arrival_datetime",
        by="nhs_number",
        strategy="forward",
        tolerance=timedelta(hours=3),
        check_sortedness=False,
    )
    assert matched["arrival_datetime"].null_count() == 0
    assert (matched["site_code"] == matched["conveyed_to_site"]).all()


def test_every_arrival_by_ambulance_follows_a_conveyed_incident(catchment: Population) -> None:
    arrivals = catchment.ed.filter(
        pl.col("arrival_mode").is_in(
            [codes.ARRIVAL_EMERGENCY_AMBULANCE, codes.ARRIVAL_AMBULANCE_MEDICAL_ESCORT]
        )
    ).sort("arrival_datetime")
    incidents = (
        catchment.ambulance.filter(pl.col("outcome") == "see_and_convey")
        .select("nhs_number", "call_datetime", "conveyed_to_site")
        .sort("call_datetime")
    )
    matched = arrivals.join_asof(
        incidents,
        left_on="arrival_datetime",
        right_on="call_datetime",
        by="nhs_number",
        strategy="backward",
        tolerance=timedelta(hours=3),
        check_sortedness=False,
    )
    assert matched["call_datetime"].null_count() == 0
    assert (matched["site_code"] == matched["conveyed_to_site"]).all()
    share = arrivals.height / catchment.ed.height
    assert 0.15 <= share <= 0.35


def test_an_admission_via_the_emergency_department_starts_when_the_attendance_ends(
    catchment: Population,
) -> None:
    via_ed = catchment.admissions.filter(pl.col("admission_method").is_in(["21", "2A"]))
    ends = catchment.ed.select("nhs_number", admission_datetime="departure_datetime")
    unmatched = via_ed.join(ends, on=["nhs_number", "admission_datetime"], how="anti")
    assert unmatched.height == 0
    admitted = catchment.ed.filter(
        pl.col("discharge_destination").is_in(
            [
                codes.DESTINATION_WARD,
                codes.DESTINATION_ICU,
                codes.DESTINATION_CCU,
                codes.DESTINATION_HDU,
            ]
        )
    )
    assert admitted.height >= via_ed.height


def test_older_people_are_admitted_from_ed_more_often(catchment: Population) -> None:
    ed = catchment.ed.join(catchment.people.select("nhs_number", "date_of_birth"), on="nhs_number")
    ed = ed.with_columns(
        age=(pl.col("arrival_datetime").dt.date() - pl.col("date_of_birth")).dt.total_days()
        / 365.25,
        admitted=pl.col("discharge_destination") != codes.DESTINATION_HOME,
    )
    young = ed.filter(pl.col("age") < 45)["admitted"].mean()
    old = ed.filter(pl.col("age") >= 75)["admitted"].mean()
    assert old > 2 * young  # type: ignore[operator]


def test_attendances_include_the_presentations_site_rules_exclude(catchment: Population) -> None:
    ed = catchment.ed
    planned = ed.filter(pl.col("attendance_category") == codes.CATEGORY_PLANNED_FOLLOW_UP)
    assert planned.height > 0.02 * ed.height
    assert (planned["chief_complaint"] == codes.WOUND_CARE_COMPLAINT).all()
    assert ed.filter(pl.col("diagnosis") == "127040003").height > 100  # sickle cell disease
    assert catchment.admissions.filter(pl.col("primary_diagnosis") == "D57.0").height > 50
    pregnancy = ed.filter(pl.col("diagnosis").is_in(["14094001", "289530006", "77386006"]))
    assert pregnancy.height > 100
    assert catchment.admissions["primary_diagnosis"].str.starts_with("O").sum() > 20


def test_pregnancy_presentations_are_women(catchment: Population) -> None:
    pregnant = catchment.ed.filter(pl.col("diagnosis").is_in(["14094001", "77386006"])).join(
        catchment.people.select("nhs_number", "sex"), on="nhs_number"
    )
    assert set(pregnant["sex"].unique()) <= {"2"}


def test_cohort_is_people_engaged_inside_the_period(catchment: Population) -> None:
    cohort = catchment.cohort
    assert cohort.height > 0
    assert cohort["nhs_number"].n_unique() == cohort.height
    assert cohort.join(catchment.people, on="nhs_number", how="anti").height == 0
    assert (cohort["engaged_date"] > catchment.start).all()
    assert (cohort["engaged_date"] < catchment.end).all()


def test_truth_agrees_with_the_files(catchment: Population) -> None:
    truth = catchment.truth
    assert truth["run"]["adults"] == catchment.spec.adults
    assert truth["run"]["seed"] == catchment.spec.seed
    assert truth["files"]["ed_attendances.csv"]["rows"] == catchment.ed.height
    assert truth["files"]["cohort.csv"]["rows"] == catchment.cohort.height
    engaged = [
        (person["nhs_number"], person["engaged_date"])
        for round_ in truth["service"]["rounds"]
        for person in round_["engaged_people"]
    ]
    written = [(n, d.isoformat()) for n, d in catchment.cohort.iter_rows()]
    assert sorted(engaged) == sorted(written)
    assert truth["service"]["totals"]["engaged"] == catchment.cohort.height
    effects = truth["effect"]["per_activity"]
    assert set(effects) == {
        "ed_attendances",
        "ambulance_incidents",
        "nhs111_calls",
        "admissions",
        "bed_days",
    }
    assert set(effects.values()) == {catchment.spec.true_effect}
