"""Benchmark ``hiu synth`` at catchment and national scale.

Runs ``.venv/bin/hiu synth`` as a child process into a temporary folder for each case, measures
its wall time and peak memory, counts the rows it wrote, deletes the output, and writes the
figures to ``bench/results/synth.json``:

- catchment: one year of 300,000 adults, target 30 seconds;
- national: one year of 45,000,000 adults (about 25 million A&E attendances), target 5
  minutes and 8 GiB (skipped with ``--quick``).

Peak memory is measured two ways. ``peak_rss_mib`` is the kernel's ``ru_maxrss`` for the child
and everything it waited for (``os.wait4``; the same figure ``resource.getrusage
(RUSAGE_CHILDREN)`` gives when there is one child): the largest single process, since worker
processes are counted separately. ``peak_tree_rss_mib`` samples, every 0.2 seconds, the sum of
the resident memory of the child and all its descendants, which is what the machine must hold.

Usage: ``.venv/bin/python bench/bench_synth.py [--quick] [--jobs N]``
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
from pathlib import Path
from typing import Any

from measure import run_measured, write_report

ROOT = Path(__file__).resolve().parent.parent
HIU = ROOT / ".venv" / "bin" / "hiu"
RESULTS = ROOT / "bench" / "results" / "synth.json"
FILES = (
    "people.csv",
    "ed_attendances.csv",
    "ambulance_incidents.csv",
    "nhs111_calls.csv",
    "admissions.csv",
    "cohort.csv",
)
CASES: dict[str, dict[str, Any]] = {
    "catchment": {"adults": 300_000, "years": 1, "max_seconds": 30, "max_rss_mib": None},
    "national": {"adults": 45_000_000, "years": 1, "max_seconds": 300, "max_rss_mib": 8192},
}


def _count_rows(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
    return lines - 1  # the header


def run_case(name: str, jobs: int) -> dict[str, Any]:
    case = CASES[name]
    out = Path(tempfile.mkdtemp(prefix=f"hiu-synth-{name}-"))
    command = [
        str(HIU),
        "synth",
        "--adults",
        str(case["adults"]),
        "--years",
        str(case["years"]),
        "--start",
        "2024-04-01",
        "--seed",
        "1",
        "--out",
        str(out / "extracts"),
    ]
    if jobs:
        command += ["--jobs", str(jobs)]
    print(f"{name}: {' '.join(command[1:])}", flush=True)
    run = run_measured(command)
    if run.returncode != 0:
        shutil.rmtree(out, ignore_errors=True)
        raise SystemExit(f"{name} failed ({run.returncode}):\n{run.stderr}")
    wall = run.wall_seconds
    extracts = out / "extracts"
    rows = {file: _count_rows(extracts / file) for file in FILES}
    written = sum(path.stat().st_size for path in extracts.iterdir())
    shutil.rmtree(out, ignore_errors=True)
    peak_mib = run.peak_rss_mib
    tree_mib = run.peak_tree_rss_mib
    within = wall <= case["max_seconds"] and (
        case["max_rss_mib"] is None or max(peak_mib, tree_mib) <= case["max_rss_mib"]
    )
    return {
        "case": name,
        "adults": case["adults"],
        "years": case["years"],
        "wall_seconds": round(wall, 1),
        "peak_rss_mib": round(peak_mib),
        "peak_tree_rss_mib": round(tree_mib),
        "rusage_children_maxrss_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ),
        "bytes_written": written,
        "rows": rows,
        "target_seconds": case["max_seconds"],
        "target_rss_mib": case["max_rss_mib"],
        "within_targets": within,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the national case")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: default)")
    arguments = parser.parse_args()
    names = ["catchment"] if arguments.quick else ["catchment", "national"]
    results = [run_case(name, arguments.jobs) for name in names]
    write_report(RESULTS, "hiu synth", results)

    print()
    print(
        f"{'case':<10} {'adults':>11} {'wall s':>7} {'peak MiB':>9} {'tree MiB':>9} "
        f"{'A&E rows':>11} {'GB':>6}  ok"
    )
    for r in results:
        print(
            f"{r['case']:<10} {r['adults']:>11,} {r['wall_seconds']:>7} {r['peak_rss_mib']:>9,} "
            f"{r['peak_tree_rss_mib']:>9,} {r['rows']['ed_attendances.csv']:>11,} "
            f"{r['bytes_written'] / 1e9:>6.2f}  {'yes' if r['within_targets'] else 'NO'}"
        )
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
