"""The run holds one date from start to end (tests/conftest.py, `hold_the_date`)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from django.utils import timezone

HELD_CLOCK = Path(__file__).parent / "browser" / "held_clock.py"


def test_the_clock_starts_at_noon_and_ticks() -> None:
    # Noon in London, moved on by however long the run has taken so far: far from either
    # midnight for any run shorter than eleven hours.
    now = timezone.localtime()
    since_noon = now - now.replace(hour=12, minute=0, second=0, microsecond=0)
    assert dt.timedelta(0) <= since_noon < dt.timedelta(hours=11)
    assert dt.date.today() == now.date()
    before = time.time()
    time.sleep(0.01)
    assert time.time() > before


def test_a_subprocess_started_through_held_clock_reads_the_same_clock(tmp_path: Path) -> None:
    # (Unless the run began near noon, the real clock is hours away from the run's.)
    (tmp_path / "print_time.py").write_text("import time\nprint(time.time())\n")
    out = subprocess.run(
        [sys.executable, str(HELD_CLOCK), "print_time"],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert abs(float(out) - time.time()) < 30
