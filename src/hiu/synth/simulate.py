"""Run a whole simulation: people and activity in chunks, the service, the files.

People are simulated in chunks of ``CHUNK_SIZE``, fixed whatever the machine, so the output
depends only on the arguments. Every chunk draws from its own random streams, derived from the
seed as ``numpy.random.SeedSequence`` children: the stream ``SeedSequence(seed).spawn(3)[2]
.spawn(k + 1)[k].spawn(3)[i]`` for chunk ``k``, addressed directly by its spawn key so it does
not depend on how many chunks there are (``i`` = 0 for the people and their events, 1 for the
extract details, 2 for the service's removals; the world and the service have streams 0 and 1
at the top). The same numpy version is needed for the same bytes: numpy does not promise its
distributions' streams across versions. Two passes share the work:

1. simulate every chunk and keep only what the service can see: each person's unplanned A&E
   attendances per quarter, when they died, and their age, sex and deprivation;
2. plan the service (``hiu.synth.service``) on those, then simulate every chunk again (the same
   streams give the same events), apply the effect, and append the rows to the CSV files.

Keeping only the quarterly counts between the passes holds memory to a few bytes per person, so
a national population fits in a few gigabytes. Chunks can run in worker processes; results are
written in chunk order, so the files are the same whatever the number of workers.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from hiu.synth.activity import Activity, quarterly_ed_counts, simulate_activity
from hiu.synth.nhs_number import CAPACITY, synthetic_nhs_numbers
from hiu.synth.parameters import ModelParameters
from hiu.synth.population import SEX_FEMALE, People, World, make_people, make_world
from hiu.synth.records import EffectTally, chunk_records
from hiu.synth.service import (
    SelectionInputs,
    ServicePlan,
    default_list_size,
    plan_service,
    thinning_keep,
)
from hiu.synth.timeline import MINUTES_PER_DAY, Timeline
from hiu.synth.truth import build_truth
from hiu.synth.writer import COHORT_FILE, EXTRACTS, TRUTH_FILE, ExtractWriter, chunk_csv

#: People per chunk. Changing it changes every output file.
CHUNK_SIZE = 100_000
MAX_YEARS = 20

_STREAM_WORLD, _STREAM_SERVICE, _STREAM_CHUNK = 0, 1, 2
_SUB_EVENTS, _SUB_RECORDS, _SUB_THINNING = 0, 1, 2

#: Called with a phase name, chunks done and chunks in all.
ProgressCallback = Callable[[str, int, int], None]
T = TypeVar("T")


@dataclass(frozen=True)
class SynthSpec:
    """What to simulate. ``validate`` says what is wrong with it, if anything."""

    adults: int
    years: int
    start: date
    seed: int
    true_effect: float = 0.25
    list_size: int | None = None
    parameters: ModelParameters = field(default_factory=ModelParameters)

    def problems(self) -> list[str]:
        return spec_problems(self.adults, self.years, self.true_effect, self.seed, self.list_size)

    def validate(self) -> None:
        found = self.problems()
        if found:
            raise ValueError("; ".join(found))

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.start, self.years)

    @property
    def chunks(self) -> int:
        return -(-self.adults // CHUNK_SIZE)

    def chunk_range(self, chunk: int) -> tuple[int, int]:
        first = chunk * CHUNK_SIZE
        return first, min(CHUNK_SIZE, self.adults - first)

    @property
    def effective_list_size(self) -> int:
        return self.list_size if self.list_size is not None else default_list_size(self.adults)


def spec_problems(
    adults: int, years: int, true_effect: float, seed: int, list_size: int | None
) -> list[str]:
    """What is wrong with a simulation's settings, in words (both mechanisms check the same)."""
    found = []
    if not 1 <= adults <= CAPACITY:
        found.append(f"adults must be between 1 and {CAPACITY:,} (got {adults:,})")
    if not 1 <= years <= MAX_YEARS:
        found.append(f"years must be between 1 and {MAX_YEARS} (got {years})")
    if not 0.0 <= true_effect <= 1.0:
        found.append(f"true effect must be between 0 and 1 (got {true_effect})")
    if seed < 0:
        found.append(f"seed must be zero or more (got {seed})")
    if list_size is not None and list_size < 1:
        found.append(f"list size must be at least 1 (got {list_size})")
    return found


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def make_chunk(spec: SynthSpec, world: World, chunk: int) -> tuple[People, Activity]:
    """The people of one chunk and their events before the service acts."""
    first, count = spec.chunk_range(chunk)
    rng = _rng(spec.seed, _STREAM_CHUNK, chunk, _SUB_EVENTS)
    people = make_people(first, count, world, spec.timeline, spec.parameters, rng)
    activity = simulate_activity(people, spec.timeline.minutes, spec.parameters, rng)
    return people, activity


@dataclass(frozen=True)
class ChunkOutput:
    csv: dict[str, bytes]
    rows: dict[str, int]
    tally: EffectTally


def summarise_chunk(spec: SynthSpec, world: World, chunk: int) -> SelectionInputs:
    """What the service can see of one chunk's people."""
    people, activity = make_chunk(spec, world, chunk)
    bounds = spec.timeline.quarter_bounds()
    death_quarter = np.searchsorted(bounds, people.death_minute, side="right") - 1
    return SelectionInputs(
        quarterly_counts=quarterly_ed_counts(activity, people.size, bounds),
        death_quarter=np.minimum(death_quarter, bounds.size - 1).astype(np.int16),
        age=people.age.astype(np.float32),
        female=people.sex == SEX_FEMALE,
        imd=people.imd,
    )


def write_chunk(
    spec: SynthSpec,
    world: World,
    chunk: int,
    engaged_local: npt.NDArray[np.int64],
    engaged_minute: npt.NDArray[np.int64],
) -> ChunkOutput:
    people, activity = make_chunk(spec, world, chunk)
    keep = thinning_keep(
        activity.root_person,
        activity.root_minute,
        engaged_local,
        engaged_minute,
        people.size,
        spec.true_effect,
        _rng(spec.seed, _STREAM_CHUNK, chunk, _SUB_THINNING),
    )
    records = chunk_records(
        people,
        world,
        activity,
        spec.timeline,
        chunk,
        keep,
        engaged_local,
        engaged_minute,
        _rng(spec.seed, _STREAM_CHUNK, chunk, _SUB_RECORDS),
    )
    rows = {
        "people.csv": records.people.height,
        "ed_attendances.csv": records.ed_attendances.height,
        "ambulance_incidents.csv": records.ambulance_incidents.height,
        "nhs111_calls.csv": records.nhs111_calls.height,
        "admissions.csv": records.admissions.height,
    }
    return ChunkOutput(csv=chunk_csv(records), rows=rows, tally=records.tally)


# Worker processes keep the spec and world they were started with.
_WORKER: dict[str, Any] = {}


def _start_worker(spec: SynthSpec, world: World) -> None:
    _WORKER["spec"] = spec
    _WORKER["world"] = world


def _summarise_in_worker(chunk: int) -> SelectionInputs:
    return summarise_chunk(_WORKER["spec"], _WORKER["world"], chunk)


def _write_in_worker(
    chunk: int, engaged_local: npt.NDArray[np.int64], engaged_minute: npt.NDArray[np.int64]
) -> ChunkOutput:
    return write_chunk(_WORKER["spec"], _WORKER["world"], chunk, engaged_local, engaged_minute)


def _in_order(
    task: Callable[..., T],
    arguments: Sequence[tuple[Any, ...]],
    pool: ProcessPoolExecutor | None,
    jobs: int,
) -> Iterator[T]:
    """Results of ``task`` for each argument tuple, in order, in ``pool`` if there is one.

    At most two tasks per worker are in flight, so finished chunks never pile up in memory.
    """
    if pool is None:
        for args in arguments:
            yield task(*args)
        return
    waiting: deque[Future[T]] = deque()
    upcoming = iter(arguments)
    for args in upcoming:
        waiting.append(pool.submit(task, *args))
        if len(waiting) >= 2 * jobs:
            break
    while waiting:
        result = waiting.popleft().result()
        following = next(upcoming, None)
        if following is not None:
            waiting.append(pool.submit(task, *following))
        yield result


@contextmanager
def _workers(jobs: int, spec: SynthSpec, world: World) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``jobs`` worker processes, or none (work in this process) for one job."""
    _start_worker(spec, world)
    if jobs <= 1:
        yield None
        return
    previous = os.environ.get("POLARS_MAX_THREADS")
    # Each worker is one process on one core: its own thread pool would only contend.
    os.environ["POLARS_MAX_THREADS"] = "1"
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(spec, world),
        ) as pool:
            yield pool
    finally:
        if previous is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = previous


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def synthesise(
    spec: SynthSpec,
    out_dir: Path,
    *,
    jobs: int = 1,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Simulate ``spec`` into ``out_dir`` and return the truth written to ``truth.json``."""
    spec.validate()
    timeline = spec.timeline
    world = make_world(
        adults=spec.adults, parameters=spec.parameters, rng=_rng(spec.seed, _STREAM_WORLD)
    )
    jobs = max(1, min(jobs, spec.chunks))
    report = progress or (lambda phase, done, total: None)

    with _workers(jobs, spec, world) as pool:
        summaries: list[SelectionInputs] = []
        report("Simulating activity", 0, spec.chunks)
        chunks = [(c,) for c in range(spec.chunks)]
        for summary in _in_order(_summarise_in_worker, chunks, pool, jobs):
            summaries.append(summary)
            report("Simulating activity", len(summaries), spec.chunks)
        inputs = SelectionInputs.concatenate(summaries)
        del summaries
        n_quarters = inputs.quarterly_counts.shape[1]
        died = int((inputs.death_quarter < n_quarters).sum())
        plan = plan_service(
            inputs, timeline, spec.effective_list_size, _rng(spec.seed, _STREAM_SERVICE)
        )
        del inputs

        tally = EffectTally()
        arguments = []
        for chunk in range(spec.chunks):
            first, count = spec.chunk_range(chunk)
            arguments.append((chunk, *plan.engaged_in(first, count)))
        with ExtractWriter(out_dir) as writer:
            report("Writing extracts", 0, spec.chunks)
            outputs = _in_order(_write_in_worker, arguments, pool, jobs)
            for done, output in enumerate(outputs, start=1):
                writer.append(output.csv, output.rows)
                tally.add(output.tally)
                report("Writing extracts", done, spec.chunks)
            rows = dict(writer.rows)

    _write_cohort(out_dir / COHORT_FILE, plan, world, timeline)
    rows[COHORT_FILE] = int(plan.engaged_index.size)
    truth = build_truth(
        run={
            "adults": spec.adults,
            "years": spec.years,
            "start": spec.start.isoformat(),
            "end": timeline.end.isoformat(),
            "seed": spec.seed,
            "true_effect": spec.true_effect,
            "list_size": spec.effective_list_size,
            "chunk_size": CHUNK_SIZE,
        },
        timeline=timeline,
        died_in_period=died,
        plan=plan,
        nhs_offset=world.nhs_offset,
        tally=tally,
        rows={name: rows[name] for name in (*EXTRACTS, COHORT_FILE)},
        parameters=spec.parameters,
    )
    (out_dir / TRUTH_FILE).write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


def _write_cohort(path: Path, plan: ServicePlan, world: World, timeline: Timeline) -> None:
    days = plan.engaged_minute // MINUTES_PER_DAY
    cohort = pl.DataFrame(
        {
            "nhs_number": synthetic_nhs_numbers(plan.engaged_index, world.nhs_offset),
            "engaged_date": pl.Series(
                [timeline.start + timedelta(days=int(d)) for d in days], dtype=pl.Date
            ),
        }
    ).sort("engaged_date", "nhs_number")
    cohort.write_csv(path, date_format="%Y-%m-%d")
