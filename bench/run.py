"""Run every benchmark (``bench/bench_*.py``) and collect their figures in bench/results/.

Each benchmark writes its own ``bench/results/NAME.json``; this runner also writes
``bench/results/summary.md`` with every figure, the machine and the commit, so a closing note
can quote one file. Benchmarks measure; they never pass or fail the test suite.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


def main(argv: list[str]) -> int:
    """``--only NAME`` (repeatable) runs just ``bench_NAME.py``; other arguments go to every
    benchmark. The summary always covers every benchmark's result file, old and new."""
    only = {argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--only"}
    argv = [a for i, a in enumerate(argv) if a != "--only" and (i == 0 or argv[i - 1] != "--only")]
    RESULTS.mkdir(exist_ok=True)
    failed = []
    for script in sorted(BENCH.glob("bench_*.py")):
        if only and script.stem.removeprefix("bench_") not in only:
            continue
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script), *argv], check=False).returncode:
            failed.append(script.name)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        "# Benchmark results",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit or 'unknown'}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "",
    ]
    # Only the benchmarks' own results: validation.json (``make validate``) sits beside them
    # but is a method check of a megabyte, with its own tables in docs/evaluation.md.
    for result in sorted(RESULTS.glob("*.json")):
        if not (BENCH / f"bench_{result.stem}.py").exists():
            continue
        lines += [f"## {result.stem}", "", "```json", result.read_text().strip(), "```", ""]
    (RESULTS / "summary.md").write_text("\n".join(lines))
    print(f"Figures written to {RESULTS / 'summary.md'}")
    if failed:
        print(f"Benchmarks that failed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
