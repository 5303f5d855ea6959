"""A synthetic activity store for the identification benchmarks, written straight to disk.

``hiu synth`` simulates people in detail and ``hiu import`` validates every cell; at national
scale (about 60 million events and 50 million people) that would take far longer than the
identification it prepares (bench/results/ingest.json: 93 s for 25 million A&E rows alone).
This module instead draws a year of activity with vectorised NumPy and Polars, a chunk of
people at a time, and writes the store's tables in exactly the layout an import leaves
(``hiu.store.batch``): one Parquet file per kind, ``_row`` first and ``_batch`` last, the
stored column types, sorted by NHS number, zstd, row groups of 25,000 rows, written by DuckDB;
then a manifest per kind and ``state.json``.

People are numbered in NHS-number order, so every chunk's rows come out already sorted and no
external sort is needed: memory stays bounded by one chunk whatever the scale.

The activity is skewed the way emergency use is: each person has a frailty (exponential, mean
1) and a small share are frequent users (frailty about 12 times the average); each service's
count is Poisson with the person's frailty times a service-specific factor, so frequent users
of one service tend to use the others. A person's events cluster around a day of their own
(a bad spell) with a uniform remainder. A&E attendances are mostly category 1 with some
planned follow-ups (4); some are wound care (225358003), and people with sickle cell disease
present with 127040003; about half of admissions are emergency via A&E (method 21).

The cache key is a digest of the parameters and ``GENERATOR_VERSION``: bump the version when
the drawing changes, so stale stores are not reused.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from hiu.identify.engines import DuckDBEngine, stored_schema
from hiu.identify.listing import identify
from hiu.identify.rules import load_rules
from hiu.ingest.pipeline import import_file
from hiu.schemas import BATCH, EXTRACTS, ROW
from hiu.store.batch import ROW_GROUP_SIZE
from hiu.store.files import write_atomically
from hiu.store.manifest import Manifest
from hiu.store.store import State, Store, TableState, sql_string
from hiu.synth import codes, names
from hiu.synth.nhs_number import synthetic_nhs_numbers

GENERATOR_VERSION = 1
BENCH = Path(__file__).resolve().parent
#: Generated stores are kept here (git-ignored by bench/.gitignore) unless HIU_BENCH_CACHE says.
DEFAULT_CACHE = BENCH / ".cache"
#: People drawn at a time: bounds memory (a chunk is about 1.2 million events at national rates).
CHUNK_PEOPLE = 1_000_000
KIND_ORDER = ("people", "ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions")
#: Share of people who are frequent users, and their mean frailty (everyone else's is 1).
HEAVY_SHARE = 0.004
HEAVY_FRAILTY = 12.0
#: Share of each person's events that fall in their bad spell, and its spread in days.
SPELL_SHARE = 0.5
SPELL_SD_DAYS = 30
SICKLE_CELL_SHARE = 0.0004
SICKLE_CELL_CODE = "127040003"
#: How much more a person with sickle cell disease attends, and how many of those are crises.
SICKLE_CELL_FRAILTY = 4.0
SICKLE_CELL_PRESENTS = 0.6
WOUND_CARE_SHARE = 0.02
CHILD_SHARE = 0.21
#: A&E attendance categories: mostly unplanned first attendances, some planned follow-ups.
CATEGORIES = (("1", 0.87), ("2", 0.04), ("3", 0.02), ("4", 0.07))
ADMISSION_METHODS = (
    ("21", 0.45),
    ("2A", 0.02),
    ("22", 0.04),
    ("24", 0.02),
    ("28", 0.01),
    ("11", 0.24),
    ("12", 0.08),
    ("13", 0.05),
    ("31", 0.07),
    ("81", 0.02),
)
DISPOSITIONS = ("Dx02", "Dx05", "Dx06", "Dx11", "Dx12", "Dx13", "Dx75", "Dx94")


@dataclass(frozen=True)
class Parameters:
    """What a generated store is made of; its digest names the cache folder."""

    people: int
    ed_attendances: int
    ambulance_incidents: int
    nhs111_calls: int
    admissions: int
    year: int = 2024
    seed: int = 1

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def key(self) -> str:
        text = json.dumps({**asdict(self), "version": GENERATOR_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def scaled(self, kind: str) -> float:
        """Mean events per person of ``kind`` before the frailty."""
        mean_frailty = (1 - HEAVY_SHARE) + HEAVY_SHARE * HEAVY_FRAILTY
        return float(getattr(self, kind)) / (self.people * mean_frailty)


NATIONAL = Parameters(
    people=50_000_000,
    ed_attendances=25_000_000,
    ambulance_incidents=9_000_000,
    nhs111_calls=20_000_000,
    admissions=6_000_000,
)
#: 1 million A&E attendances at the national rate per person: 2 million people.
BASELINE = Parameters(
    people=2_000_000,
    ed_attendances=1_000_000,
    ambulance_incidents=0,
    nhs111_calls=0,
    admissions=0,
)


def cache_root() -> Path:
    return Path(os.environ.get("HIU_BENCH_CACHE", DEFAULT_CACHE))


def store_path(label: str, parameters: Parameters) -> Path:
    return cache_root() / "identify" / f"{label}-{parameters.key()}" / "store"


def cached_store(label: str, parameters: Parameters) -> tuple[Store, dict[str, Any]]:
    """The generated store for ``parameters``, made unless a finished one is cached."""
    root = store_path(label, parameters)
    done = root.parent / "generated.json"
    if done.exists():
        info: dict[str, Any] = json.loads(done.read_text())
        info["cached"] = True
        return Store(root), info
    shutil.rmtree(root.parent, ignore_errors=True)
    root.mkdir(parents=True)
    started = time.perf_counter()
    rows = generate(root, parameters)
    seconds = time.perf_counter() - started
    store = Store(root)
    check_store(store, rows)
    info = {
        "parameters": asdict(parameters),
        "generator_version": GENERATOR_VERSION,
        "rows": rows,
        "generate_seconds": round(seconds, 1),
        "store_bytes": directory_bytes(root),
    }
    done.write_text(json.dumps(info, indent=2) + "\n")
    info["cached"] = False
    return store, info


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# Drawing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One chunk of people, in NHS-number order, with what drives their activity."""

    index: int
    numbers: np.ndarray  # int64 NHS numbers, ascending
    frailty: np.ndarray
    spell_day: np.ndarray
    heavy: np.ndarray
    sickle_cell: np.ndarray
    age: np.ndarray


def _sorted_numbers(parameters: Parameters) -> np.ndarray:
    # In pieces: the check digits take a nine-column matrix per number.
    numbers = np.concatenate(
        [
            synthetic_nhs_numbers(
                np.arange(start, min(start + CHUNK_PEOPLE, parameters.people), dtype=np.int64),
                parameters.seed,
            )
            for start in range(0, parameters.people, CHUNK_PEOPLE)
        ]
    )
    numbers.sort()
    return numbers


def _chunks(parameters: Parameters, numbers: np.ndarray) -> Iterator[Chunk]:
    for index, start in enumerate(range(0, parameters.people, CHUNK_PEOPLE)):
        part = numbers[start : start + CHUNK_PEOPLE]
        n = len(part)
        rng = np.random.default_rng([parameters.seed, 0, index])
        heavy = rng.random(n) < HEAVY_SHARE
        frailty = rng.exponential(1.0, n)
        frailty[heavy] = rng.gamma(2.0, HEAVY_FRAILTY / 2, int(heavy.sum()))
        sickle_cell = rng.random(n) < SICKLE_CELL_SHARE
        frailty[sickle_cell] *= SICKLE_CELL_FRAILTY
        # Children are about a fifth of the population; frequent users are nearly all adults.
        child = rng.random(n) < np.where(heavy, 0.03, CHILD_SHARE)
        adult_age = 18 + np.minimum(rng.gamma(2.2, 13.0, n), 84)
        age = np.where(child, rng.uniform(0, 18, n), adult_age)
        yield Chunk(
            index=index,
            numbers=part,
            frailty=frailty,
            spell_day=rng.integers(0, parameters.days, n),
            heavy=heavy,
            sickle_cell=sickle_cell,
            age=age,
        )


def _choice(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> pl.Series:
    values = pl.Series([value for value, _ in options])
    weights = np.array([weight for _, weight in options])
    return values.gather(rng.choice(len(options), n, p=weights / weights.sum()))


def _pick(rng: np.random.Generator, values: tuple[str, ...] | list[str], n: int) -> pl.Series:
    return pl.Series(list(values)).gather(rng.integers(0, len(values), n))


def _text_numbers(numbers: np.ndarray) -> pl.Series:
    return pl.Series(numbers).cast(pl.String)


def _identifiers(prefix: str, first: int, n: int) -> pl.Series:
    serial = pl.Series(np.arange(first, first + n, dtype=np.int64)).cast(pl.String).str.zfill(10)
    return (prefix + serial).alias("id")


def _moments(
    rng: np.random.Generator, parameters: Parameters, chunk: Chunk, person: np.ndarray
) -> np.ndarray:
    """An event time for each row (``person`` indexes the chunk): microseconds since 1970."""
    n = len(person)
    in_spell = rng.random(n) < SPELL_SHARE
    spell = chunk.spell_day[person] + np.rint(rng.normal(0, SPELL_SD_DAYS, n)).astype(np.int64)
    day = np.where(in_spell, spell % parameters.days, rng.integers(0, parameters.days, n))
    minute = rng.integers(0, 24 * 60, n)
    epoch_day = (parameters.first_day - date(1970, 1, 1)).days
    return ((epoch_day + day) * 1440 + minute) * 60_000_000


def _events_of(
    rng: np.random.Generator, parameters: Parameters, chunk: Chunk, kind: str
) -> np.ndarray:
    """Which person (index into the chunk) each event of ``kind`` belongs to, in order."""
    personal = rng.gamma(2.0, 0.5, len(chunk.numbers))
    counts = rng.poisson(parameters.scaled(kind) * chunk.frailty * personal)
    return np.repeat(np.arange(len(chunk.numbers)), counts)


def _datetime(micros: np.ndarray) -> pl.Series:
    return pl.Series(micros).cast(pl.Datetime("us"))


def _presentations() -> tuple[list[str], list[str], list[str], np.ndarray]:
    weights: dict[tuple[str, str, str], float] = {}
    for group in codes.PROFILES:
        for presentation in group:
            key = (presentation.chief_complaint, presentation.diagnosis, presentation.icd10)
            weights[key] = weights.get(key, 0.0) + presentation.weight
    keys = sorted(weights)
    p = np.array([weights[k] for k in keys])
    return [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], p / p.sum()


def _people(rng: np.random.Generator, parameters: Parameters, chunk: Chunk) -> pl.DataFrame:
    n = len(chunk.numbers)
    as_of = (parameters.last_day - date(1970, 1, 1)).days
    born = as_of - np.floor(chunk.age * 365.25).astype(np.int64)
    died = rng.random(n) < 0.002 + 0.01 * (chunk.age > 75)
    death = as_of - rng.integers(0, 2 * parameters.days, n)
    frame = pl.DataFrame(
        {
            "nhs_number": _text_numbers(chunk.numbers),
            "sex": _choice(rng, (("1", 0.49), ("2", 0.50), ("9", 0.005), ("X", 0.005)), n),
            "female": _pick(rng, names.GIVEN_NAMES_FEMALE, n),
            "male": _pick(rng, names.GIVEN_NAMES_MALE, n),
            "family_name": _pick(rng, names.FAMILY_NAMES, n),
            "date_of_birth": pl.Series(born).cast(pl.Date),
            "district": pl.Series(rng.integers(1, 99, n)),
            "lsoa": pl.Series(rng.integers(0, 35_000, n)),
            "imd_decile": pl.Series(rng.integers(1, 11, n)).cast(pl.Int8),
            "practice": pl.Series(rng.integers(0, 6_500, n)),
            "phone": pl.Series(rng.integers(900_000, 1_000_000, n)),
            "care_home": pl.Series((chunk.age > 75) & (rng.random(n) < 0.04)),
            "died": pl.Series(died),
            "death": pl.Series(death).cast(pl.Date),
        }
    )
    return frame.select(
        "nhs_number",
        pl.when(pl.col("sex") == "2")
        .then(pl.col("female"))
        .otherwise(pl.col("male"))
        .alias("given_name"),
        "family_name",
        "date_of_birth",
        "sex",
        pl.format("ZZ{} 9ZZ", pl.col("district")).alias("postcode"),
        ("E01" + pl.col("lsoa").cast(pl.String).str.zfill(6)).alias("lsoa_code"),
        "imd_decile",
        ("Y" + pl.col("practice").cast(pl.String).str.zfill(5)).alias("gp_practice_code"),
        ("07700" + pl.col("phone").cast(pl.String)).alias("phone"),
        "care_home",
        pl.when(pl.col("died")).then(pl.col("death")).alias("date_of_death"),
    )


COMPLAINTS, DIAGNOSES, ICD10, PRESENTATION_WEIGHTS = _presentations()


def _ed(
    rng: np.random.Generator, parameters: Parameters, chunk: Chunk, first_id: int
) -> pl.DataFrame:
    person = _events_of(rng, parameters, chunk, "ed_attendances")
    n = len(person)
    arrive = _moments(rng, parameters, chunk, person)
    presentation = rng.choice(len(COMPLAINTS), n, p=PRESENTATION_WEIGHTS)
    site = rng.integers(0, len(codes.ED_SITES), n)
    frame = pl.DataFrame(
        {
            "attendance_id": _identifiers("ED", first_id, n),
            "nhs_number": _text_numbers(chunk.numbers[person]),
            "arrival_datetime": _datetime(arrive),
            "departure_datetime": _datetime(arrive + rng.integers(30, 720, n) * 60_000_000),
            "site_code": pl.Series([s.code for s in codes.ED_SITES]).gather(site),
            "department_type": pl.Series([s.department_type for s in codes.ED_SITES]).gather(site),
            "attendance_category": _choice(rng, CATEGORIES, n),
            "arrival_mode": _choice(
                rng,
                ((codes.ARRIVAL_OWN_TRANSPORT, 0.7), (codes.ARRIVAL_EMERGENCY_AMBULANCE, 0.3)),
                n,
            ),
            "complaint": pl.Series(COMPLAINTS).gather(presentation),
            "diagnosis": pl.Series(DIAGNOSES).gather(presentation),
            "acuity": _pick(rng, codes.ACUITY_CODES, n),
            "discharge_destination": _choice(
                rng, ((codes.DESTINATION_HOME, 0.72), (codes.DESTINATION_WARD, 0.28)), n
            ),
            "wound": pl.Series(rng.random(n) < WOUND_CARE_SHARE),
            "crisis": pl.Series(chunk.sickle_cell[person] & (rng.random(n) < SICKLE_CELL_PRESENTS)),
        }
    )
    return frame.select(
        "attendance_id",
        "nhs_number",
        "arrival_datetime",
        "departure_datetime",
        "site_code",
        "department_type",
        "attendance_category",
        "arrival_mode",
        pl.when(pl.col("crisis"))
        .then(pl.lit(SICKLE_CELL_CODE))
        .when(pl.col("wound"))
        .then(pl.lit(codes.WOUND_CARE_COMPLAINT))
        .otherwise(pl.col("complaint"))
        .alias("chief_complaint"),
        pl.when(pl.col("crisis"))
        .then(pl.lit(SICKLE_CELL_CODE))
        .otherwise(pl.col("diagnosis"))
        .alias("diagnosis"),
        "acuity",
        "discharge_destination",
    )


def _ambulance(
    rng: np.random.Generator, parameters: Parameters, chunk: Chunk, first_id: int
) -> pl.DataFrame:
    person = _events_of(rng, parameters, chunk, "ambulance_incidents")
    n = len(person)
    outcome = _choice(
        rng, (("hear_and_treat", 0.12), ("see_and_treat", 0.30), ("see_and_convey", 0.58)), n
    )
    site = pl.Series(list(codes.ACUTE_SITES)).gather(rng.integers(0, len(codes.ACUTE_SITES), n))
    return pl.DataFrame(
        {
            "incident_id": _identifiers("AMB", first_id, n),
            "nhs_number": _text_numbers(chunk.numbers[person]),
            "call_datetime": _datetime(_moments(rng, parameters, chunk, person)),
            "call_origin": _choice(
                rng,
                (("999", 0.86), ("111", 0.09), ("hcp", 0.03), ("police", 0.01), ("other", 0.01)),
                n,
            ),
            "outcome": outcome,
            "conveyed_to_site": site,
        }
    ).with_columns(pl.when(pl.col("outcome") == "see_and_convey").then(pl.col("conveyed_to_site")))


def _nhs111(
    rng: np.random.Generator, parameters: Parameters, chunk: Chunk, first_id: int
) -> pl.DataFrame:
    person = _events_of(rng, parameters, chunk, "nhs111_calls")
    n = len(person)
    return pl.DataFrame(
        {
            "call_id": _identifiers("C", first_id, n),
            "nhs_number": _text_numbers(chunk.numbers[person]),
            "call_datetime": _datetime(_moments(rng, parameters, chunk, person)),
            "disposition": _pick(rng, DISPOSITIONS, n),
        }
    )


def _admissions(
    rng: np.random.Generator, parameters: Parameters, chunk: Chunk, first_id: int
) -> pl.DataFrame:
    person = _events_of(rng, parameters, chunk, "admissions")
    n = len(person)
    admitted = _moments(rng, parameters, chunk, person)
    stay = (rng.geometric(0.22, n) - 1) * 86_400_000_000 + rng.integers(1, 12, n) * 3_600_000_000
    discharged = admitted + stay
    extract_end = (parameters.last_day + timedelta(days=1) - date(1970, 1, 1)).days * 86_400_000_000
    presentation = rng.choice(len(ICD10), n, p=PRESENTATION_WEIGHTS)
    crisis = chunk.sickle_cell[person] & (rng.random(n) < SICKLE_CELL_PRESENTS)
    return pl.DataFrame(
        {
            "spell_id": _identifiers("SP", first_id, n),
            "nhs_number": _text_numbers(chunk.numbers[person]),
            "admission_datetime": _datetime(admitted),
            # Spells still open when the extract was taken have no discharge.
            "discharge_datetime": _datetime(discharged).set(
                pl.Series(discharged >= extract_end), None
            ),
            "admission_method": _choice(rng, ADMISSION_METHODS, n),
            "primary_diagnosis": pl.Series(ICD10)
            .gather(presentation)
            .set(pl.Series(crisis), "D57.0"),
            "setting": _choice(rng, (("acute", 0.96), ("mental_health", 0.04)), n),
            "site_code": _pick(rng, codes.ACUTE_SITES, n),
        }
    )


DRAW = {
    "ed_attendances": _ed,
    "ambulance_incidents": _ambulance,
    "nhs111_calls": _nhs111,
    "admissions": _admissions,
}
ARROW_TYPES = {
    pl.String: pa.string(),
    pl.Date: pa.date32(),
    pl.Datetime("us"): pa.timestamp("us"),
    pl.Boolean: pa.bool_(),
    pl.Int8: pa.int8(),
}


def arrow_schema(kind: str) -> pa.Schema:
    """The columns and types an import gives a kind's table (``hiu.store.batch``)."""
    fields = [pa.field(ROW, pa.int64())]
    fields += [pa.field(name, ARROW_TYPES[dtype]) for name, dtype in stored_schema(kind).items()]
    fields.append(pa.field(BATCH, pa.int32()))
    return pa.schema(fields)


# Writing ----------------------------------------------------------------------------------


def _batches(
    kind: str, batch_id: int, parameters: Parameters, numbers: np.ndarray, rows: dict[str, int]
) -> Iterator[pa.RecordBatch]:
    schema = arrow_schema(kind)
    written = 0
    for chunk in _chunks(parameters, numbers):
        rng = np.random.default_rng([parameters.seed, 1 + KIND_ORDER.index(kind), chunk.index])
        if kind == "people":
            frame = _people(rng, parameters, chunk)
        else:
            frame = DRAW[kind](rng, parameters, chunk, written)
        frame = frame.select(
            pl.Series(ROW, np.arange(written + 2, written + 2 + frame.height, dtype=np.int64)),
            *EXTRACTS[kind].names,
            pl.lit(batch_id, dtype=pl.Int32).alias(BATCH),
        )
        written += frame.height
        rows[kind] = written
        yield from frame.to_arrow().cast(schema).to_batches()


def generate(root: Path, parameters: Parameters) -> dict[str, int]:
    """Write the store for ``parameters`` under ``root``; the rows of each kind."""
    numbers = _sorted_numbers(parameters)
    rows: dict[str, int] = {}
    tables: dict[str, TableState] = {}
    batch_ids = []
    for batch_id, kind in enumerate(KIND_ORDER, start=1):
        if kind != "people" and getattr(parameters, kind) == 0:
            continue
        started = datetime.now(UTC)
        relative = f"tables/{kind}/{batch_id:06d}.parquet"
        path = root / relative
        path.parent.mkdir(parents=True)
        clock = time.perf_counter()
        reader = pa.RecordBatchReader.from_batches(
            arrow_schema(kind), _batches(kind, batch_id, parameters, numbers, rows)
        )
        connection = duckdb.connect(
            ":memory:",
            # Insertion order is kept (DuckDB's default): the rows arrive sorted.
            config={
                "threads": 2,
                "memory_limit": "2GB",
                "temp_directory": str(root / "tmp"),
            },
        )
        try:
            # Set on the connection, not in ``config``: DuckDB 1.5.6 refuses this option there
            # ("Could not set option ... as a global option").
            connection.execute("SET enable_progress_bar = false")
            connection.register("generated", reader)
            connection.execute(
                f"COPY (SELECT * FROM generated) TO {sql_string(path)} "  # noqa: S608
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
            )
        finally:
            connection.close()
        print(
            f"  {kind}: {rows[kind]:,} rows in {time.perf_counter() - clock:.0f} s",
            flush=True,
        )
        manifest = Manifest(
            batch_id=batch_id,
            kind=kind,
            file_name=f"generated-{kind}.parquet",
            sha256=hashlib.sha256(f"{parameters.key()}-{kind}".encode()).hexdigest(),
            size_bytes=path.stat().st_size,
            format="parquet",
            encoding=None,
            profile=None,
            imported_by="bench/activity_store.py",
            started_at=started.isoformat(timespec="seconds"),
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            rows_read=rows[kind],
            accepted=rows[kind],
            rejected=0,
            replaced=0,
        )
        batch_dir = root / "batches" / f"{batch_id:06d}"
        batch_dir.mkdir(parents=True)
        (batch_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        tables[kind] = TableState(path=relative, rows=rows[kind])
        batch_ids.append(batch_id)
    shutil.rmtree(root / "tmp", ignore_errors=True)
    write_atomically(root / "state.json", State(batches=tuple(batch_ids), tables=tables).to_json())
    return rows


def check_store(store: Store, rows: dict[str, int]) -> None:
    """The store reads as an imported one: its counts, views, column types and sort order."""
    counts = store.row_counts()
    for kind, expected in rows.items():
        assert counts[kind] == expected, (kind, counts[kind], expected)
    connection = store.connect()
    try:
        for kind, expected in rows.items():
            seen = connection.execute(f"SELECT count(*) FROM {kind}").fetchone()  # noqa: S608
            assert seen is not None
            assert seen[0] == expected, (kind, seen, expected)
            path = store.table_path(kind)
            assert path is not None
            schema = pq.read_schema(path)
            wanted = arrow_schema(kind)
            assert schema.names == wanted.names, (kind, schema.names)
            assert schema.types == wanted.types, (kind, schema.types)
            # Row groups follow each other in NHS-number order, as an import's sort leaves them.
            groups = connection.execute(
                "SELECT stats_min_value, stats_max_value, row_group_num_rows "
                "FROM parquet_metadata(?) WHERE path_in_schema = 'nhs_number' "
                "ORDER BY row_group_id",
                [str(path)],
            ).fetchall()
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(groups)), kind
            assert max(g[2] for g in groups) <= ROW_GROUP_SIZE + 2048, kind
    finally:
        connection.close()


def shape(store: Store) -> dict[str, Any]:
    """How skewed the activity is: people per number of events, and the coded shares."""
    connection = store.connect()
    figures: dict[str, Any] = {}
    try:
        for kind in DRAW:
            if not store.row_counts()[kind]:
                continue
            sql = (
                "SELECT count(*), count(*) FILTER (n >= 5), count(*) FILTER (n >= 10), max(n) "
                "FROM (SELECT nhs_number, count(*) AS n FROM {} GROUP BY nhs_number)"
            )
            row = connection.execute(sql.format(kind)).fetchone()
            assert row is not None
            figures[kind] = dict(
                zip(("people", "with_5_plus", "with_10_plus", "most"), row, strict=True)
            )
        if store.row_counts()["ed_attendances"]:
            row = connection.execute(
                "SELECT avg((attendance_category = '4')::INT), "
                "count(*) FILTER (chief_complaint = ?), count(*) FILTER (chief_complaint = ?) "
                "FROM ed_attendances",
                [SICKLE_CELL_CODE, codes.WOUND_CARE_COMPLAINT],
            ).fetchone()
            assert row is not None
            figures["ed_attendances"].update(
                planned_follow_up_share=round(row[0], 3), sickle_cell=row[1], wound_care=row[2]
            )
        if store.row_counts()["admissions"]:
            row = connection.execute(
                "SELECT avg((admission_method = '21')::INT) FROM admissions"
            ).fetchone()
            assert row is not None
            figures["admissions"]["method_21_share"] = round(row[0], 3)
        row = connection.execute(
            "SELECT avg((date_of_birth > DATE '2006-12-31')::INT) FROM people"
        ).fetchone()
        assert row is not None
        figures["people"] = {"under_18_share": round(row[0], 3)}
    finally:
        connection.close()
    return figures


def import_check(store: Store, parameters: Parameters, work: Path) -> dict[str, Any]:
    """Import the generated rows the ordinary way and identify again: the lists must match."""
    imported = Store(work / "imported")
    seconds: dict[str, float] = {}
    for kind, rows in store.row_counts().items():
        path = store.table_path(kind)
        if not rows or path is None:
            continue
        extract = work / f"{kind}.parquet"
        pl.read_parquet(path).drop("_row", "_batch").write_parquet(extract)
        started = time.perf_counter()
        result = import_file(imported, kind, extract, imported_by="bench")
        seconds[kind] = round(time.perf_counter() - started, 1)
        assert result.manifest.rejected == 0, (kind, result.manifest.reasons)
    rules = load_rules("hackney")
    as_of = parameters.last_day
    direct = identify(DuckDBEngine.for_store(store), rules, as_of)
    via_import = identify(DuckDBEngine.for_store(imported), rules, as_of)
    equal = direct.listed.equals(via_import.listed) and direct.excluded.equals(via_import.excluded)
    assert equal, "the generated store and its import give different lists"
    return {"import_seconds": seconds, "lists_equal": equal}


STORES = {"national": NATIONAL, "baseline": BASELINE}
#: Stores also imported the ordinary way once, to check the direct writing (small ones only).
IMPORT_CHECKED = ("baseline",)


def main(argv: list[str]) -> None:
    """``activity_store.py LABEL``: make (or find) the store, print what it holds as JSON."""
    label = argv[0]
    parameters = STORES[label]
    store, info = cached_store(label, parameters)
    info["root"] = str(store.root)
    info["as_of"] = parameters.last_day.isoformat()
    if "shape" not in info:
        info["shape"] = shape(store)
        done = store.root.parent / "generated.json"
        saved = json.loads(done.read_text())
        done.write_text(json.dumps({**saved, "shape": info["shape"]}, indent=2) + "\n")
    if label in IMPORT_CHECKED:
        check_file = store.root.parent / "import-check.json"
        if not check_file.exists():
            print(f"{label}: importing the same rows with import_file, to check", flush=True)
            work = Path(tempfile.mkdtemp(prefix="hiu-bench-import-"))
            try:
                checked = import_check(store, parameters, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            check_file.write_text(json.dumps(checked, indent=2) + "\n")
        info["import_check"] = json.loads(check_file.read_text())
    print(json.dumps(info))


if __name__ == "__main__":
    main(sys.argv[1:])
