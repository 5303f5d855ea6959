"""Benchmark ``hiu import`` and person lookups in the activity store.

Cases (figures written to ``bench/results/ingest.json``):

- million: 1,000,000 A&E rows from CSV, validated and stored in an empty store; targets 5 s and
  2 GiB peak memory;
- national: a national year, 25,000,000 A&E rows (about 3 GB of CSV), into an empty store;
  target 3 minutes with bounded memory (skipped with ``--quick``);
- timeline: one person's timeline read from the store the national case built (or the million
  case with ``--quick``), for 200 people picked at random; target 50 ms each.

The extracts are written here with every column of the canonical A&E extract and valid codes,
about three attendances per person, so validation does all its work.

Usage: ``.venv/bin/python bench/bench_ingest.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from measure import run_measured, write_report

from hiu.store.store import Store
from hiu.synth import codes
from hiu.synth.nhs_number import synthetic_nhs_numbers

ROOT = Path(__file__).resolve().parent.parent
HIU = ROOT / ".venv" / "bin" / "hiu"
RESULTS = ROOT / "bench" / "results" / "ingest.json"
CHUNK = 1_000_000
CASES: dict[str, dict[str, Any]] = {
    "million": {"rows": 1_000_000, "max_seconds": 5, "max_rss_mib": 2048},
    "national": {"rows": 25_000_000, "max_seconds": 180, "max_rss_mib": 4096},
}
LOOKUPS = 200
LOOKUP_TARGET_MS = 50


def write_ed_extract(path: Path, rows: int, seed: int = 1) -> None:
    """A canonical A&E extract of ``rows`` rows over one year, written a chunk at a time."""
    rng = np.random.default_rng(seed)
    people = max(rows // 3, 1)
    sites = [site.code for site in codes.ED_SITES]
    arrival = [codes.ARRIVAL_OWN_TRANSPORT, codes.ARRIVAL_EMERGENCY_AMBULANCE]
    complaints = sorted({p.chief_complaint for group in codes.PROFILES for p in group})
    with path.open("wb") as handle:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            person = rng.integers(0, people, n)
            minute = rng.integers(0, 365 * 24 * 60, n)
            stay = rng.integers(30, 600, n)
            arrive = pl.Series(minute * 60_000_000).cast(pl.Datetime("us")).dt.offset_by("54y")
            frame = pl.DataFrame(
                {
                    "attendance_id": pl.Series(np.arange(start, start + n)).cast(pl.String),
                    "nhs_number": synthetic_nhs_numbers(person, offset=seed).astype(str),
                    "arrival_datetime": arrive.dt.strftime("%Y-%m-%dT%H:%M:%S"),
                    "departure_datetime": (
                        arrive + pl.Series(stay * 60_000_000).cast(pl.Duration("us"))
                    ).dt.strftime("%Y-%m-%dT%H:%M:%S"),
                    "site_code": rng.choice(sites, n),
                    "department_type": rng.choice(["01", "03"], n),
                    "attendance_category": rng.choice(["1", "2", "4"], n, p=[0.9, 0.05, 0.05]),
                    "arrival_mode": rng.choice(arrival, n),
                    "chief_complaint": rng.choice(complaints, n),
                    "diagnosis": rng.choice(complaints, n),
                    "acuity": rng.choice(codes.ACUITY_CODES, n),
                    "discharge_destination": rng.choice(
                        [codes.DESTINATION_HOME, codes.DESTINATION_WARD], n
                    ),
                }
            )
            frame.with_columns(
                pl.concat_str(pl.lit("ED"), pl.col("attendance_id").str.pad_start(10, "0")).alias(
                    "attendance_id"
                )
            ).write_csv(handle, include_header=start == 0)


def import_case(name: str, work: Path) -> dict[str, Any]:
    case = CASES[name]
    extract = work / f"{name}.csv"
    print(f"{name}: writing {case['rows']:,} rows", flush=True)
    write_ed_extract(extract, case["rows"])
    # The extract arrives from elsewhere: let it reach the disk before the clock starts, so the
    # import is not timed against the kernel writing out the file we just made.
    os.sync()
    data_dir = work / f"{name}-data"
    env = {**os.environ, "HIU_DATA_DIR": str(data_dir)}
    print(f"{name}: hiu import ed_attendances {extract.name}", flush=True)
    run = run_measured([str(HIU), "import", "ed_attendances", str(extract)], env=env)
    if run.returncode != 0:
        raise SystemExit(f"{name} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    store = Store.in_data_dir(data_dir)
    manifest = store.batches()[0]
    peak = max(run.peak_rss_mib, run.peak_tree_rss_mib)
    return {
        "case": name,
        "rows": case["rows"],
        "csv_bytes": extract.stat().st_size,
        "accepted": manifest.accepted,
        "rejected": manifest.rejected,
        "wall_seconds": round(run.wall_seconds, 2),
        "rows_per_second": round(case["rows"] / run.wall_seconds),
        "peak_rss_mib": round(run.peak_rss_mib),
        "peak_tree_rss_mib": round(run.peak_tree_rss_mib),
        "store_bytes": sum(p.stat().st_size for p in store.root.rglob("*") if p.is_file()),
        "target_seconds": case["max_seconds"],
        "target_rss_mib": case["max_rss_mib"],
        "within_targets": run.wall_seconds <= case["max_seconds"] and peak <= case["max_rss_mib"],
        "data_dir": str(data_dir),
    }


def timeline_case(data_dir: Path) -> dict[str, Any]:
    store = Store.in_data_dir(data_dir)
    path = store.table_path("ed_attendances")
    assert path is not None
    numbers = pl.scan_parquet(path).select("nhs_number").unique().collect()["nhs_number"].to_list()
    rng = np.random.default_rng(2)
    picked = [numbers[i] for i in rng.choice(len(numbers), LOOKUPS, replace=False)]
    store.timeline(picked[0])  # the first read of a file pays for the operating system's cache
    timings = []
    events = 0
    for number in picked:
        started = time.perf_counter()
        timeline = store.timeline(number)
        timings.append((time.perf_counter() - started) * 1000)
        events += timeline.total
    timings.sort()
    return {
        "case": "timeline",
        "store_rows": store.row_counts()["ed_attendances"],
        "lookups": LOOKUPS,
        "events_found": events,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * len(timings)) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "target_ms": LOOKUP_TARGET_MS,
        "within_targets": timings[-1] <= LOOKUP_TARGET_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the national case")
    arguments = parser.parse_args()
    names = ["million"] if arguments.quick else ["million", "national"]
    work = Path(tempfile.mkdtemp(prefix="hiu-bench-ingest-"))
    try:
        results = [import_case(name, work) for name in names]
        results.append(timeline_case(Path(results[-1]["data_dir"])))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for result in results:
        result.pop("data_dir", None)
    write_report(RESULTS, "hiu import and store timelines", results)
    for result in results:
        print(json.dumps(result))
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
