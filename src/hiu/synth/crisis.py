"""A second synthetic-population mechanism, ``crisis``, written apart from ``hiu synth``'s.

Why it exists: the evaluation (``hiu.evaluate``) was first checked only on populations from the
``hiu`` mechanism (``hiu.synth.activity`` and ``hiu.synth.service``), written beside it. A method
can pass on the generator it grew up with for the wrong reasons, so this one shares none of that
activity or service model (only NHS numbers, names, site codes and the CSV formats) and builds
in the awkward features a real service has and that mechanism lacks:

- **Use is a persistent level plus transient crises.** Each adult has a gamma-distributed level
  of A&E use (mean about 0.3 a year, heavy-tailed, so a few attend 5 to 15 times a year every
  year), shaped by age and deprivation. On top, crisis episodes start at a personal hazard
  (gamma-distributed proneness; younger and more deprived people are more prone), last two weeks
  to nine months (lognormal, median 2.5 months) and add 1 to 10 attendances a month while they
  last (lognormal). A burn-in year lets episodes begin before the period and carry over.
- **Winter seasonality**: every rate (episode onsets and events) is multiplied by
  ``1 + 0.15 cos(2 pi (day of year - 15) / 365.25)``, done by thinning.
- **Deaths**: a Gompertz hazard rising with age and with the persistent level; nothing happens
  after death.
- **Engagement depends on a state no list shows.** Every quarter (1 January, April, July and
  October) the service lists the top attenders of the three calendar months before, as NHS
  RightCare recommends. Each listed person is tried after a wait of days to more than a quarter
  (lognormal, median 40 days, 3 to 150), and engages with a probability that is much higher if
  they are *still in a crisis episode* that day (0.55) than if it has ended (0.15). Engaged
  people are therefore those whose crisis lasted: without any effect their use falls less than
  that of listed people who did not engage, and a comparison that matches only on the list's
  count is biased. Waits cross list dates, so someone can be listed again while an earlier
  attempt is pending and engage from either list; ``identified_date`` is the list that worked.
- **The effect**: from the engaged date, each chain of an engaged person's events (an A&E
  attendance with its ambulance incident and admission, a 111 call, an ambulance incident not
  conveyed) is removed independently with probability ``true_effect``. The random numbers that
  decide removals are drawn for every chain whatever the effect, and the service depends only on
  events before engagement, so runs differing only in ``true_effect`` have identical rows for
  everyone not engaged, and the same engaged people on the same dates.

Events are generated as marks of one Poisson process per person whose rate is the person's
current state (level plus active crises, times the season): an event is an A&E attendance, a
111 call or an ambulance incident not conveyed in fixed proportions, so 111 calls follow the
same state. A share of A&E arrivals come by ambulance (more with age and in crisis), with a
999 incident 30 to 90 minutes before; a share end in an emergency admission (admission method
21, more with age and in crisis) from departure, lasting 0 to 15 days.

Everything is vectorised numpy: no loop over people or days, only over the service's quarterly
lists. Each part draws from its own random stream (``numpy.random.SeedSequence(seed,
spawn_key=(STREAM_ROOT, i))``), so the output depends only on the spec (and the numpy and polars
versions, as for ``hiu synth``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from hiu.schemas import ADMISSIONS, AMBULANCE_INCIDENTS, ED_ATTENDANCES, NHS111_CALLS, PEOPLE
from hiu.synth import codes, names
from hiu.synth.nhs_number import CAPACITY, synthetic_nhs_numbers
from hiu.synth.simulate import spec_problems
from hiu.synth.timeline import DAYS_PER_YEAR, MINUTES_PER_DAY, Timeline, add_months
from hiu.synth.writer import COHORT_FILE, DATE_FORMAT, DATETIME_FORMAT, TRUTH_FILE

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MECHANISM = "crisis"
TRUTH_FORMAT = "hiu-synth-crisis-truth/1"
#: First element of every random stream's spawn key, apart from the ``hiu`` mechanism's 0-2.
STREAM_ROOT = 0xC415
_PEOPLE, _EPISODES, _EVENTS, _DETAILS, _SERVICE, _REMOVAL, _ROWS = range(7)

#: Canonical extracts by kind, and the file each is written to.
KIND_FILES: dict[str, str] = {
    "people": "people.csv",
    "ed_attendances": "ed_attendances.csv",
    "ambulance_incidents": "ambulance_incidents.csv",
    "nhs111_calls": "nhs111_calls.csv",
    "admissions": "admissions.csv",
}
ACTIVITIES = ("ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions", "bed_days")

# Event kinds: the marks of each person's one Poisson process.
_ED, _NHS111, _INCIDENT = 0, 1, 2
_DAYS_PER_MONTH = DAYS_PER_YEAR / 12
_NO_DEATH = np.inf


@dataclass(frozen=True)
class CrisisParameters:
    """Every number of the crisis mechanism. Rates are per person per year unless named."""

    # Adults' ages at the start: band edges (years) and the share in each band (ONS mid-year
    # estimates for England, 2021, rounded).
    age_edges: tuple[float, ...] = (18, 25, 35, 45, 55, 65, 75, 85, 96)
    age_shares: tuple[float, ...] = (0.107, 0.172, 0.162, 0.166, 0.155, 0.122, 0.083, 0.033)
    # Persistent level of A&E use: mean, gamma shape (small: heavy-tailed), cap.
    level_mean: float = 0.33
    level_shape: float = 0.4
    level_cap: float = 15.0
    # Multiplier of the level by age (knots, interpolated) and per decile below the middle.
    level_age_knots: tuple[float, ...] = (18, 25, 35, 50, 65, 75, 85, 96)
    level_age_factor: tuple[float, ...] = (1.25, 1.1, 0.9, 0.85, 1.0, 1.35, 2.0, 2.6)
    level_per_decile: float = 0.08
    # Crisis episodes: mean onset rate, gamma shape of proneness, age and deprivation shape.
    crisis_rate: float = 0.008
    crisis_shape: float = 0.5
    crisis_age_knots: tuple[float, ...] = (18, 30, 45, 60, 75, 96)
    crisis_age_factor: tuple[float, ...] = (1.6, 1.3, 1.0, 0.7, 0.6, 0.6)
    crisis_per_decile: float = 0.12
    burn_in_days: int = 365
    # Duration (days): lognormal median and sigma, clipped.
    duration_median: float = 2.5 * _DAYS_PER_MONTH
    duration_sigma: float = 0.8
    duration_min: float = 14.0
    duration_max: float = 275.0
    # Extra A&E attendances a month during an episode: lognormal median and sigma, clipped.
    intensity_median: float = 2.5
    intensity_sigma: float = 0.6
    intensity_min: float = 1.0
    intensity_max: float = 10.0
    # Winter peak on this day of the year, and its size.
    season_amplitude: float = 0.15
    season_peak_day: float = 15.0
    # 111 calls and ambulance incidents not conveyed, per A&E attendance of the same state.
    nhs111_per_attendance: float = 0.9
    not_conveyed_per_attendance: float = 0.2
    hear_and_treat_share: float = 0.4
    # Share of A&E arrivals by ambulance: at 18, per year of age, extra in crisis.
    ambulance_base: float = 0.18
    ambulance_per_year: float = 0.0045
    ambulance_crisis: float = 0.08
    # Share of attendances admitted: at 18, per year of age, multiplier in crisis.
    admit_base: float = 0.1
    admit_per_year: float = 0.0045
    admit_crisis_factor: float = 1.4
    # Minutes in the department (lognormal median, sigma) and extra minutes when admitted.
    department_median_minutes: float = 200.0
    department_sigma: float = 0.5
    admitted_extra_minutes: int = 90
    # Whole days in hospital: exponential mean, up to this many.
    stay_mean_days: float = 3.5
    stay_max_days: int = 15
    # Deaths: Gompertz hazard at 65, per year of age (log), multiplier per attendance of level.
    death_hazard_at_65: float = 0.009
    death_gompertz: float = 0.095
    death_per_level: float = 0.25
    # The service: wait to the attempt (lognormal median, sigma, clipped, days).
    wait_median: float = 40.0
    wait_sigma: float = 0.85
    wait_min: int = 3
    wait_max: int = 150
    # Engagement at the attempt: probability in and out of crisis, log-odds per decade over 45
    # and for women.
    engage_in_crisis: float = 0.55
    engage_after_crisis: float = 0.15
    engage_per_decade: float = 0.1
    engage_female: float = 0.2

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CrisisSpec:
    """What to simulate: ``adults`` alive at ``start``, ``years`` of activity."""

    adults: int
    years: int
    start: date
    seed: int
    true_effect: float = 0.0
    list_size: int | None = None

    def problems(self) -> list[str]:
        return spec_problems(self.adults, self.years, self.true_effect, self.seed, self.list_size)

    def validate(self) -> None:
        found = self.problems()
        if found:
            raise ValueError("; ".join(found))

    @property
    def end(self) -> date:
        return Timeline(self.start, self.years).end

    @property
    def days(self) -> int:
        return Timeline(self.start, self.years).days

    @property
    def effective_list_size(self) -> int:
        """50 names for each 300,000 adults (RightCare's top 50 for a trust), at least 50."""
        if self.list_size is not None:
            return self.list_size
        return max(50, round(50 * self.adults / 300_000))


@dataclass(frozen=True)
class CrisisPopulation:
    """A simulated population: the extracts by kind, who engaged, and what really happened.

    ``listings`` is the service's working: one row per person per list, with the latent state
    (in crisis or not) on the list date and on the attempt, which no extract shows.
    """

    frames: dict[str, pl.DataFrame]
    cohort: pl.DataFrame
    truth: dict[str, Any]
    listings: pl.DataFrame = field(default_factory=pl.DataFrame)


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_ROOT, stream)))


def _choice(rng: np.random.Generator, weights: tuple[float, ...], size: int) -> IntArray:
    cdf = np.cumsum(weights) / np.sum(weights)
    picked: IntArray = np.minimum(
        np.searchsorted(cdf, rng.random(size), side="right"), len(weights) - 1
    ).astype(np.int64)
    return picked


def _lognormal(
    rng: np.random.Generator, median: float, sigma: float, low: float, high: float, size: int
) -> FloatArray:
    values: FloatArray = np.clip(rng.lognormal(np.log(median), sigma, size), low, high)
    return values


def _logistic(logit: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-logit))
    return result


# --- People -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _People:
    """Everyone, by index: fixed traits, their latent rates, and when they die."""

    age: FloatArray  # years, at the start
    female: BoolArray
    imd: IntArray  # 1 (most deprived) to 10
    trust: IntArray  # nearest acute trust, index into codes.ACUTE_SITES
    care_home: BoolArray
    level: FloatArray  # persistent A&E attendances a year
    proneness: FloatArray  # crisis onsets a year
    death_day: FloatArray  # days from the start; inf if alive at the end
    nhs_offset: int

    @property
    def size(self) -> int:
        return int(self.age.size)

    @property
    def death_minute(self) -> IntArray:
        """Minute of death; the largest integer for people alive at the end."""
        died = np.isfinite(self.death_day)
        minute = np.floor(np.where(died, self.death_day, 0) * MINUTES_PER_DAY).astype(np.int64)
        result: IntArray = np.where(died, minute, np.iinfo(np.int64).max)
        return result


def _ages(n: int, p: CrisisParameters, rng: np.random.Generator) -> FloatArray:
    band = _choice(rng, p.age_shares, n)
    low = np.asarray(p.age_edges[:-1])[band]
    high = np.asarray(p.age_edges[1:])[band]
    ages: FloatArray = low + rng.random(n) * (high - low)
    return ages


def _make_people(n: int, days: int, p: CrisisParameters, rng: np.random.Generator) -> _People:
    """Adults at the start. Deprived and older people have higher levels; deprived and younger
    people are more prone to crises; death rises with age and level."""
    age = _ages(n, p, rng)
    female = rng.random(n) < 0.5 + 0.1 * np.clip((age - 60) / 35, 0, 1)
    imd = rng.integers(1, 11, n).astype(np.int64)
    trust = _choice(rng, codes.TRUST_SHARES, n)
    care_home = rng.random(n) < np.where(age >= 85, 0.14, np.where(age >= 75, 0.03, 0.001))
    # Age and deprivation shape both rates; dividing by their mean keeps the population's
    # mean at the parameter, whatever the age mix.
    deprivation = 5.5 - imd
    by_level = np.interp(age, p.level_age_knots, p.level_age_factor) * np.exp(
        p.level_per_decile * deprivation
    )
    frailty = rng.gamma(p.level_shape, 1 / p.level_shape, n)
    level = np.minimum(p.level_mean * frailty * by_level / by_level.mean(), p.level_cap)
    by_crisis = np.interp(age, p.crisis_age_knots, p.crisis_age_factor) * np.exp(
        p.crisis_per_decile * deprivation
    )
    prone = rng.gamma(p.crisis_shape, 1 / p.crisis_shape, n)
    proneness = p.crisis_rate * prone * by_crisis / by_crisis.mean()
    hazard = (
        p.death_hazard_at_65
        * np.exp(p.death_gompertz * (age - 65))
        * (1 + p.death_per_level * level)
    )
    # Gompertz: cumulative hazard h (e^{bt} - 1) / b equals a unit exponential at death.
    years = np.log1p(p.death_gompertz * rng.exponential(1.0, n) / hazard) / p.death_gompertz
    death_day = np.where(years * DAYS_PER_YEAR < days, years * DAYS_PER_YEAR, _NO_DEATH)
    return _People(
        age=age,
        female=female,
        imd=imd,
        trust=trust,
        care_home=care_home,
        level=level,
        proneness=proneness,
        death_day=death_day,
        nhs_offset=int(rng.integers(0, CAPACITY)),
    )


# --- Time-varying rates -------------------------------------------------------------------


def _season(days: FloatArray, start: date, p: CrisisParameters) -> FloatArray:
    """The winter multiplier on each day (days from the start, any sign)."""
    day = np.datetime64(start, "D") + np.floor(days).astype(np.int64)
    day_of_year = (day - day.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64) + 1
    result: FloatArray = 1 + p.season_amplitude * np.cos(
        2 * np.pi * (day_of_year - p.season_peak_day) / DAYS_PER_YEAR
    )
    return result


def _seasonal_points(
    low: FloatArray,
    high: FloatArray,
    rate: FloatArray,
    start: date,
    p: CrisisParameters,
    rng: np.random.Generator,
) -> tuple[IntArray, FloatArray]:
    """Points of one Poisson process per interval ``[low, high)`` with rate ``rate`` a day times
    the season: the owner interval and time (days) of each.

    Thinning: points at the peak rate, each kept with probability season / peak.
    """
    peak = 1 + p.season_amplitude
    length = np.maximum(high - low, 0.0)
    owner = np.repeat(np.arange(low.size, dtype=np.int64), rng.poisson(rate * peak * length))
    times = low[owner] + rng.random(owner.size) * length[owner]
    kept = rng.random(owner.size) * peak < _season(times, start, p)
    return owner[kept], times[kept]


@dataclass(frozen=True)
class _Episodes:
    """Crisis episodes that reach the period, sorted by person and onset (days)."""

    person: IntArray
    onset: FloatArray
    end: FloatArray
    per_day: FloatArray  # extra A&E attendances a day while it lasts

    def active(self, person: IntArray, day: FloatArray) -> BoolArray:
        """Whether each ``person`` is in an episode at ``day``."""
        first = np.searchsorted(self.person, person, side="left")
        count = np.searchsorted(self.person, person, side="right") - first
        query = np.repeat(np.arange(person.size, dtype=np.int64), count)
        offsets = np.cumsum(count) - count
        episode = first[query] + np.arange(query.size, dtype=np.int64) - offsets[query]
        inside = (self.onset[episode] <= day[query]) & (day[query] < self.end[episode])
        active: BoolArray = np.bincount(query[inside], minlength=person.size) > 0
        return active


def _make_episodes(
    people: _People, days: int, start: date, p: CrisisParameters, rng: np.random.Generator
) -> _Episodes:
    n = people.size
    owner, onset = _seasonal_points(
        np.full(n, -float(p.burn_in_days)),
        np.full(n, float(days)),
        people.proneness / DAYS_PER_YEAR,
        start,
        p,
        rng,
    )
    size = owner.size
    duration = _lognormal(
        rng, p.duration_median, p.duration_sigma, p.duration_min, p.duration_max, size
    )
    per_month = _lognormal(
        rng, p.intensity_median, p.intensity_sigma, p.intensity_min, p.intensity_max, size
    )
    end = onset + duration
    reach = end > 0
    order = np.lexsort((onset[reach], owner[reach]))
    return _Episodes(
        person=owner[reach][order],
        onset=onset[reach][order],
        end=end[reach][order],
        per_day=(per_month / _DAYS_PER_MONTH)[reach][order],
    )


# --- Events -------------------------------------------------------------------------------

#: Share of arrivals and calls in each hour of the day (A&E arrivals' usual shape: a trough
#: before dawn, a late-morning peak).
_HOURLY: tuple[float, ...] = (
    2.5, 2.0, 1.6, 1.3, 1.1, 1.1, 1.5, 2.5, 4.0, 5.5, 6.3, 6.3,
    6.1, 5.9, 5.7, 5.6, 5.5, 5.4, 5.3, 5.1, 4.7, 4.2, 3.6, 3.0,
)  # fmt: skip


@dataclass(frozen=True)
class _Events:
    """Every root event before the service acts, sorted by person and minute."""

    person: IntArray
    minute: IntArray  # from midnight at the start
    kind: IntArray  # _ED, _NHS111 or _INCIDENT
    in_crisis: BoolArray


def _make_events(
    people: _People,
    episodes: _Episodes,
    days: int,
    start: date,
    p: CrisisParameters,
    rng: np.random.Generator,
) -> _Events:
    """The marks of each person's Poisson process of level plus active crises, times season."""
    marks = (1.0, p.nhs111_per_attendance, p.not_conveyed_per_attendance)
    per_attendance = sum(marks)  # events of every kind for each A&E attendance
    horizon = np.minimum(float(days), people.death_day)
    level_per_day = people.level / DAYS_PER_YEAR
    own, own_time = _seasonal_points(
        np.zeros(people.size), horizon, level_per_day * per_attendance, start, p, rng
    )
    low = np.maximum(episodes.onset, 0.0)
    high = np.minimum(episodes.end, horizon[episodes.person])
    spell, spell_time = _seasonal_points(
        low, high, episodes.per_day * per_attendance, start, p, rng
    )
    person = np.concatenate([own, episodes.person[spell]])
    day = np.floor(np.concatenate([own_time, spell_time])).astype(np.int64)
    minute = (
        day * MINUTES_PER_DAY
        + _choice(rng, _HOURLY, person.size) * 60
        + rng.integers(0, 60, person.size)
    )
    kind = _choice(rng, marks, person.size)
    alive = minute < people.death_minute[person]
    order = np.lexsort((minute[alive], person[alive]))
    person, minute, kind = person[alive][order], minute[alive][order], kind[alive][order]
    in_crisis = episodes.active(person, minute / MINUTES_PER_DAY)
    return _Events(person=person, minute=minute, kind=kind, in_crisis=in_crisis)


@dataclass(frozen=True)
class _Attendances:
    """A&E attendances (the ``_ED`` events) with their linked ambulance call and admission."""

    root: IntArray  # index into the events
    person: IntArray
    arrival: IntArray
    departure: IntArray
    site: IntArray  # index into codes.ACUTE_SITES
    ambulance: BoolArray
    call: IntArray  # minute of the 999 call, when by ambulance
    admitted: BoolArray
    discharge: IntArray  # minute; at or after the period's end means still in hospital
    died: BoolArray  # died in the department

    def subset(self, rows: BoolArray, new_root: IntArray) -> _Attendances:
        """The attendances in ``rows``, their roots renumbered by ``new_root``."""
        return _Attendances(
            root=new_root[self.root[rows]],
            person=self.person[rows],
            arrival=self.arrival[rows],
            departure=self.departure[rows],
            site=self.site[rows],
            ambulance=self.ambulance[rows],
            call=self.call[rows],
            admitted=self.admitted[rows],
            discharge=self.discharge[rows],
            died=self.died[rows],
        )


def _make_attendances(
    events: _Events,
    people: _People,
    period_minutes: int,
    p: CrisisParameters,
    rng: np.random.Generator,
) -> _Attendances:
    """Arrival mode, time in the department and admission of every attendance.

    Older people and people in crisis come by ambulance and are admitted more often. Details
    are drawn for every attendance before any is dropped, so none depends on the effect.
    """
    root = np.flatnonzero(events.kind == _ED)
    n = root.size
    person = events.person[root]
    arrival = events.minute[root]
    crisis = events.in_crisis[root]
    age = people.age[person]
    by_ambulance = p.ambulance_base + p.ambulance_per_year * (age - 18)
    ambulance = rng.random(n) < np.clip(by_ambulance + p.ambulance_crisis * crisis, 0, 0.9)
    call = arrival - rng.integers(30, 91, n)
    admit_chance = np.clip(p.admit_base + p.admit_per_year * (age - 18), 0, 0.6)
    admitted = rng.random(n) < admit_chance * np.where(crisis, p.admit_crisis_factor, 1.0)
    in_department = _lognormal(
        rng, p.department_median_minutes, p.department_sigma, 30, MINUTES_PER_DAY, n
    ).astype(np.int64)
    departure = arrival + in_department + admitted * p.admitted_extra_minutes
    stay = np.minimum(np.floor(rng.exponential(p.stay_mean_days, n)), p.stay_max_days)
    discharge = departure + stay.astype(np.int64) * MINUTES_PER_DAY + rng.integers(60, 600, n)
    home = people.trust[person]
    site = np.where(rng.random(n) < 0.9, home, (home + rng.integers(1, 3, n)) % 3)

    death = people.death_minute[person]
    died = departure >= death
    departure = np.minimum(departure, death)
    return _Attendances(
        root=root,
        person=person,
        arrival=arrival,
        departure=departure,
        site=site,
        ambulance=ambulance,
        call=call,
        admitted=admitted & ~died & (departure < period_minutes),
        discharge=np.minimum(discharge, death),
        died=died,
    )


def _first_minutes(events: _Events, att: _Attendances) -> IntArray:
    """When each chain starts: the 999 call of an ambulance arrival, else the event itself."""
    first = events.minute.copy()
    first[att.root[att.ambulance]] = att.call[att.ambulance]
    return first


def _not_overlapping(person: IntArray, first: IntArray, until: IntArray) -> BoolArray:
    """Which events happen: none starts while its person is still in the department or in
    hospital after an earlier event that happened. Events are sorted by person and time.

    Whether an event happens depends on the earlier ones, so this iterates to the fixed point:
    after ``k`` rounds the first ``k`` events of everyone are settled, and in practice a few
    rounds settle all (each round is vectorised over every event).
    """
    shift = person << 32  # keeps each person's running maximum to themselves
    previous_person = np.concatenate([[-1], person[:-1]]) == person
    happens = first >= 0
    while True:
        busy = np.maximum.accumulate(np.where(happens, until, -1) + shift) - shift
        free_from = np.where(previous_person, np.concatenate([[-1], busy[:-1]]), -1)
        settled: BoolArray = (first >= 0) & (first >= free_from)
        if np.array_equal(settled, happens):
            return settled
        happens = settled


def _settle(events: _Events, att: _Attendances) -> tuple[_Events, _Attendances]:
    """Drop chains that would start before the period or during an earlier stay."""
    until = events.minute.copy()
    until[att.root] = np.where(att.admitted, att.discharge, att.departure)
    happens = _not_overlapping(events.person, _first_minutes(events, att), until)
    new_index = np.cumsum(happens) - 1
    kept = _Events(
        person=events.person[happens],
        minute=events.minute[happens],
        kind=events.kind[happens],
        in_crisis=events.in_crisis[happens],
    )
    return kept, att.subset(happens[att.root], new_index)


# --- The service --------------------------------------------------------------------------


def list_dates(start: date, end: date) -> list[date]:
    """1 January, April, July and October whose three calendar months before lie in the
    period, up to (not including) its end."""
    dates = []
    for year in range(start.year, end.year + 1):
        for month in (1, 4, 7, 10):
            day = date(year, month, 1)
            if add_months(day, -3) >= start and day < end:
                dates.append(day)
    return dates


@dataclass(frozen=True)
class _Listings:
    """One row per person per list, in list and rank order."""

    round: IntArray
    person: IntArray
    list_day: IntArray
    rank: IntArray
    count: IntArray
    wait: IntArray
    attempt_day: IntArray
    in_crisis_at_list: BoolArray
    in_crisis_at_attempt: BoolArray
    alive_at_attempt: BoolArray
    #: Engages if the attempt is made: alive, in the period, and the coin fell that way.
    would_engage: BoolArray

    @property
    def size(self) -> int:
        return int(self.person.size)


_FLAG_COLUMNS = ("in_crisis_at_list", "in_crisis_at_attempt", "alive_at_attempt", "would_engage")


@dataclass(frozen=True)
class _Plan:
    dates: list[date]
    listings: _Listings
    engaged_day: IntArray  # per person: days from the start, or -1
    engaged_by: IntArray  # per person: the listing that engaged them, or -1
    attempted: BoolArray  # per listing: the attempt was made (not after engaging elsewhere)


def _list_round(
    counts: IntArray, eligible: BoolArray, size: int, rng: np.random.Generator
) -> IntArray:
    """The top ``size`` eligible people with a count, ties at random, best first."""
    candidates = np.flatnonzero(eligible & (counts > 0))
    score = counts[candidates] + rng.random(candidates.size)
    top: IntArray = candidates[np.argsort(-score, kind="stable")[:size]]
    return top


def _engage_chance(
    in_crisis: BoolArray, age: FloatArray, female: BoolArray, p: CrisisParameters
) -> FloatArray:
    """Engagement at the attempt: mostly whether the crisis is still going on."""
    base = np.where(in_crisis, p.engage_in_crisis, p.engage_after_crisis)
    logit = np.log(base / (1 - base)) + p.engage_per_decade * (age - 45) / 10
    return _logistic(logit + p.engage_female * female)


def _listing(
    number: int,
    list_day: int,
    top: IntArray,
    counts: IntArray,
    spec: CrisisSpec,
    people: _People,
    episodes: _Episodes,
    p: CrisisParameters,
    rng: np.random.Generator,
) -> dict[str, npt.NDArray[Any]]:
    """One list's rows: the wait, the state on the attempt day and whether they engage."""
    wait = np.rint(
        _lognormal(rng, p.wait_median, p.wait_sigma, p.wait_min, p.wait_max, top.size)
    ).astype(np.int64)
    attempt = list_day + wait
    in_crisis = episodes.active(top, attempt.astype(np.float64))
    age = people.age[top] + attempt / DAYS_PER_YEAR
    chance = _engage_chance(in_crisis, age, people.female[top], p)
    alive = people.death_day[top] > attempt
    return {
        "round": np.full(top.size, number, dtype=np.int64),
        "person": top,
        "list_day": np.full(top.size, list_day, dtype=np.int64),
        "rank": np.arange(1, top.size + 1, dtype=np.int64),
        "count": counts[top],
        "wait": wait,
        "attempt_day": attempt,
        "in_crisis_at_list": episodes.active(top, np.full(top.size, float(list_day))),
        "in_crisis_at_attempt": in_crisis,
        "alive_at_attempt": alive,
        "would_engage": alive & (attempt < spec.days) & (rng.random(top.size) < chance),
    }


def _plan_service(
    spec: CrisisSpec,
    people: _People,
    episodes: _Episodes,
    att: _Attendances,
    p: CrisisParameters,
    rng: np.random.Generator,
) -> _Plan:
    """Every quarter's list and attempts, and who engaged from which list.

    A list counts each person's A&E attendances arriving in the three calendar months before
    its date and takes the top ``list_size`` of those alive and not yet engaged. A person
    engages at their earliest successful attempt; someone whose attempt is still pending can
    be listed again. Lists run in order (a loop over lists, not people) because who may be
    listed depends on who has engaged. Only events before engagement matter, so nothing here
    depends on the effect.
    """
    dates = list_dates(spec.start, spec.end)
    order = np.argsort(att.arrival, kind="stable")
    arrivals, arrival_person = att.arrival[order], att.person[order]
    engaged_from = np.full(people.size, np.iinfo(np.int64).max, dtype=np.int64)
    parts: list[dict[str, npt.NDArray[Any]]] = []
    for number, day in enumerate(dates, start=1):
        list_day = (day - spec.start).days
        window = (add_months(day, -3) - spec.start).days * MINUTES_PER_DAY
        lo, hi = np.searchsorted(arrivals, [window, list_day * MINUTES_PER_DAY])
        counts = np.bincount(arrival_person[lo:hi], minlength=people.size).astype(np.int64)
        eligible = (people.death_day > list_day) & (engaged_from >= list_day)
        top = _list_round(counts, eligible, spec.effective_list_size, rng)
        part = _listing(number, list_day, top, counts, spec, people, episodes, p, rng)
        success = part["would_engage"]
        np.minimum.at(engaged_from, top[success], part["attempt_day"][success])
        parts.append(part)
    columns = {
        name: (
            np.concatenate([part[name] for part in parts])
            if parts
            else np.zeros(0, dtype=np.bool_ if name in _FLAG_COLUMNS else np.int64)
        )
        for name in _Listings.__dataclass_fields__
    }
    return _resolve(dates, _Listings(**columns), people.size, spec.days)


def _resolve(dates: list[date], listings: _Listings, n: int, days: int) -> _Plan:
    """Who engaged from which listing (the earliest successful attempt; the earlier listing on
    a tie), and which attempts were made at all (none after the person engaged)."""
    engaged_day = np.full(n, -1, dtype=np.int64)
    engaged_by = np.full(n, -1, dtype=np.int64)
    success = np.flatnonzero(listings.would_engage)
    order = success[np.lexsort((success, listings.attempt_day[success]))]
    people, first = np.unique(listings.person[order], return_index=True)
    engaged_by[people] = order[first]
    engaged_day[people] = listings.attempt_day[order[first]]
    mine = engaged_day[listings.person]
    this_one = engaged_by[listings.person] == np.arange(listings.size)
    attempted = (
        listings.alive_at_attempt
        & (listings.attempt_day < days)
        & ((mine < 0) | (listings.attempt_day < mine) | this_one)
    )
    return _Plan(
        dates=dates,
        listings=listings,
        engaged_day=engaged_day,
        engaged_by=engaged_by,
        attempted=attempted,
    )


# --- The effect ---------------------------------------------------------------------------


def _keep(
    events: _Events,
    att: _Attendances,
    plan: _Plan,
    true_effect: float,
    rng: np.random.Generator,
) -> BoolArray:
    """Which chains survive: those of engaged people starting on or after their engaged date
    are removed with probability ``true_effect``. One uniform number per chain, drawn whatever
    the effect and whoever owns the chain."""
    u = rng.random(events.person.size)
    engaged = plan.engaged_day[events.person]
    affected = (engaged >= 0) & (_first_minutes(events, att) >= engaged * MINUTES_PER_DAY)
    keep: BoolArray = ~affected | (u >= true_effect)
    return keep


# --- Rows ---------------------------------------------------------------------------------

#: Primary diagnoses of the emergency admissions, with weights: common, unspecific ICD-10
#: codes that no shipped rule set excludes (not sickle cell, pregnancy or wound care).
_ADMISSION_DIAGNOSES: tuple[tuple[str, float], ...] = (
    ("R69", 0.3),
    ("R07.4", 0.15),
    ("R10.4", 0.15),
    ("J22", 0.1),
    ("R55", 0.08),
    ("N39.0", 0.08),
    ("F10.0", 0.07),
    ("T39.1", 0.07),
)


def _datetimes(minutes: IntArray, start: date, name: str) -> pl.Series:
    start_us = (start - date(1970, 1, 1)).days * 86_400_000_000
    return pl.Series(name, start_us + minutes * 60_000_000).cast(pl.Datetime("us"))


def _dates(days: IntArray, start: date, name: str) -> pl.Series:
    epoch = (start - date(1970, 1, 1)).days
    return pl.Series(name, (epoch + days).astype(np.int32)).cast(pl.Date)


def _missing(series: pl.Series, missing: BoolArray) -> pl.Series:
    return series.scatter(np.flatnonzero(missing), None)


def _ids(prefix: str, count: int) -> pl.Series:
    """Identifiers numbered over every row before the effect, so removals renumber nothing."""
    numbers = pl.Series(np.arange(1, count + 1, dtype=np.int64)).cast(pl.String)
    return prefix + numbers.str.zfill(10)


def _blank(name: str, count: int) -> pl.Series:
    return pl.Series(name, [None] * count, dtype=pl.String)


def _constant(name: str, value: str, count: int) -> pl.Series:
    return pl.Series(name, [value], dtype=pl.String).gather(np.zeros(count, dtype=np.int64))


def _zipf(count: int, exponent: float, size: int, rng: np.random.Generator) -> IntArray:
    return _choice(rng, tuple(names.zipf_weights(count, exponent)), size)


def _people_frame(
    people: _People, nhs: pl.Series, start: date, rng: np.random.Generator
) -> pl.DataFrame:
    n = people.size
    male = pl.Series(names.GIVEN_NAMES_MALE).gather(_zipf(len(names.GIVEN_NAMES_MALE), 0.9, n, rng))
    female = pl.Series(names.GIVEN_NAMES_FEMALE).gather(
        _zipf(len(names.GIVEN_NAMES_FEMALE), 0.9, n, rng)
    )
    given = pl.select(pl.when(pl.lit(pl.Series(people.female))).then(female).otherwise(male))
    family = pl.Series(names.FAMILY_NAMES).gather(_zipf(len(names.FAMILY_NAMES), 0.7, n, rng))
    birth = -np.ceil(people.age * DAYS_PER_YEAR).astype(np.int64)
    died = np.isfinite(people.death_day)
    death = np.floor(np.where(died, people.death_day, 0)).astype(np.int64)
    return pl.DataFrame(
        {
            "nhs_number": nhs,
            "given_name": given.to_series(),
            "family_name": family,
            "date_of_birth": _dates(birth, start, "date_of_birth"),
            "sex": pl.Series(["1", "2"]).gather(people.female.astype(np.int64)),
            "postcode": _blank("postcode", n),
            "lsoa_code": _blank("lsoa_code", n),
            "imd_decile": pl.Series(people.imd, dtype=pl.Int8),
            "gp_practice_code": _blank("gp_practice_code", n),
            "phone": _blank("phone", n),
            "care_home": pl.Series(people.care_home),
            "date_of_death": _missing(_dates(death, start, "date_of_death"), ~died),
        }
    ).select(PEOPLE.names)


def _ed_frame(att: _Attendances, nhs: pl.Series, start: date, keep: BoolArray) -> pl.DataFrame:
    n = att.person.size
    destination = np.where(att.died, 2, np.where(att.admitted, 1, 0))
    modes = pl.Series([codes.ARRIVAL_OWN_TRANSPORT, codes.ARRIVAL_EMERGENCY_AMBULANCE])
    destinations = pl.Series(
        [codes.DESTINATION_HOME, codes.DESTINATION_WARD, codes.DESTINATION_MORTUARY]
    )
    frame = pl.DataFrame(
        {
            "attendance_id": _ids("CED", n),
            "nhs_number": nhs.gather(att.person),
            "arrival_datetime": _datetimes(att.arrival, start, "arrival_datetime"),
            "departure_datetime": _datetimes(att.departure, start, "departure_datetime"),
            "site_code": pl.Series(codes.ACUTE_SITES).gather(att.site),
            "department_type": _constant("department_type", "01", n),
            "attendance_category": _constant("attendance_category", "1", n),
            "arrival_mode": modes.gather(att.ambulance.astype(np.int64)),
            "chief_complaint": _blank("chief_complaint", n),
            "diagnosis": _blank("diagnosis", n),
            "acuity": _blank("acuity", n),
            "discharge_destination": destinations.gather(destination),
        }
    )
    return frame.select(ED_ATTENDANCES.names).filter(pl.Series(keep[att.root]))


def _ambulance_frame(
    events: _Events,
    att: _Attendances,
    nhs: pl.Series,
    start: date,
    keep: BoolArray,
    p: CrisisParameters,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Incidents conveyed to A&E (one per ambulance arrival, conveyed to that department) and
    incidents dealt with by phone or at the scene."""
    conveyed = np.flatnonzero(att.ambulance)
    other = np.flatnonzero(events.kind == _INCIDENT)
    root = np.concatenate([att.root[conveyed], other])
    minute = np.concatenate([att.call[conveyed], events.minute[other]])
    is_conveyed = np.arange(root.size) < conveyed.size
    not_conveyed = np.where(rng.random(root.size) < p.hear_and_treat_share, 0, 1)
    outcome = np.where(is_conveyed, 2, not_conveyed)
    origin = np.where(
        is_conveyed,
        _choice(rng, (0.9, 0.07, 0.03), root.size),
        _choice(rng, (0.85, 0.1, 0.05), root.size),
    )
    site = np.concatenate([att.site[conveyed], np.zeros(other.size, dtype=np.int64)])
    order = np.lexsort((minute, events.person[root]))
    frame = pl.DataFrame(
        {
            "nhs_number": nhs.gather(events.person[root]),
            "call_datetime": _datetimes(minute, start, "call_datetime"),
            "call_origin": pl.Series(["999", "111", "hcp"]).gather(origin),
            "outcome": pl.Series(codes.AMBULANCE_OUTCOMES).gather(outcome),
            "conveyed_to_site": _missing(
                pl.Series("conveyed_to_site", codes.ACUTE_SITES).gather(site), ~is_conveyed
            ),
        }
    )[order]
    return (
        frame.with_columns(incident_id=_ids("CAMB", root.size))
        .select(AMBULANCE_INCIDENTS.names)
        .filter(pl.Series(keep[root[order]]))
    )


def _nhs111_frame(
    events: _Events, nhs: pl.Series, start: date, keep: BoolArray, rng: np.random.Generator
) -> pl.DataFrame:
    root = np.flatnonzero(events.kind == _NHS111)
    dispositions = pl.Series([name for name, _ in codes.NHS111_DISPOSITIONS])
    weights = tuple(weight for _, weight in codes.NHS111_DISPOSITIONS)
    frame = pl.DataFrame(
        {
            "call_id": _ids("C111", root.size),
            "nhs_number": nhs.gather(events.person[root]),
            "call_datetime": _datetimes(events.minute[root], start, "call_datetime"),
            "disposition": dispositions.gather(_choice(rng, weights, root.size)),
        }
    )
    return frame.select(NHS111_CALLS.names).filter(pl.Series(keep[root]))


def _admissions_frame(
    att: _Attendances,
    nhs: pl.Series,
    start: date,
    period_minutes: int,
    keep: BoolArray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Emergency admissions via A&E (method 21) at the department's trust, from departure;
    a stay reaching the period's end is still open (no discharge)."""
    rows = np.flatnonzero(att.admitted)
    n = rows.size
    diagnoses = pl.Series([code for code, _ in _ADMISSION_DIAGNOSES])
    weights = tuple(weight for _, weight in _ADMISSION_DIAGNOSES)
    discharge = att.discharge[rows]
    order = np.lexsort((att.departure[rows], att.person[rows]))
    frame = pl.DataFrame(
        {
            "nhs_number": nhs.gather(att.person[rows]),
            "admission_datetime": _datetimes(att.departure[rows], start, "admission_datetime"),
            "discharge_datetime": _missing(
                _datetimes(discharge, start, "discharge_datetime"), discharge >= period_minutes
            ),
            "admission_method": _constant("admission_method", "21", n),
            "primary_diagnosis": diagnoses.gather(_choice(rng, weights, n)),
            "setting": _constant("setting", "acute", n),
            "site_code": pl.Series(codes.ACUTE_SITES).gather(att.site[rows]),
        }
    )[order]
    return (
        frame.with_columns(spell_id=_ids("CAPC", n))
        .select(ADMISSIONS.names)
        .filter(pl.Series(keep[att.root[rows][order]]))
    )


def _cohort(plan: _Plan, nhs: pl.Series, start: date) -> pl.DataFrame:
    engaged = np.flatnonzero(plan.engaged_day >= 0)
    listed = plan.listings.list_day[plan.engaged_by[engaged]]
    return pl.DataFrame(
        {
            "nhs_number": nhs.gather(engaged),
            "engaged_date": _dates(plan.engaged_day[engaged], start, "engaged_date"),
            "identified_date": _dates(listed, start, "identified_date"),
        }
    ).sort("engaged_date", "nhs_number")


def _listings_frame(plan: _Plan, nhs: pl.Series, start: date) -> pl.DataFrame:
    """The service's working, one row per person per list, with the latent crisis state."""
    rows = plan.listings
    engaged_here = plan.engaged_by[rows.person] == np.arange(rows.size)
    return pl.DataFrame(
        {
            "round": rows.round,
            "list_date": _dates(rows.list_day, start, "list_date"),
            "rank": rows.rank,
            "nhs_number": nhs.gather(rows.person),
            "count": rows.count,
            "wait_days": rows.wait,
            "attempt_date": _dates(rows.attempt_day, start, "attempt_date"),
            "in_crisis_at_list": rows.in_crisis_at_list,
            "in_crisis_at_attempt": rows.in_crisis_at_attempt,
            "attempted": plan.attempted,
            "engaged": engaged_here,
        }
    )


# --- Truth --------------------------------------------------------------------------------


#: Per activity: each event's person, minute, whether it survived the effect, and its weight
#: (1, or the days of a stay for bed days).
_Measured = tuple[IntArray, IntArray, BoolArray, IntArray]


def _measured(
    events: _Events, att: _Attendances, keep: BoolArray, period_minutes: int
) -> dict[str, _Measured]:
    """Every activity's events as the truth counts them, each at its own start."""
    conveyed = np.flatnonzero(att.ambulance)
    incidents = np.flatnonzero(events.kind == _INCIDENT)
    calls = np.flatnonzero(events.kind == _NHS111)
    spells = np.flatnonzero(att.admitted)
    stay_end = np.minimum(att.discharge[spells], period_minutes) // MINUTES_PER_DAY
    bed_days = stay_end - att.departure[spells] // MINUTES_PER_DAY

    def ones(size: int) -> IntArray:
        return np.ones(size, dtype=np.int64)

    spell_rows = (att.person[spells], att.departure[spells], keep[att.root[spells]])
    return {
        "ed_attendances": (att.person, att.arrival, keep[att.root], ones(att.root.size)),
        "ambulance_incidents": (
            np.concatenate([att.person[conveyed], events.person[incidents]]),
            np.concatenate([att.call[conveyed], events.minute[incidents]]),
            np.concatenate([keep[att.root[conveyed]], keep[incidents]]),
            ones(conveyed.size + incidents.size),
        ),
        "nhs111_calls": (events.person[calls], events.minute[calls], keep[calls], ones(calls.size)),
        "admissions": (*spell_rows, ones(spells.size)),
        "bed_days": (*spell_rows, bed_days),
    }


def _realised(
    events: _Events, att: _Attendances, plan: _Plan, keep: BoolArray, period_minutes: int
) -> dict[str, dict[str, Any]]:
    """The engaged people's events from their engaged dates, before and after the effect:
    the effect a perfect estimator would see in this sample."""
    never = np.iinfo(np.int64).max
    start = np.where(plan.engaged_day >= 0, plan.engaged_day * MINUTES_PER_DAY, never)
    realised = {}
    for name, (person, minute, kept, weight) in _measured(
        events, att, keep, period_minutes
    ).items():
        after = minute >= start[person]
        before, observed = int(weight[after].sum()), int(weight[after & kept].sum())
        realised[name] = {
            "counterfactual": before,
            "observed": observed,
            "reduction": (1 - observed / before) if before else None,
        }
    return realised


def _quantiles(values: IntArray) -> dict[str, float | None]:
    keys = ("min", "p10", "p25", "median", "p75", "p90", "max")
    if values.size == 0:
        return dict.fromkeys(keys)
    found = np.quantile(values, [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1])
    return {key: float(value) for key, value in zip(keys, found, strict=True)}


def _share(flags: BoolArray) -> float | None:
    return float(flags.mean()) if flags.size else None


def _waits(plan: _Plan, start: date, p: CrisisParameters) -> dict[str, Any]:
    """How long people waited from list to attempt, and how often that crossed a list date."""
    rows = plan.listings
    engaged = plan.engaged_by[plan.engaged_by >= 0]
    next_list = np.array([(add_months(d, 3) - start).days for d in plan.dates], dtype=np.int64)
    crosses = rows.attempt_day >= next_list[rows.round - 1] if rows.size else np.zeros(0, bool)
    return {
        "distribution": (
            f"lognormal, median {p.wait_median:g} days, sigma {p.wait_sigma:g}, rounded and "
            f"clipped to {p.wait_min}-{p.wait_max} days"
        ),
        "all_listed_days": _quantiles(rows.wait),
        "engaged_days": _quantiles(rows.wait[engaged]),
        "share_under_7_days": _share(rows.wait < 7),
        "share_over_90_days": _share(rows.wait > 90),
        "share_crossing_next_list_date": _share(crosses),
        "engaged_share_crossing_next_list_date": _share(crosses[engaged]),
    }


def _regression_to_the_mean(plan: _Plan, att: _Attendances, spec: CrisisSpec) -> dict[str, Any]:
    """Listed people's A&E attendances in the list's window and in the quarter after, before
    any effect: how much high use falls with no help at all."""
    rows = plan.listings
    window, following = 0, 0
    for number, day in enumerate(plan.dates, start=1):
        after = add_months(day, 3)
        if after > spec.end:
            continue
        listed = rows.person[rows.round == number]
        lo, hi = (day - spec.start).days, (after - spec.start).days
        inside = (att.arrival >= lo * MINUTES_PER_DAY) & (att.arrival < hi * MINUTES_PER_DAY)
        following += int(np.isin(att.person[inside], listed).sum())
        window += int(rows.count[rows.round == number].sum())
    return {
        "listed_attendances_in_window": window,
        "same_people_next_quarter": following,
        "fall": (1 - following / window) if window else None,
    }


def _rounds(plan: _Plan, nhs: pl.Series, start: date) -> list[dict[str, Any]]:
    """Each list: its window, who was on it (in rank order), and who engaged from it."""
    rows = plan.listings
    engaged_here = plan.engaged_by[rows.person] == np.arange(rows.size)
    out = []
    for number, day in enumerate(plan.dates, start=1):
        mine = rows.round == number
        won = mine & engaged_here
        out.append(
            {
                "round": number,
                "identification_date": day.isoformat(),
                "window_start": add_months(day, -3).isoformat(),
                "window_end": day.isoformat(),
                "identified": int(mine.sum()),
                "in_crisis_on_list_date": int((mine & rows.in_crisis_at_list).sum()),
                "attempted": int((mine & plan.attempted).sum()),
                "engaged": int(won.sum()),
                "engaged_in_crisis": int((won & rows.in_crisis_at_attempt).sum()),
                "identified_nhs_numbers": nhs.gather(rows.person[mine]).to_list(),
                "engaged_people": [
                    {
                        "nhs_number": who,
                        "engaged_date": (start + timedelta(days=int(d))).isoformat(),
                    }
                    for who, d in zip(
                        nhs.gather(rows.person[won]).to_list(), rows.attempt_day[won], strict=True
                    )
                ],
            }
        )
    return out


@dataclass(frozen=True)
class _Simulated:
    """Everything one run made, for the rows and the truth."""

    spec: CrisisSpec
    parameters: CrisisParameters
    people: _People
    episodes: _Episodes
    events: _Events
    attendances: _Attendances
    plan: _Plan
    keep: BoolArray
    nhs: pl.Series

    @property
    def period_minutes(self) -> int:
        return self.spec.days * MINUTES_PER_DAY


def _calibration(sim: _Simulated) -> dict[str, Any]:
    """Headline rates before the effect, to set beside published figures (``hiu synth``'s
    calibration table in docs/synth.md)."""
    att, events, spec = sim.attendances, sim.events, sim.spec
    adult_years = float(np.minimum(sim.people.death_day, spec.days).sum()) / DAYS_PER_YEAR
    first_year = att.arrival < (add_months(spec.start, 12) - spec.start).days * MINUTES_PER_DAY
    per_person = np.bincount(att.person[first_year], minlength=sim.people.size)
    high = per_person >= 5
    return {
        "per_adult_year": {
            "ed_attendances": att.person.size / adult_years,
            "ambulance_incidents": (
                int(att.ambulance.sum()) + int((events.kind == _INCIDENT).sum())
            )
            / adult_years,
            "nhs111_calls": int((events.kind == _NHS111).sum()) / adult_years,
            "emergency_admissions": int(att.admitted.sum()) / adult_years,
        },
        "first_year_5_or_more_attendances": {
            "share_of_adults": float(high.mean()),
            "share_of_attendances": float(per_person[high].sum() / max(per_person.sum(), 1)),
        },
        "persistent_level": {
            "mean_per_year": float(sim.people.level.mean()),
            "share_5_or_more_a_year": float((sim.people.level >= 5).mean()),
        },
        "crisis_episodes": {
            "reaching_the_period": int(sim.episodes.person.size),
            "people_with_one": int(np.unique(sim.episodes.person).size),
        },
    }


def _service_truth(sim: _Simulated) -> dict[str, Any]:
    plan, p, spec = sim.plan, sim.parameters, sim.spec
    rows = plan.listings
    engaged_here = plan.engaged_by[rows.person] == np.arange(rows.size)
    not_engaged = plan.attempted & ~engaged_here
    return {
        "rule": {
            "name": "top_attenders_calendar_quarter",
            "description": (
                "On 1 January, April, July and October, list the adults alive that day and not "
                "yet engaged with the most A&E attendances arriving in the three calendar "
                "months before (RightCare: top 50 over the previous 3 months, quarterly)."
            ),
            "window_months": 3,
            "list_size": spec.effective_list_size,
            "eligible": "alive on the list date, at least one attendance, not engaged before",
            "ties": "broken at random",
        },
        "engagement": {
            "attempt": "one attempt per listing, after the wait; listed again if not engaged",
            "chance": (
                "logistic: logit(engage_in_crisis if in a crisis episode on the attempt day, "
                "else engage_after_crisis) + engage_per_decade * (age - 45) / 10 "
                "+ engage_female * [stated gender 2]; nobody engages after death or the period"
            ),
            "engage_in_crisis": p.engage_in_crisis,
            "engage_after_crisis": p.engage_after_crisis,
            "engage_per_decade": p.engage_per_decade,
            "engage_female": p.engage_female,
            "engaged_date": "the attempt day; identified_date is the list the attempt came from",
        },
        "list_dates": [d.isoformat() for d in plan.dates],
        "totals": {
            "rounds": len(plan.dates),
            "identified": rows.size,
            "identified_people": int(np.unique(rows.person).size),
            "attempted": int(plan.attempted.sum()),
            "engaged": int((plan.engaged_day >= 0).sum()),
            "engaged_in_crisis_share": _share(rows.in_crisis_at_attempt[engaged_here]),
            "attempted_not_engaged_in_crisis_share": _share(rows.in_crisis_at_attempt[not_engaged]),
        },
        "waits": _waits(plan, spec.start, p),
        "regression_to_the_mean": _regression_to_the_mean(plan, sim.attendances, spec),
        "rounds": _rounds(plan, sim.nhs, spec.start),
    }


def _truth(sim: _Simulated, rows: dict[str, int]) -> dict[str, Any]:
    spec = sim.spec
    effect = spec.true_effect
    return {
        "format": TRUTH_FORMAT,
        "mechanism": MECHANISM,
        "run": {
            "mechanism": MECHANISM,
            "adults": spec.adults,
            "years": spec.years,
            "start": spec.start.isoformat(),
            "end": spec.end.isoformat(),
            "seed": spec.seed,
            "true_effect": effect,
            "list_size": spec.effective_list_size,
        },
        "population": {
            "adults": spec.adults,
            "died_in_period": int(np.isfinite(sim.people.death_day).sum()),
        },
        "files": {name: {"rows": count} for name, count in rows.items()},
        "calibration": _calibration(sim),
        "service": _service_truth(sim),
        "effect": {
            "mechanism": (
                "From the engaged date, each chain of an engaged person's events (an A&E "
                "attendance with its ambulance incident and admission; a 111 call; an ambulance "
                "incident not conveyed) whose first event is on or after that date is removed "
                "with probability true_effect, independently. Every activity, bed days included, "
                "falls by true_effect in expectation; nobody else's rows change."
            ),
            "true_effect": effect,
            "keep_probability": 1 - effect,
            "per_activity": dict.fromkeys(ACTIVITIES, effect),
            "realised": _realised(
                sim.events, sim.attendances, sim.plan, sim.keep, sim.period_minutes
            ),
        },
        "model": sim.parameters.as_dict(),
        "period": {
            "start": spec.start.isoformat(),
            "end": spec.end.isoformat(),
            "end_is_exclusive": True,
        },
    }


# --- Entry points -------------------------------------------------------------------------


def _simulate_world(spec: CrisisSpec, p: CrisisParameters) -> _Simulated:
    """People, crises, events, the service and the effect, each from its own stream."""
    people = _make_people(spec.adults, spec.days, p, _rng(spec.seed, _PEOPLE))
    episodes = _make_episodes(people, spec.days, spec.start, p, _rng(spec.seed, _EPISODES))
    raw = _make_events(people, episodes, spec.days, spec.start, p, _rng(spec.seed, _EVENTS))
    details = _make_attendances(
        raw, people, spec.days * MINUTES_PER_DAY, p, _rng(spec.seed, _DETAILS)
    )
    events, attendances = _settle(raw, details)
    plan = _plan_service(spec, people, episodes, attendances, p, _rng(spec.seed, _SERVICE))
    keep = _keep(events, attendances, plan, spec.true_effect, _rng(spec.seed, _REMOVAL))
    numbers = synthetic_nhs_numbers(np.arange(people.size, dtype=np.int64), people.nhs_offset)
    return _Simulated(
        spec=spec,
        parameters=p,
        people=people,
        episodes=episodes,
        events=events,
        attendances=attendances,
        plan=plan,
        keep=keep,
        nhs=pl.Series("nhs_number", numbers).cast(pl.String),
    )


def simulate_crisis(spec: CrisisSpec) -> CrisisPopulation:
    """Simulate ``spec`` with the crisis mechanism, in memory."""
    spec.validate()
    sim = _simulate_world(spec, CrisisParameters())
    rng = _rng(spec.seed, _ROWS)
    start, keep = spec.start, sim.keep
    frames = {
        "people": _people_frame(sim.people, sim.nhs, start, rng),
        "ed_attendances": _ed_frame(sim.attendances, sim.nhs, start, keep),
        "ambulance_incidents": _ambulance_frame(
            sim.events, sim.attendances, sim.nhs, start, keep, sim.parameters, rng
        ),
        "nhs111_calls": _nhs111_frame(sim.events, sim.nhs, start, keep, rng),
        "admissions": _admissions_frame(
            sim.attendances, sim.nhs, start, sim.period_minutes, keep, rng
        ),
    }
    cohort = _cohort(sim.plan, sim.nhs, start)
    rows = {KIND_FILES[kind]: frame.height for kind, frame in frames.items()}
    rows[COHORT_FILE] = cohort.height
    return CrisisPopulation(
        frames=frames,
        cohort=cohort,
        truth=_truth(sim, rows),
        listings=_listings_frame(sim.plan, sim.nhs, start),
    )


def write_crisis(population: CrisisPopulation, out_dir: Path) -> None:
    """Write the files ``hiu synth`` writes: the extracts, ``cohort.csv`` and ``truth.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for kind, name in KIND_FILES.items():
        population.frames[kind].write_csv(
            out_dir / name, datetime_format=DATETIME_FORMAT, date_format=DATE_FORMAT
        )
    population.cohort.write_csv(out_dir / COHORT_FILE, date_format=DATE_FORMAT)
    text = json.dumps(population.truth, indent=2) + "\n"
    (out_dir / TRUTH_FILE).write_text(text, encoding="utf-8")
