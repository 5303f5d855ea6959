"""``kill -9`` during an import, at many moments: the store is as it was, or fully imported.

A real process is killed with SIGKILL at increasing delays, from before it has read anything
until after it has finished, so the kill lands in reading, validating, building the table and
committing. After every kill the store must be exactly the committed state before the import or
exactly the state after it, and running the import again must complete it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers

ROWS = 200_000
ATTEMPTS = 6
HIU = [sys.executable, "-c", "from hiu.cli import main; main()"]


def _extract(path: Path, rows: int, prefix: str) -> Path:
    numbers = synthetic_nhs_numbers(np.arange(rows, dtype=np.int64) % 20_000, offset=7)
    minutes = np.arange(rows, dtype=np.int64) * 3
    frame = pl.DataFrame(
        {
            "attendance_id": [f"{prefix}{i:09d}" for i in range(rows)],
            "nhs_number": numbers.astype(str),
            "arrival_datetime": pl.Series(minutes * 60_000_000)
            .cast(pl.Datetime("us"))
            .dt.offset_by("54y")
            .dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "site_code": ["RXH01"] * rows,
        }
    )
    frame.write_csv(path)
    return path


def _check_consistent(store: Store) -> tuple[int, ...]:
    """Every file the state names exists and holds the rows the state says; returns batches."""
    state = store.state()
    for table in state.tables.values():
        assert pq.read_metadata(store.root / table.path).num_rows == table.rows
    for batch in state.batches:
        assert (store.batch_dir(batch) / "manifest.json").is_file()
    return state.batches


def _run(data_dir: Path, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HIU_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [*HIU, "import", "ed_attendances", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_a_killed_import_leaves_the_store_whole_and_a_rerun_completes(tmp_path: Path) -> None:
    first = _extract(tmp_path / "first.csv", 1_000, "F")
    big = _extract(tmp_path / "big.csv", ROWS, "B")
    data_dir = tmp_path / "data"
    assert _run(data_dir, first).wait(timeout=60) == 0
    store = Store.in_data_dir(data_dir)
    before = _check_consistent(store)
    assert before == (1,)

    # How long an uninterrupted import takes here, so the kills spread over the whole of it.
    started = time.perf_counter()
    assert _run(tmp_path / "timing", big).wait(timeout=300) == 0
    whole = time.perf_counter() - started

    outcomes: list[str] = []
    delay = 0.0
    while True:
        process = _run(data_dir, big)
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        batches = _check_consistent(store)
        if finished or batches != before:
            # The import had committed: the store holds it whole.
            assert batches == (1, 2)
            assert store.row_counts()["ed_attendances"] == 1_000 + ROWS
            outcomes.append("committed")
            break
        assert store.row_counts()["ed_attendances"] == 1_000
        outcomes.append("rolled back")
        # Running it again (and then stopping it) must first clear the remains of this one.
        delay += whole / ATTEMPTS
    assert outcomes.count("rolled back") >= ATTEMPTS // 2, outcomes

    # A final clean re-run finds the file already imported, and the remains are gone.
    assert _run(data_dir, big).wait(timeout=120) == 0
    assert _check_consistent(store) == (1, 2)
    assert not store.staging_dir.exists() or not any(store.staging_dir.iterdir())
