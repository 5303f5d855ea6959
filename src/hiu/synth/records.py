"""Turn one chunk's simulated events into rows of the canonical extracts.

Everything here that is random (sites, arrival modes, acuity, destinations, call origins,
admission methods) is drawn for every event before the service's effect is applied, and
identifiers are numbered in that complete set too, so removing an engaged person's chains
changes no other row.

Sites: an ambulance conveys to the type 01 department of the person's nearest trust (85%) or of
another trust; walk-in attendances go to the nearest trust's type 01 department or its other
departments (urgent treatment centre, walk-in centre, same day emergency care, eye casualty),
except crisis presentations and attendances that end in admission, which are at type 01
departments. A spell from A&E is at the acute site of that department's trust; a mental health
spell is at a mental health trust site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from hiu.schemas import ADMISSIONS, AMBULANCE_INCIDENTS, ED_ATTENDANCES, NHS111_CALLS, PEOPLE
from hiu.synth import codes
from hiu.synth.activity import (
    PRESENTATIONS,
    PROFILE_ALCOHOL,
    PROFILE_MENTAL_HEALTH,
    SETTING_MENTAL_HEALTH,
    SPELL_DIRECT,
    SPELL_ELECTIVE,
    SPELL_VIA_ED,
    VIA_AMBULANCE,
    VIA_FOLLOW_UP,
    Activity,
    Table,
)
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.synth.population import People, World, people_frame
from hiu.synth.timeline import MINUTES_PER_DAY, Timeline

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Room for this many events of one source per chunk in identifiers.
ID_STRIDE = 100_000_000

# The canonical extracts' columns (DESIGN §5), from the one definition the importer also uses.
ED_COLUMNS = ED_ATTENDANCES.names
AMBULANCE_COLUMNS = AMBULANCE_INCIDENTS.names
NHS111_COLUMNS = NHS111_CALLS.names
ADMISSION_COLUMNS = ADMISSIONS.names
PEOPLE_COLUMNS = PEOPLE.names

_SITE_CODES = pl.Series([s.code for s in codes.ED_SITES])
_SITE_TYPES = pl.Series([s.department_type for s in codes.ED_SITES])
_SITE_TRUST = np.array(codes.ED_SITE_TRUST, dtype=np.int64)
_N_TRUSTS = len(codes.ACUTE_SITES)
_TYPE1_SITE = np.array(
    [
        next(
            i
            for i, site in enumerate(codes.ED_SITES)
            if site.department_type == "01" and codes.ED_SITE_TRUST[i] == trust
        )
        for trust in range(_N_TRUSTS)
    ],
    dtype=np.int64,
)
# How walk-ins without a crisis spread over a trust's departments, by department type.
_WALK_IN_TYPE_WEIGHT = {"01": 0.6, "02": 0.03, "03": 0.33, "04": 0.33, "05": 0.04}

_COMPLAINT = pl.Series([p.chief_complaint for p in PRESENTATIONS])
_DIAGNOSIS = pl.Series([p.diagnosis for p in PRESENTATIONS])
_ICD10 = pl.Series([p.icd10 for p in PRESENTATIONS])
_PRESENTATION_KEY = np.array([p.key for p in PRESENTATIONS])
_CHEST_PAIN = np.isin(_PRESENTATION_KEY, ["chest_pain", "angina", "atrial_fibrillation"])

EVENT_TYPES = ("ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions", "bed_days")


@dataclass
class EffectTally:
    """Events of engaged people on or after their engaged date: as simulated, and as kept."""

    counterfactual: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_TYPES, 0))
    observed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_TYPES, 0))

    def add(self, other: EffectTally) -> None:
        for name in EVENT_TYPES:
            self.counterfactual[name] += other.counterfactual[name]
            self.observed[name] += other.observed[name]


@dataclass(frozen=True)
class ChunkRecords:
    people: pl.DataFrame
    ed_attendances: pl.DataFrame
    ambulance_incidents: pl.DataFrame
    nhs111_calls: pl.DataFrame
    admissions: pl.DataFrame
    tally: EffectTally


def _choice(
    rng: np.random.Generator, weights: list[float] | tuple[float, ...], size: int
) -> IntArray:
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(weights) - 1)


def _datetimes(minutes: IntArray, timeline: Timeline, name: str) -> pl.Series:
    start_us = (timeline.start - date(1970, 1, 1)).days * 86_400_000_000
    return pl.Series(name, start_us + minutes * 60_000_000).cast(pl.Datetime("us"))


def _with_nulls(series: pl.Series, missing: BoolArray) -> pl.Series:
    return series.scatter(np.flatnonzero(missing), None)


def _ids(prefix: str, chunk: int, count: int) -> pl.Series:
    numbers = pl.Series(chunk * ID_STRIDE + np.arange(count, dtype=np.int64))
    return prefix + numbers.cast(pl.String).str.zfill(12)


def _other_trust(rng: np.random.Generator, trust: IntArray) -> IntArray:
    return (trust + rng.integers(1, _N_TRUSTS, trust.size)) % _N_TRUSTS


def _conveyance_sites(rng: np.random.Generator, home: IntArray) -> IntArray:
    trust = np.where(rng.random(home.size) < 0.85, home, _other_trust(rng, home))
    result: IntArray = _TYPE1_SITE[trust]
    return result


def _attendance_sites(
    rng: np.random.Generator,
    att: Table,
    home: IntArray,
    incident_site: IntArray,
) -> IntArray:
    n = len(att)
    site = np.empty(n, dtype=np.int64)
    profile = att["profile"]
    major = (
        att["admitted"]
        | (profile == PROFILE_ALCOHOL)
        | (profile == PROFILE_MENTAL_HEALTH)
        | (att["via"] == VIA_AMBULANCE)
    )
    trust = np.where(rng.random(n) < 0.9, home, _other_trust(rng, home))
    site[:] = _TYPE1_SITE[trust]
    u = rng.random(n)
    for t in range(_N_TRUSTS):
        members = [i for i, s in enumerate(codes.ED_SITES) if codes.ED_SITE_TRUST[i] == t]
        weights = np.array(
            [_WALK_IN_TYPE_WEIGHT[codes.ED_SITES[i].department_type] for i in members]
        )
        cdf = np.cumsum(weights) / weights.sum()
        rows = np.flatnonzero(~major & (trust == t))
        pick = np.minimum(np.searchsorted(cdf, u[rows], side="right"), len(members) - 1)
        site[rows] = np.asarray(members)[pick]
    conveyed = att["via"] == VIA_AMBULANCE
    site[conveyed] = incident_site[att["incident"][conveyed]]
    follow = att["via"] == VIA_FOLLOW_UP
    by_number = np.zeros(int(att["number"].max(initial=-1)) + 1, dtype=np.int64)
    by_number[att["number"][~follow]] = site[~follow]
    site[follow] = by_number[att["parent"][follow]]
    return site


def _ed_frame(
    att: Table,
    people: People,
    nhs: IntArray,
    world: World,
    timeline: Timeline,
    chunk: int,
    keep_root: BoolArray,
    rng: np.random.Generator,
    incident_site: IntArray,
) -> tuple[pl.DataFrame, IntArray]:
    """A&E attendance rows, and the site of every attendance by its number."""
    n = len(att)
    home = world.lsoa_trust[people.lsoa[att["person"]]].astype(np.int64)
    site = _attendance_sites(rng, att, home, incident_site)
    via = att["via"]
    profile = att["profile"]
    follow = via == VIA_FOLLOW_UP
    ambulance = via == VIA_AMBULANCE

    arrival_mode = np.where(rng.random(n) < 0.94, 0, 1)  # escort or not, for ambulances
    walk_mode = _choice(rng, (0.85, 0.12, 0.03), n)
    police_prone = (profile == PROFILE_ALCOHOL) | (profile == PROFILE_MENTAL_HEALTH)
    walk_mode = np.where(police_prone & (rng.random(n) < 0.1), 2, walk_mode)
    modes = pl.Series(
        [
            codes.ARRIVAL_EMERGENCY_AMBULANCE,
            codes.ARRIVAL_AMBULANCE_MEDICAL_ESCORT,
            codes.ARRIVAL_OWN_TRANSPORT,
            codes.ARRIVAL_PUBLIC_TRANSPORT,
            codes.ARRIVAL_POLICE,
        ]
    )
    mode_index = np.where(ambulance, arrival_mode, 2 + walk_mode)

    dept = _SITE_TYPES.gather(site)
    type1 = (dept == "01").to_numpy()
    acuity = np.where(
        ambulance,
        _choice(rng, (0.06, 0.25, 0.42, 0.24, 0.03), n),
        np.where(
            type1,
            _choice(rng, (0.01, 0.07, 0.30, 0.47, 0.15), n),
            _choice(rng, (0.0, 0.01, 0.10, 0.54, 0.35), n),
        ),
    )
    acuity = np.where(follow, 3 + (rng.random(n) < 0.8), acuity)

    destinations = pl.Series(
        [
            codes.DESTINATION_HOME,
            codes.DESTINATION_WARD,
            codes.DESTINATION_ICU,
            codes.DESTINATION_CCU,
            codes.DESTINATION_HDU,
            codes.DESTINATION_AMBULATORY,
            codes.DESTINATION_NURSING_HOME,
            codes.DESTINATION_RESIDENTIAL_HOME,
            codes.DESTINATION_POLICE_CUSTODY,
            codes.DESTINATION_TRANSFER,
            codes.DESTINATION_MORTUARY,
        ]
    )
    u = rng.random(n)
    chest = _CHEST_PAIN[att["presentation"]]
    admitted_to = np.select([u < 0.02, u < 0.04, chest & (u < 0.1)], [2, 4, 3], 1)
    care_home = people.care_home[att["person"]]
    home_to = np.select(
        [
            care_home & (u < 0.6),
            care_home,
            police_prone & (u < 0.05),
            u < 0.08,
            u < 0.09,
        ],
        [6, 7, 8, 5, 9],
        0,
    )
    destination = np.where(att["admitted"], admitted_to, home_to)
    destination = np.where(att["died"], 10, destination)

    order = np.lexsort((att["arrival"], att["person"]))
    ids = _ids("ED", chunk, n)
    keep = keep_root[att["root"][order]]
    complaint = _COMPLAINT.gather(att["presentation"]).scatter(
        np.flatnonzero(follow), codes.WOUND_CARE_COMPLAINT
    )
    frame = pl.DataFrame(
        {
            "nhs_number": nhs[att["person"]],
            "arrival_datetime": _datetimes(att["arrival"], timeline, "arrival_datetime"),
            "departure_datetime": _datetimes(att["departure"], timeline, "departure_datetime"),
            "site_code": _SITE_CODES.gather(site),
            "department_type": dept,
            "attendance_category": att["category"],
            "arrival_mode": modes.gather(mode_index),
            "chief_complaint": complaint,
            "diagnosis": _DIAGNOSIS.gather(att["presentation"]),
            "acuity": pl.Series(codes.ACUITY_CODES).gather(acuity),
            "discharge_destination": destinations.gather(destination),
        }
    )[order]
    frame = frame.with_columns(attendance_id=ids).select(ED_COLUMNS).filter(pl.Series(keep))
    by_number = np.zeros(int(att["number"].max(initial=-1)) + 1, dtype=np.int64)
    by_number[att["number"]] = site
    return frame, by_number


def chunk_records(
    people: People,
    world: World,
    activity: Activity,
    timeline: Timeline,
    chunk: int,
    keep_root: BoolArray,
    engaged_local: IntArray,
    engaged_minute: IntArray,
    rng: np.random.Generator,
) -> ChunkRecords:
    """Every extract's rows for one chunk, after the service's effect."""
    nhs = synthetic_nhs_numbers(people.index, world.nhs_offset)
    people_rows = people_frame(people, world, timeline, nhs, rng)
    home_of = world.lsoa_trust[people.lsoa].astype(np.int64)

    # Ambulance incidents (sites first: conveyed attendances arrive where these went).
    inc = activity.incidents
    n_inc = len(inc)
    conveyed_site = _conveyance_sites(rng, home_of[inc["person"]])
    incident_site = np.zeros(int(inc["number"].max(initial=-1)) + 1, dtype=np.int64)
    incident_site[inc["number"]] = conveyed_site
    origin = _choice(rng, (0.9, 0.0, 0.05, 0.02, 0.03), n_inc)
    care_home = people.care_home[inc["person"]]
    origin = np.where(care_home & (rng.random(n_inc) < 0.3), codes.ORIGIN_HCP, origin)
    police_prone = (inc["profile"] == PROFILE_ALCOHOL) | (inc["profile"] == PROFILE_MENTAL_HEALTH)
    origin = np.where(police_prone & (rng.random(n_inc) < 0.08), codes.ORIGIN_POLICE, origin)
    origin = np.where(inc["from_111"], codes.ORIGIN_111, origin)
    is_conveyed = inc["outcome"] == codes.OUTCOME_CONVEY
    order = np.lexsort((inc["minute"], inc["person"]))
    ambulance_rows = (
        pl.DataFrame(
            {
                "nhs_number": nhs[inc["person"]],
                "call_datetime": _datetimes(inc["minute"], timeline, "call_datetime"),
                "call_origin": pl.Series(codes.CALL_ORIGINS).gather(origin),
                "outcome": pl.Series(codes.AMBULANCE_OUTCOMES).gather(inc["outcome"]),
                "conveyed_to_site": _with_nulls(
                    _SITE_CODES.gather(conveyed_site).alias("conveyed_to_site"), ~is_conveyed
                ),
            }
        )[order]
        .with_columns(incident_id=_ids("AMB", chunk, n_inc))
        .select(AMBULANCE_COLUMNS)
        .filter(pl.Series(keep_root[inc["root"][order]]))
    )

    ed_rows, attendance_site = _ed_frame(
        activity.attendances, people, nhs, world, timeline, chunk, keep_root, rng, incident_site
    )

    calls = activity.calls
    order = np.lexsort((calls["minute"], calls["person"]))
    nhs111_rows = (
        pl.DataFrame(
            {
                "nhs_number": nhs[calls["person"]],
                "call_datetime": _datetimes(calls["minute"], timeline, "call_datetime"),
                "disposition": pl.Series([d for d, _ in codes.NHS111_DISPOSITIONS]).gather(
                    calls["disposition"]
                ),
            }
        )[order]
        .with_columns(call_id=_ids("NHS111", chunk, len(calls)))
        .select(NHS111_COLUMNS)
        .filter(pl.Series(keep_root[calls["root"][order]]))
    )

    admission_rows = _admission_frame(
        activity.spells, people, nhs, timeline, chunk, keep_root, rng, attendance_site, home_of
    )
    tally = _tally(activity, timeline, keep_root, engaged_local, engaged_minute, people.size)
    return ChunkRecords(
        people=people_rows,
        ed_attendances=ed_rows,
        ambulance_incidents=ambulance_rows,
        nhs111_calls=nhs111_rows,
        admissions=admission_rows,
        tally=tally,
    )


def _admission_frame(
    spells: Table,
    people: People,
    nhs: IntArray,
    timeline: Timeline,
    chunk: int,
    keep_root: BoolArray,
    rng: np.random.Generator,
    attendance_site: IntArray,
    home_of: IntArray,
) -> pl.DataFrame:
    n = len(spells)
    route = spells["route"]
    mental_health = spells["setting"] == SETTING_MENTAL_HEALTH
    via_ed = route == SPELL_VIA_ED

    direct_methods = [m for m, _ in codes.DIRECT_EMERGENCY_METHODS]
    elective_methods = [m for m, _ in codes.ELECTIVE_METHODS]
    methods = pl.Series(
        [
            codes.VIA_THIS_ED_METHOD,
            codes.VIA_OTHER_ED_METHOD,
            codes.CRISIS_TEAM_METHOD,
            *direct_methods,
            *elective_methods,
        ]
    )
    method = np.select(
        [
            via_ed,
            (route == SPELL_DIRECT) & mental_health & (rng.random(n) < 0.6),
            route == SPELL_DIRECT,
        ],
        [
            np.where(rng.random(n) < 0.95, 0, 1),
            2,
            3 + _choice(rng, [w for _, w in codes.DIRECT_EMERGENCY_METHODS], n),
        ],
        3 + len(direct_methods) + _choice(rng, [w for _, w in codes.ELECTIVE_METHODS], n),
    )

    elective_dx = pl.Series([d for d, _ in codes.ELECTIVE_DIAGNOSES]).gather(
        _choice(rng, [w for _, w in codes.ELECTIVE_DIAGNOSES], n)
    )
    elective = np.flatnonzero(route == SPELL_ELECTIVE)
    diagnosis = _ICD10.gather(np.maximum(spells["presentation"], 0)).scatter(
        elective, elective_dx.gather(elective)
    )

    home = home_of[spells["person"]]
    trust = np.where(rng.random(n) < 0.9, home, _other_trust(rng, home))
    from_ed = np.maximum(spells["attendance"], 0)
    ed_trust = _SITE_TRUST[attendance_site[np.minimum(from_ed, attendance_site.size - 1)]]
    trust = np.where(via_ed, ed_trust, trust)
    sites = pl.Series([*codes.ACUTE_SITES, *codes.MENTAL_HEALTH_SITES])
    mh_site = len(codes.ACUTE_SITES) + (people.lsoa[spells["person"]] % 2)
    site = np.where(mental_health, mh_site, trust)

    order = np.lexsort((spells["admission"], spells["person"]))
    open_spell = spells["discharge"] < 0
    return (
        pl.DataFrame(
            {
                "nhs_number": nhs[spells["person"]],
                "admission_datetime": _datetimes(
                    spells["admission"], timeline, "admission_datetime"
                ),
                "discharge_datetime": _with_nulls(
                    _datetimes(np.maximum(spells["discharge"], 0), timeline, "discharge_datetime"),
                    open_spell,
                ),
                "admission_method": methods.gather(method),
                "primary_diagnosis": diagnosis,
                "setting": pl.Series(["acute", "mental_health"]).gather(
                    mental_health.astype(np.int64)
                ),
                "site_code": sites.gather(site),
            }
        )[order]
        .with_columns(spell_id=_ids("APC", chunk, n))
        .select(ADMISSION_COLUMNS)
        .filter(pl.Series(keep_root[spells["root"][order]]))
    )


def _tally(
    activity: Activity,
    timeline: Timeline,
    keep_root: BoolArray,
    engaged_local: IntArray,
    engaged_minute: IntArray,
    n_people: int,
) -> EffectTally:
    tally = EffectTally()
    if engaged_local.size == 0:
        return tally
    start = np.full(n_people, np.iinfo(np.int64).max, dtype=np.int64)
    start[engaged_local] = engaged_minute
    for name, table, time in (
        ("ed_attendances", activity.attendances, "arrival"),
        ("ambulance_incidents", activity.incidents, "minute"),
        ("nhs111_calls", activity.calls, "minute"),
        ("admissions", activity.spells, "admission"),
    ):
        after = table[time] >= start[table["person"]]
        kept = keep_root[table["root"]]
        tally.counterfactual[name] += int(after.sum())
        tally.observed[name] += int((after & kept).sum())
        if name == "admissions":
            end = np.where(table["discharge"] < 0, timeline.minutes, table["discharge"])
            bed_days = end // MINUTES_PER_DAY - table["admission"] // MINUTES_PER_DAY
            tally.counterfactual["bed_days"] += int(bed_days[after].sum())
            tally.observed["bed_days"] += int(bed_days[after & kept].sum())
    return tally
