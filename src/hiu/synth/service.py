"""The simulated HIU service: who it picks, who engages, and what that does.

Identification follows NHS RightCare's recommendation (001, "top 50 A&E attenders ... every
three months on a rolling basis"): at the end of each quarter of the period except the last,
the service ranks adults alive on that day by their unplanned A&E attendances (ECDS category 1
or 3; planned follow-ups do not count) arriving in the quarter just ended, breaks ties at random,
and lists the top ``list_size`` (50 for every 300,000 adults, at least 50) who have attended at
least once. People already engaged are not listed again; people listed before but not engaged
can be listed again.

Each listed person is reached with probability 0.7 (after three attempts, 000 §2.4.3). A
reached person engages with a probability given by a logistic model of things the service can
see on the list: the count that put them there, age, sex and deprivation decile. It never looks
at what happens next, so people with the same observed history are exchangeable, and a matched
comparison of engaged with not-engaged people can in principle recover the true effect. The
engaged date is 2 to 10 weeks after identification (uniform), giving about 15 engaged people a
quarter for a list of 50, as in RightCare's pack ("a further cohort of around 15").

From the engaged date on, every chain of events of an engaged person (see
``hiu.synth.activity``) whose first event falls on or after that date is removed with
probability equal to the true effect, independently. Removing each point of a Poisson process
independently with probability ``e`` leaves a Poisson process with rate ``(1 - e)`` times the
original, so the expected A&E attendances, ambulance incidents, 111 calls, admissions and bed
days of an engaged person after engagement are all exactly ``(1 - e)`` times what they would have
been (less a sliver: later events of a chain that began before the engaged date are kept).
Nobody else's events change, and the random numbers that decide removals are drawn for
every chain whatever the effect, so two runs that differ only in the effect produce identical
files for everyone who was not engaged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from hiu.synth.timeline import Timeline

IntArray = npt.NDArray[np.int64]
ADULTS_PER_LIST = 300_000
DEFAULT_LIST_SIZE = 50


def default_list_size(adults: int) -> int:
    """50 names for each 300,000 adults, as one HIU service per acute trust catchment."""
    return max(DEFAULT_LIST_SIZE, round(DEFAULT_LIST_SIZE * adults / ADULTS_PER_LIST))


@dataclass(frozen=True)
class EngagementModel:
    """Chance of contact, and the logistic model of engagement once contacted."""

    contact_probability: float = 0.7
    intercept: float = -0.6
    per_log_attendances: float = 0.25
    per_decade_over_40: float = 0.15
    female: float = 0.25
    #: Added per deprivation decile above the middle (5.5): deprived people engage less.
    per_decile: float = 0.05
    delay_days_min: int = 14
    delay_days_max: int = 70

    def engage_probability(
        self,
        attendances: npt.NDArray[np.float64],
        age: npt.NDArray[np.float64],
        female: npt.NDArray[np.bool_],
        imd: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.float64]:
        logit = (
            self.intercept
            + self.per_log_attendances * np.log(np.maximum(attendances, 1) / 8)
            + self.per_decade_over_40 * (age - 40) / 10
            + self.female * female
            + self.per_decile * (imd - 5.5)
        )
        result: npt.NDArray[np.float64] = 1 / (1 + np.exp(-logit))
        return result


@dataclass(frozen=True)
class SelectionInputs:
    """What the service can see of people (index = person): one chunk's, or everyone's."""

    quarterly_counts: npt.NDArray[np.uint16]
    #: Quarter in which each person died, or the number of quarters if alive at the end.
    death_quarter: npt.NDArray[np.int16]
    age: npt.NDArray[np.float32]
    female: npt.NDArray[np.bool_]
    imd: npt.NDArray[np.uint8]

    @classmethod
    def concatenate(cls, parts: list[SelectionInputs]) -> SelectionInputs:
        """Everyone's inputs from the chunks' inputs, in chunk order."""
        return cls(
            quarterly_counts=np.concatenate([p.quarterly_counts for p in parts]),
            death_quarter=np.concatenate([p.death_quarter for p in parts]),
            age=np.concatenate([p.age for p in parts]),
            female=np.concatenate([p.female for p in parts]),
            imd=np.concatenate([p.imd for p in parts]),
        )


@dataclass
class Round:
    """One identification round."""

    number: int
    identification_date: date
    window_start: date
    window_end: date
    identified: IntArray
    contacted: IntArray
    engaged: IntArray
    engaged_dates: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class ServicePlan:
    list_size: int
    engagement: EngagementModel
    rounds: list[Round]
    #: Person index of everyone engaged, and the minute their engagement starts.
    engaged_index: IntArray
    engaged_minute: IntArray

    def engaged_in(self, first: int, count: int) -> tuple[IntArray, IntArray]:
        """Engaged people among ``first .. first + count - 1``: local index and minute."""
        inside = (self.engaged_index >= first) & (self.engaged_index < first + count)
        return self.engaged_index[inside] - first, self.engaged_minute[inside]


def plan_service(
    inputs: SelectionInputs,
    timeline: Timeline,
    list_size: int,
    rng: np.random.Generator,
    engagement: EngagementModel | None = None,
) -> ServicePlan:
    """Run every identification round and decide who engages, and when."""
    model = engagement or EngagementModel()
    quarter_starts = timeline.quarter_starts()
    n_people, n_quarters = inputs.quarterly_counts.shape
    already_engaged = np.zeros(n_people, dtype=np.bool_)
    rounds: list[Round] = []
    engaged_index: list[IntArray] = []
    engaged_minute: list[IntArray] = []
    for number in range(1, n_quarters):
        counts = inputs.quarterly_counts[:, number - 1]
        eligible = (counts > 0) & (inputs.death_quarter >= number) & ~already_engaged
        candidates = np.flatnonzero(eligible)
        # Rank by count, ties at random: a random fraction below 1 added to the count.
        score = counts[candidates] + rng.random(candidates.size)
        take = min(list_size, candidates.size)
        top = candidates[np.argpartition(-score, take - 1)[:take]] if take else candidates
        top = top[np.argsort(-(counts[top] + 0.0), kind="stable")]
        identification_date = quarter_starts[number]
        contacted = top[rng.random(top.size) < model.contact_probability]
        years_on = (identification_date - timeline.start).days / 365.25
        chance = model.engage_probability(
            counts[contacted].astype(np.float64),
            inputs.age[contacted].astype(np.float64) + years_on,
            inputs.female[contacted],
            inputs.imd[contacted].astype(np.float64),
        )
        engaged = contacted[rng.random(contacted.size) < chance]
        delays = rng.integers(model.delay_days_min, model.delay_days_max + 1, engaged.size)
        dates = [identification_date + timedelta(days=int(d)) for d in delays]
        # Engagement only counts if it starts before the end of the period.
        inside = np.array([d < timeline.end for d in dates], dtype=np.bool_)
        engaged = engaged[inside]
        dates = [d for d, keep in zip(dates, inside, strict=True) if keep]
        already_engaged[engaged] = True
        engaged_index.append(engaged)
        engaged_minute.append(np.array([timeline.minute_of(d) for d in dates], dtype=np.int64))
        rounds.append(
            Round(
                number=number,
                identification_date=identification_date,
                window_start=quarter_starts[number - 1],
                window_end=identification_date,
                identified=top.astype(np.int64),
                contacted=np.sort(contacted).astype(np.int64),
                engaged=engaged.astype(np.int64),
                engaged_dates=dates,
            )
        )
    all_engaged = np.concatenate(engaged_index) if engaged_index else np.zeros(0, np.int64)
    all_minutes = np.concatenate(engaged_minute) if engaged_minute else np.zeros(0, np.int64)
    order = np.argsort(all_engaged, kind="stable")
    return ServicePlan(
        list_size=list_size,
        engagement=model,
        rounds=rounds,
        engaged_index=all_engaged[order].astype(np.int64),
        engaged_minute=all_minutes[order].astype(np.int64),
    )


def engagement_description(model: EngagementModel) -> dict[str, Any]:
    return {
        "contact_probability": model.contact_probability,
        "engage_given_contact": (
            "logistic: intercept + per_log_attendances * ln(max(count, 1) / 8) "
            "+ per_decade_over_40 * (age - 40) / 10 + female * [stated gender 2] "
            "+ per_decile * (imd_decile - 5.5), using the count that put the person on the "
            "list and their age on the identification date"
        ),
        "coefficients": {
            k: v
            for k, v in asdict(model).items()
            if k not in ("contact_probability", "delay_days_min", "delay_days_max")
        },
        "engaged_date": (
            f"identification date plus {model.delay_days_min} to {model.delay_days_max} days "
            "(uniform); engagements that would start after the period are dropped"
        ),
    }


def thinning_keep(
    root_person: IntArray,
    root_minute: IntArray,
    engaged_local: IntArray,
    engaged_minute: IntArray,
    n_people: int,
    true_effect: float,
    rng: np.random.Generator,
) -> npt.NDArray[np.bool_]:
    """Which chains survive the service's effect.

    A uniform number is drawn for every chain whatever the effect and whoever owns it, so the
    decision for any one chain does not depend on anything else.
    """
    u = rng.random(root_person.size)
    start = np.full(n_people, np.iinfo(np.int64).max, dtype=np.int64)
    start[engaged_local] = engaged_minute
    affected = root_minute >= start[root_person]
    keep: npt.NDArray[np.bool_] = ~affected | (u >= true_effect)
    return keep
