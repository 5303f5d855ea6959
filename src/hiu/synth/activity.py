"""Urgent and emergency care activity of one chunk of people, in continuous time.

The model
---------
Each person's use is the sum of independent Poisson processes, simulated as counts over
intervals with uniformly spread times (never a loop over people, days or events):

1. **Everyday use.** For each root kind (NHS 111 call, ambulance incident, walk-in A&E
   attendance, direct emergency admission, elective admission) a constant yearly rate: a base
   rate times age-band, care-home and deprivation multipliers, times the person's gamma
   frailty (mean 1). Frailty makes the yearly counts over-dispersed (negative binomial), as in
   real data.
2. **Crisis episodes.** Each person starts episodes of seven themes (alcohol, mental health,
   pain, physical illness, social isolation, pregnancy, sickle cell crisis) at a yearly hazard
   that depends on age, sex, deprivation (decile 1 about four times decile 10), frailty and a
   personal proneness to crises. An episode lasts a gamma-distributed time (weeks to months),
   has a lognormal severity with mean 1 (median about 0.4), and while it lasts adds a
   theme-specific rate of 111 calls, ambulance incidents, walk-in attendances and direct
   admissions, high enough that a severe alcohol crisis means an A&E visit or 999 call every
   few days. Episodes may start up to a year before the period and carry over into it. Because
   episodes end, most people who are top attenders in one quarter attend far less in the next:
   regression to the mean is real here (the top 50 of a 300,000-adult catchment attend 60-85%
   less in the following quarter).
3. **Persistent high use.** A small share of adults (0.05%) are in a never-ending episode of
   low severity.
4. **End of life.** The 90 days before a death carry a mild physical-illness episode.

Events are then linked where the sources link in reality. A 111 call can end in an ambulance
dispatch (an ambulance incident with call origin 111 minutes later) or advice to attend A&E
(an attendance a few hours later, for most of those advised). An ambulance incident that is
seen and conveyed is followed 45 minutes to two and a half hours later by an attendance
arriving by ambulance at the site it was conveyed to. An attendance ends in an emergency
admission, starting at its departure, with a chance that rises with age, depends on the
presentation, is higher for ambulance arrivals and higher again in a crisis. Wound
presentations (lacerations, cellulitis, leg ulcers) can bring planned dressing follow-ups days
later (ECDS category 2), and an unplanned return within seven days for the same kind of problem
is usually recorded as an unplanned follow-up (category 3).

Nobody has any event after their death (an attendance or stay cut short by death ends at it);
nothing starts while the person is in A&E, being conveyed or in hospital, so attendances and
stays never overlap (the episode rates above are rates while free to attend: in a crisis with
frequent admissions, stays take up much of the time); and events start inside the period only
(a stay still open at the end has no discharge: the open spell of the extract format).

Each chain of linked events hangs off one root event. The simulated service's effect is
applied per chain (see ``hiu.synth.service``): removing a chain removes all of its events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hiu.synth import codes
from hiu.synth.parameters import (
    KIND_ADMISSION,
    KIND_AMBULANCE,
    KIND_ED,
    KIND_ELECTIVE,
    KIND_NHS111,
    N_KINDS,
    THEME_PHYSICAL,
    THEME_PREGNANCY,
    THEME_PROFILE_OFFSET,
    THEME_SICKLE_CELL,
    THEMES,
    ModelParameters,
)
from hiu.synth.population import SEX_FEMALE, SEX_MALE, People
from hiu.synth.timeline import DAYS_PER_YEAR, MINUTES_PER_DAY

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[Any]

# Where an attendance came from.
VIA_WALK_IN, VIA_NHS111, VIA_AMBULANCE, VIA_FOLLOW_UP = 0, 1, 2, 3
# How a spell began.
SPELL_VIA_ED, SPELL_DIRECT, SPELL_ELECTIVE = 0, 1, 2
SETTING_ACUTE, SETTING_MENTAL_HEALTH = 0, 1

PROFILE_YOUNG_FEMALE, PROFILE_YOUNG_MALE, PROFILE_MIDDLE, PROFILE_OLDER = 0, 1, 2, 3
PROFILE_ALCOHOL = THEME_PROFILE_OFFSET
PROFILE_MENTAL_HEALTH = THEME_PROFILE_OFFSET + 1
PROFILE_PAIN = THEME_PROFILE_OFFSET + 2
PROFILE_PHYSICAL = THEME_PROFILE_OFFSET + THEME_PHYSICAL
PROFILE_SOCIAL = THEME_PROFILE_OFFSET + 4
_SHORT_STAY_PROFILES = np.array(
    [
        THEME_PROFILE_OFFSET + theme
        for theme, name in enumerate(THEMES)
        if name in ("alcohol", "mental_health", "pain", "pregnancy", "sickle_cell")
    ]
)


def _hours(text: str) -> tuple[float, ...]:
    values = tuple(float(v) for v in text.split())
    if len(values) != 24:
        raise ValueError(f"an hourly profile needs 24 values, not {len(values)}")
    return values


# Relative arrivals by hour of day, midnight first (NHS England A&E and IUC ADC hourly shapes).
_HOURLY: dict[int, tuple[float, ...]] = {
    KIND_NHS111: _hours(
        "3 2 1.5 1.2 1.2 1.5 2.5 4 5 5.2 5 4.8 4.6 4.5 4.5 4.8 5.2 5.8 6.5 6.8 6.5 5.8 5 4"
    ),
    KIND_AMBULANCE: _hours(
        "3 2.7 2.4 2.2 2.1 2.3 3 4 4.8 5.3 5.6 5.7 5.6 5.4 5.3 5.2 5.2 5.2 5.1 5 4.8 4.5 4 3.5"
    ),
    KIND_ED: _hours(
        "2 1.5 1.2 1 1 1.2 2 3.5 5 6.5 7 7 6.8 6.5 6.3 6.2 6.2 6.3 6.2 6 5.3 4.5 3.6 2.8"
    ),
    KIND_ADMISSION: _hours("0.5 0.5 0.5 0.5 0.5 0.5 0.5 0.5 3 5 6 6 6 6 6 6 5 4 3 2 1 1 0.8 0.6"),
    KIND_ELECTIVE: _hours("0 0 0 0 0 0 1 8 10 6 4 3 2 2 1.5 1 0.5 0 0 0 0 0 0 0"),
}
_HOURLY_CDF: dict[int, FloatArray] = {
    kind: np.cumsum(np.asarray(w, dtype=np.float64)) / np.sum(w) for kind, w in _HOURLY.items()
}

# Presentations of every profile, flattened: a presentation's position is its number.
PRESENTATIONS: tuple[codes.Presentation, ...] = tuple(p for prof in codes.PROFILES for p in prof)
_PROFILE_FIRST = np.cumsum([0, *(len(p) for p in codes.PROFILES)])[:-1].astype(np.int64)
_PROFILE_CDF: tuple[FloatArray, ...] = tuple(
    np.cumsum([p.weight for p in prof]) / sum(p.weight for p in prof) for prof in codes.PROFILES
)
PRESENTATION_ADMIT = np.array([p.admit for p in PRESENTATIONS])
PRESENTATION_MH_WARD = np.array([p.mental_health_ward for p in PRESENTATIONS])
PRESENTATION_WOUND = np.array([p.wound for p in PRESENTATIONS])
PRESENTATION_PROFILE = np.repeat(
    np.arange(len(codes.PROFILES)), [len(p) for p in codes.PROFILES]
).astype(np.int64)


class Table:
    """Columns of equal length, for one kind of event."""

    def __init__(self, **columns: AnyArray) -> None:
        self.columns: dict[str, AnyArray] = columns

    def __getitem__(self, name: str) -> AnyArray:
        return self.columns[name]

    def __setitem__(self, name: str, values: AnyArray) -> None:
        self.columns[name] = values

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def where(self, mask: BoolArray | IntArray) -> Table:
        return Table(**{name: values[mask] for name, values in self.columns.items()})

    @staticmethod
    def concat(*tables: Table) -> Table:
        names = tables[0].columns.keys()
        return Table(**{name: np.concatenate([t[name] for t in tables]) for name in names})


@dataclass(frozen=True)
class Activity:
    """All events of one chunk before the service acts, linked into chains by ``root``."""

    root_person: IntArray
    root_minute: IntArray
    calls: Table
    incidents: Table
    attendances: Table
    spells: Table


def _categorical(rng: np.random.Generator, cdf: FloatArray) -> IntArray:
    """One draw per row of a matrix of cumulative probabilities."""
    u = rng.random(int(cdf.shape[0]))
    result: IntArray = np.minimum((u[:, None] > cdf).sum(axis=1), cdf.shape[1] - 1)
    return result.astype(np.int64)


def _categorical_shared(rng: np.random.Generator, cdf: FloatArray, size: int) -> IntArray:
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), cdf.size - 1).astype(
        np.int64
    )


def _cdf(weights: tuple[float, ...] | list[float]) -> FloatArray:
    array = np.asarray(weights, dtype=np.float64)
    result: FloatArray = np.cumsum(array) / array.sum()
    return result


def _time_of_day(rng: np.random.Generator, day: IntArray, kind: int) -> IntArray:
    hour = _categorical_shared(rng, _HOURLY_CDF[kind], day.size)
    return day * MINUTES_PER_DAY + hour * 60 + rng.integers(0, 60, day.size)


def _spread(
    rng: np.random.Generator, counts: IntArray, start: FloatArray, length: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Row of each of ``counts.sum()`` events, and its time uniform in its row's window."""
    row = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    return row, start[row] + rng.random(row.size) * length[row]


def sample_presentations(rng: np.random.Generator, profile: IntArray) -> IntArray:
    """A presentation of each event's profile."""
    presentation = np.empty(profile.size, dtype=np.int64)
    u = rng.random(profile.size)
    for number, cdf in enumerate(_PROFILE_CDF):
        rows = np.flatnonzero(profile == number)
        pick = np.minimum(np.searchsorted(cdf, u[rows], side="right"), cdf.size - 1)
        presentation[rows] = _PROFILE_FIRST[number] + pick
    return presentation


def everyday_profile(people: People) -> IntArray:
    """Which everyday presentation profile each person's ordinary attendances come from."""
    return np.select(
        [people.age >= 75, people.age >= 45, people.sex == SEX_FEMALE],
        [PROFILE_OLDER, PROFILE_MIDDLE, PROFILE_YOUNG_FEMALE],
        PROFILE_YOUNG_MALE,
    ).astype(np.int64)


def _episode_hazards(people: People, p: ModelParameters) -> FloatArray:
    """Yearly hazard of starting an episode, per person and theme."""
    age_weight = np.asarray(p.theme_age)[:, people.band].T
    sex_weight = np.where((people.sex == SEX_MALE)[:, None], np.asarray(p.theme_male)[None, :], 1.0)
    imd = np.exp(p.theme_imd_slope * (5.5 - people.imd.astype(np.float64)))
    hazard = np.asarray(p.theme_hazard)[None, :] * age_weight * sex_weight
    hazard *= (imd * people.frailty**p.theme_frailty_power * people.proneness)[:, None]
    hazard[:, THEME_PREGNANCY] *= people.sex == SEX_FEMALE
    # Sickle cell crises come with the disease, not with deprivation or frailty.
    hazard[:, THEME_SICKLE_CELL] = (
        np.where(people.sickle_cell, p.theme_hazard[THEME_SICKLE_CELL], 0.0)
        * np.asarray(p.theme_age)[THEME_SICKLE_CELL][people.band]
    )
    result: FloatArray = hazard
    return result


def _everyday_rates(people: People, p: ModelParameters) -> FloatArray:
    """Yearly everyday rate per person and root kind."""
    band_rates = np.asarray(p.age_multiplier)[:, people.band].T * np.asarray(p.base_rate)
    imd = np.exp(p.imd_slope * (5.5 - people.imd.astype(np.float64)))
    care = np.where(people.care_home[:, None], np.asarray(p.care_home_multiplier)[None, :], 1.0)
    result: FloatArray = band_rates * care * (imd * people.frailty)[:, None]
    return result


@dataclass(frozen=True)
class _Episodes:
    person: IntArray
    start: FloatArray
    length: FloatArray
    theme: IntArray
    severity: FloatArray


def _episodes(
    people: People, exposure: FloatArray, p: ModelParameters, rng: np.random.Generator
) -> _Episodes:
    """Crisis, persistent and end-of-life episodes, clipped to each person's days alive."""
    hazard = _episode_hazards(people, p)
    total = hazard.sum(axis=1)
    window = exposure + p.burn_in_days
    counts = rng.poisson(total * window / DAYS_PER_YEAR)
    person, start = _spread(rng, counts, np.full(people.size, -p.burn_in_days), window)
    cdf = np.cumsum(hazard[person], axis=1) / total[person, None]
    theme = _categorical(rng, cdf)
    shape = p.episode_duration_shape
    duration = rng.gamma(shape, np.asarray(p.theme_duration_days)[theme] / shape)
    sigma = p.severity_sigma
    severity = rng.lognormal(-0.5 * sigma**2, sigma, person.size)

    # Persistent high users: one episode covering the whole period, of a theme drawn in
    # proportion to their own hazards.
    persistent = np.flatnonzero((rng.random(people.size) < p.persistent_share) & (total > 0))
    persistent_cdf = np.cumsum(hazard[persistent], axis=1) / total[persistent, None]
    persistent_theme = _categorical(rng, persistent_cdf)
    persistent_severity = p.persistent_severity * rng.lognormal(
        -0.5 * sigma**2, sigma, persistent.size
    )

    dies = np.flatnonzero(people.death_minute < np.iinfo(np.int64).max)

    person = np.concatenate([person, persistent, dies])
    begin = np.concatenate([start, np.zeros(persistent.size), exposure[dies] - p.end_of_life_days])
    end = np.concatenate([start + duration, exposure[persistent], exposure[dies]])
    theme = np.concatenate([theme, persistent_theme, np.full(dies.size, THEME_PHYSICAL)])
    severity = np.concatenate(
        [severity, persistent_severity, np.full(dies.size, p.end_of_life_severity)]
    )
    begin = np.maximum(begin, 0.0)
    end = np.minimum(end, exposure[person])
    keep = end > begin
    return _Episodes(
        person=person[keep],
        start=begin[keep],
        length=(end - begin)[keep],
        theme=theme[keep],
        severity=severity[keep],
    )


def _roots(
    people: People, period_days: float, p: ModelParameters, rng: np.random.Generator
) -> Table:
    """Root events of every kind: everyday use plus the extra use of episodes."""
    exposure = np.minimum(people.death_minute / MINUTES_PER_DAY, period_days)

    rates = _everyday_rates(people, p)
    counts = rng.poisson(rates * (exposure / DAYS_PER_YEAR)[:, None]).ravel()
    cell, day = _spread(rng, counts, np.zeros(counts.size), np.repeat(exposure, N_KINDS))
    person = cell // N_KINDS
    kind = cell % N_KINDS
    profile = everyday_profile(people)[person]

    episodes = _episodes(people, exposure, p, rng)
    crisis_rates = np.asarray(p.theme_rates)[episodes.theme] * episodes.severity[:, None]
    n_crisis_kinds = crisis_rates.shape[1]  # crisis kinds share numbers with root kinds 0-3
    ep_counts = rng.poisson(crisis_rates * (episodes.length / DAYS_PER_YEAR)[:, None]).ravel()
    ep_cell, ep_day = _spread(
        rng,
        ep_counts,
        np.repeat(episodes.start, n_crisis_kinds),
        np.repeat(episodes.length, n_crisis_kinds),
    )
    ep_row = ep_cell // n_crisis_kinds

    person = np.concatenate([person, episodes.person[ep_row]])
    kind = np.concatenate([kind, ep_cell % n_crisis_kinds])
    profile = np.concatenate([profile, THEME_PROFILE_OFFSET + episodes.theme[ep_row]])
    day = np.concatenate([day, ep_day])

    minute = np.empty(person.size, dtype=np.int64)
    whole_day = np.floor(day).astype(np.int64)
    for k in range(N_KINDS):
        rows = np.flatnonzero(kind == k)
        minute[rows] = _time_of_day(rng, whole_day[rows], k)
    limit = np.minimum(people.death_minute, round(period_days * MINUTES_PER_DAY))
    keep = minute < limit[person]
    return Table(person=person[keep], minute=minute[keep], kind=kind[keep], profile=profile[keep])


def _alive_and_inside(table: Table, time_column: str, people: People, period_minutes: int) -> Table:
    limit = np.minimum(people.death_minute, period_minutes)
    return table.where(table[time_column] < limit[table["person"]])


def _ambulance_outcomes(
    rng: np.random.Generator, profile: IntArray, p: ModelParameters
) -> IntArray:
    table = np.tile(_cdf(p.ambulance_outcomes), (profile.size, 1))
    table[profile == PROFILE_SOCIAL] = _cdf(p.ambulance_outcomes_social)
    table[profile == PROFILE_PHYSICAL] = _cdf(p.ambulance_outcomes_physical)
    table[profile == PROFILE_OLDER] = _cdf(p.ambulance_outcomes_physical)
    crisis = (
        (profile == PROFILE_ALCOHOL)
        | (profile == PROFILE_MENTAL_HEALTH)
        | (profile == PROFILE_PAIN)
    )
    table[crisis] = _cdf(p.ambulance_outcomes_crisis)
    return _categorical(rng, table)


def _lognormal_minutes(
    rng: np.random.Generator, median: float, sigma: float, size: int
) -> IntArray:
    return np.maximum(1, rng.lognormal(np.log(median), sigma, size)).astype(np.int64)


def _stay_end(
    rng: np.random.Generator,
    start: IntArray,
    same_day: BoolArray,
    nights_median: FloatArray,
    sigma: float,
) -> IntArray:
    """Discharge minute: later the same day for same-day stays, else after whole nights."""
    day = start // MINUTES_PER_DAY
    same_day_end = np.minimum(
        start + rng.integers(120, 600, start.size), (day + 1) * MINUTES_PER_DAY - 1
    )
    nights = np.maximum(1, np.rint(rng.lognormal(np.log(nights_median), sigma))).astype(np.int64)
    later = (day + nights) * MINUTES_PER_DAY + rng.integers(10 * 60, 19 * 60, start.size)
    result: IntArray = np.where(same_day, same_day_end, np.maximum(later, start + 1))
    return result


def simulate_activity(
    people: People,
    period_minutes: int,
    p: ModelParameters,
    rng: np.random.Generator,
) -> Activity:
    """Every event of the chunk's people over the period, linked into chains."""
    period_days = period_minutes / MINUTES_PER_DAY
    roots = _roots(people, period_days, p, rng)
    n_roots = len(roots)
    roots["root"] = np.arange(n_roots, dtype=np.int64)

    # NHS 111 calls, and what they led to.
    calls = roots.where(roots["kind"] == KIND_NHS111)
    calls["disposition"] = _categorical_shared(
        rng, _cdf([w for _, w in codes.NHS111_DISPOSITIONS]), len(calls)
    )
    dispatched = calls.where(calls["disposition"] == codes.DISPOSITION_AMBULANCE)
    dispatched["minute"] = dispatched["minute"] + rng.integers(5, 40, len(dispatched))
    dispatched["from_111"] = np.ones(len(dispatched), dtype=np.bool_)
    advised = calls.where(
        (calls["disposition"] == codes.DISPOSITION_EMERGENCY_DEPARTMENT)
        & (rng.random(len(calls)) < p.nhs111_ed_attend)
    )
    advised["minute"] = advised["minute"] + rng.integers(30, 240, len(advised))

    # Ambulance incidents: direct calls and 111 dispatches.
    direct_incidents = roots.where(roots["kind"] == KIND_AMBULANCE)
    direct_incidents["from_111"] = np.zeros(len(direct_incidents), dtype=np.bool_)
    incidents = _alive_and_inside(
        Table.concat(direct_incidents, _only(dispatched, direct_incidents)),
        "minute",
        people,
        period_minutes,
    )
    incidents.columns.pop("kind")
    incidents["outcome"] = _ambulance_outcomes(rng, incidents["profile"], p)
    incidents["number"] = np.arange(len(incidents), dtype=np.int64)
    conveyed = incidents.where(incidents["outcome"] == codes.OUTCOME_CONVEY)

    # A&E attendances: walk-ins, after 111 advice, and ambulance conveyances.
    walk_in = roots.where(roots["kind"] == KIND_ED)
    parts = []
    for source, via, incident in (
        (walk_in, VIA_WALK_IN, None),
        (advised, VIA_NHS111, None),
        (conveyed, VIA_AMBULANCE, conveyed),
    ):
        arrival = source["minute"]
        if via == VIA_AMBULANCE:
            arrival = arrival + rng.integers(45, 150, len(source))
        parts.append(
            Table(
                person=source["person"],
                arrival=arrival,
                # From the 999 call to arrival, a conveyed person is with the crew.
                busy_from=source["minute"],
                root=source["root"],
                profile=source["profile"],
                via=np.full(len(source), via, dtype=np.int64),
                incident=(
                    incident["number"]
                    if incident is not None
                    else np.full(len(source), -1, dtype=np.int64)
                ),
            )
        )
    attendances = _alive_and_inside(Table.concat(*parts), "arrival", people, period_minutes)
    n_att = len(attendances)
    attendances["presentation"] = sample_presentations(rng, attendances["profile"])
    band = people.band[attendances["person"]]
    chance = (
        np.asarray(p.ed_admission_by_band)[band] * PRESENTATION_ADMIT[attendances["presentation"]]
    )
    chance = np.where(
        attendances["via"] == VIA_AMBULANCE, chance * p.ambulance_admission_multiplier, chance
    )
    theme = attendances["profile"] - THEME_PROFILE_OFFSET
    in_episode = theme >= 0
    chance[in_episode] *= np.asarray(p.theme_admission_multiplier)[theme[in_episode]]
    admitted = rng.random(n_att) < np.minimum(chance, p.max_admission_probability)
    stay = np.where(
        admitted,
        _lognormal_minutes(rng, p.ed_minutes_admitted_median, 0.55, n_att),
        _lognormal_minutes(rng, p.ed_minutes_median, 0.65, n_att),
    )
    stay = np.clip(stay, 10, 24 * 60)
    attendances["departure"] = attendances["arrival"] + stay
    death = people.death_minute[attendances["person"]]
    died = attendances["departure"] >= death
    attendances["departure"] = np.minimum(attendances["departure"], death)
    attendances["died"] = died
    attendances["admitted"] = admitted & ~died
    attendances["category"] = np.full(n_att, codes.CATEGORY_UNPLANNED_FIRST, dtype=np.int64)
    attendances["parent"] = np.full(n_att, -1, dtype=np.int64)

    # Planned dressing follow-ups of wound presentations.
    wounds = np.flatnonzero(
        PRESENTATION_WOUND[attendances["presentation"]]
        & ~attendances["admitted"]
        & (rng.random(n_att) < p.wound_follow_up)
    )
    n_follow = 1 + rng.poisson(p.wound_follow_up_extra, wounds.size)
    parent = np.repeat(wounds, n_follow)
    # Position of each follow-up within its series, so each comes a few days after the last.
    series_start = np.repeat(np.cumsum(n_follow) - n_follow, n_follow)
    position = np.arange(parent.size) - series_start
    gap_days = 2 + position * 3 + rng.integers(0, 3, parent.size)
    follow_day = attendances["arrival"][parent] // MINUTES_PER_DAY + gap_days
    follow_arrival = follow_day * MINUTES_PER_DAY + rng.integers(9 * 60, 17 * 60, parent.size)
    follow = Table(
        person=attendances["person"][parent],
        arrival=follow_arrival,
        busy_from=follow_arrival,
        root=attendances["root"][parent],
        profile=attendances["profile"][parent],
        via=np.full(parent.size, VIA_FOLLOW_UP, dtype=np.int64),
        incident=np.full(parent.size, -1, dtype=np.int64),
        presentation=attendances["presentation"][parent],
        departure=follow_arrival + rng.integers(15, 75, parent.size),
        died=np.zeros(parent.size, dtype=np.bool_),
        admitted=np.zeros(parent.size, dtype=np.bool_),
        category=np.full(parent.size, codes.CATEGORY_PLANNED_FOLLOW_UP, dtype=np.int64),
        parent=parent,
    )
    follow = _alive_and_inside(follow, "departure", people, period_minutes)
    attendances = Table.concat(attendances, follow)
    attendances["number"] = np.arange(len(attendances), dtype=np.int64)

    # Admitted patient spells: from A&E, direct emergency admissions and planned ones.
    from_ed = attendances.where(attendances["admitted"])
    direct = roots.where(roots["kind"] == KIND_ADMISSION)
    direct_presentation = sample_presentations(rng, direct["profile"])
    elective = roots.where(roots["kind"] == KIND_ELECTIVE)
    spells = Table.concat(
        Table(
            person=from_ed["person"],
            admission=from_ed["departure"],
            root=from_ed["root"],
            presentation=from_ed["presentation"],
            route=np.full(len(from_ed), SPELL_VIA_ED, dtype=np.int64),
            attendance=from_ed["number"],
        ),
        Table(
            person=direct["person"],
            admission=direct["minute"],
            root=direct["root"],
            presentation=direct_presentation,
            route=np.full(len(direct), SPELL_DIRECT, dtype=np.int64),
            attendance=np.full(len(direct), -1, dtype=np.int64),
        ),
        Table(
            person=elective["person"],
            admission=elective["minute"],
            root=elective["root"],
            presentation=np.full(len(elective), -1, dtype=np.int64),
            route=np.full(len(elective), SPELL_ELECTIVE, dtype=np.int64),
            attendance=np.full(len(elective), -1, dtype=np.int64),
        ),
    )
    spells = _alive_and_inside(spells, "admission", people, period_minutes)
    n_spells = len(spells)
    known = spells["presentation"] >= 0
    mh_share = np.where(known, PRESENTATION_MH_WARD[np.maximum(spells["presentation"], 0)], 0.0)
    direct_mh = (spells["route"] == SPELL_DIRECT) & (
        PRESENTATION_PROFILE[np.maximum(spells["presentation"], 0)] == PROFILE_MENTAL_HEALTH
    )
    mh_share = np.where(direct_mh, 0.7, mh_share)
    setting = np.where(rng.random(n_spells) < mh_share, SETTING_MENTAL_HEALTH, SETTING_ACUTE)
    age = people.age[spells["person"]]
    elective_route = spells["route"] == SPELL_ELECTIVE
    # Crisis admissions (intoxication, overdose, pain, sickle cell) are mostly short stays.
    profile = PRESENTATION_PROFILE[np.maximum(spells["presentation"], 0)]
    short_crisis = known & np.isin(profile, _SHORT_STAY_PROFILES)
    same_day_share = np.where(
        elective_route,
        p.elective_day_case_share,
        np.where(
            short_crisis,
            p.crisis_same_day_share,
            p.acute_same_day_share * np.where(age < 45, 1.3, np.where(age < 75, 1.0, 0.6)),
        ),
    )
    same_day = (rng.random(n_spells) < same_day_share) & (setting == SETTING_ACUTE)
    nights_median = np.where(
        setting == SETTING_MENTAL_HEALTH,
        p.mental_health_nights_median,
        np.where(
            elective_route,
            2.0,
            np.where(
                short_crisis,
                p.crisis_nights_median,
                p.acute_nights_median * (1 + np.maximum(age - 50, 0) / 40),
            ),
        ),
    )
    discharge = _stay_end(rng, spells["admission"], same_day, nights_median, 0.85)
    death = people.death_minute[spells["person"]]
    discharge = np.minimum(discharge, death)
    spells["discharge"] = np.where(discharge >= period_minutes, -1, discharge)
    spells["setting"] = setting

    calls, incidents, attendances, spells, dropped_roots = _drop_overlapping_chains(
        calls, incidents, attendances, spells, n_roots, period_minutes
    )
    attendances = _mark_unplanned_follow_ups(attendances, p, rng)
    return Activity(
        root_person=roots["person"],
        root_minute=roots["minute"],
        calls=calls.where(~dropped_roots[calls["root"]]),
        incidents=incidents.where(~dropped_roots[incidents["root"]]),
        attendances=attendances.where(~dropped_roots[attendances["root"]]),
        spells=spells.where(~dropped_roots[spells["root"]]),
    )


def _only(table: Table, like: Table) -> Table:
    """``table`` with exactly the columns of ``like``."""
    return Table(**{name: table[name] for name in like.columns})


_KEY_SHIFT = np.int64(1 << 32)


def _drop_overlapping_chains(
    calls: Table, incidents: Table, attendances: Table, spells: Table, n_roots: int, period: int
) -> tuple[Table, Table, Table, Table, BoolArray]:
    """Drop chains with an event that starts while the person is in A&E or in hospital.

    A person is busy from arrival to departure of each attendance (from the 999 call, if
    conveyed) and from admission to discharge of each stay. An event that starts while an
    earlier-starting busy time of the same person is still going on drops its whole chain; a
    planned follow-up is dropped on its own. Comparing against every busy time, kept or not,
    may drop a little more than needed, but it guarantees that no kept attendance or stay
    overlaps another.
    """
    end = np.where(spells["discharge"] < 0, period, spells["discharge"])
    # Conveyances add the time between call and arrival, starting a minute after the call so
    # that the call itself is not inside its own conveyance.
    conveyed = attendances.where(attendances["via"] == VIA_AMBULANCE)
    person = np.concatenate([attendances["person"], spells["person"], conveyed["person"]])
    begin = np.concatenate([attendances["arrival"], spells["admission"], conveyed["busy_from"] + 1])
    finish = np.concatenate([attendances["departure"], end, conveyed["arrival"]])
    key = person * _KEY_SHIFT + begin
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    # Within a person keys only grow, so a running maximum never leaks across people.
    reach = np.maximum.accumulate(person[order] * _KEY_SHIFT + finish[order])
    earlier_reach = np.concatenate([[-1], reach[:-1]])
    interval_inside = np.empty(key.size, dtype=np.bool_)
    interval_inside[order] = earlier_reach > sorted_key
    att_inside = interval_inside[: len(attendances)]
    spell_inside = interval_inside[len(attendances) : len(attendances) + len(spells)]

    def point_inside(who: IntArray, minute: IntArray) -> BoolArray:
        point = who * _KEY_SHIFT + minute
        last = np.searchsorted(sorted_key, point, side="right") - 1
        result = np.zeros(point.size, dtype=np.bool_)
        valid = last >= 0
        result[valid] = reach[last[valid]] > point[valid]
        return result

    follow_up = attendances["category"] == codes.CATEGORY_PLANNED_FOLLOW_UP
    dropped_roots = np.zeros(n_roots, dtype=np.bool_)
    dropped_roots[calls["root"][point_inside(calls["person"], calls["minute"])]] = True
    dropped_roots[incidents["root"][point_inside(incidents["person"], incidents["minute"])]] = True
    dropped_roots[attendances["root"][att_inside & ~follow_up]] = True
    dropped_roots[spells["root"][spell_inside]] = True
    return (
        calls,
        incidents,
        attendances.where(~(att_inside & follow_up)),
        spells,
        dropped_roots,
    )


def _mark_unplanned_follow_ups(
    attendances: Table, p: ModelParameters, rng: np.random.Generator
) -> Table:
    """Record most unplanned returns within 7 days, for the same kind of problem, as such."""
    order = np.lexsort((attendances["arrival"], attendances["person"]))
    person = attendances["person"][order]
    arrival = attendances["arrival"][order]
    profile = attendances["profile"][order]
    unplanned = attendances["category"][order] != codes.CATEGORY_PLANNED_FOLLOW_UP
    # Compare each unplanned attendance with the previous unplanned one of the same person.
    idx = np.flatnonzero(unplanned)
    same = np.zeros(order.size, dtype=np.bool_)
    if idx.size > 1:
        prev, cur = idx[:-1], idx[1:]
        same[cur] = (
            (person[prev] == person[cur])
            & (profile[prev] == profile[cur])
            & (arrival[cur] - arrival[prev] < 7 * MINUTES_PER_DAY)
        )
    mark = same & (rng.random(order.size) < p.unplanned_follow_up)
    category = attendances["category"].copy()
    category[order[mark]] = codes.CATEGORY_UNPLANNED_FOLLOW_UP
    attendances["category"] = category
    return attendances


def quarterly_ed_counts(
    activity: Activity, n_people: int, bounds: IntArray
) -> npt.NDArray[np.uint16]:
    """Unplanned A&E attendances per person and quarter (planned follow-ups do not count)."""
    att = activity.attendances
    unplanned = att["category"] != codes.CATEGORY_PLANNED_FOLLOW_UP
    quarter = np.searchsorted(bounds, att["arrival"][unplanned], side="right") - 1
    n_quarters = bounds.size - 1
    flat = att["person"][unplanned] * n_quarters + quarter
    counts = np.bincount(flat, minlength=n_people * n_quarters)
    return (
        np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16).reshape(n_people, n_quarters)
    )
