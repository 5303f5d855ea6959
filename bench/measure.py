"""Measuring a child process: wall time, its peak memory, and the peak of its process tree.

``peak_rss_mib`` is the kernel's ``ru_maxrss`` for the child and everything it waited for
(``os.wait4``): the largest single process. ``peak_tree_rss_mib`` samples, every 0.2 seconds,
the sum of the resident memory of the child and all its descendants, which is what the machine
must hold.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


class TreeMemory(threading.Thread):
    """Samples the total resident memory of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            total = sum(_rss_kib(p) for p in _descendants(self.pid))
            self.peak_kib = max(self.peak_kib, total)


@dataclass(frozen=True)
class Measured:
    returncode: int
    wall_seconds: float
    peak_rss_mib: float
    peak_tree_rss_mib: float
    stdout: str
    stderr: str


def run_measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` to the end and measure it."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    sampler = TreeMemory(child.pid)
    sampler.start()
    # Read the pipes in threads so a chatty child cannot block on a full pipe.
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: out.append(child.stdout.read() if child.stdout else b"")),
        threading.Thread(target=lambda: err.append(child.stderr.read() if child.stderr else b"")),
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    for reader in readers:
        reader.join()
    return Measured(
        returncode=os.waitstatus_to_exitcode(status),
        wall_seconds=wall,
        peak_rss_mib=usage.ru_maxrss / 1024,
        peak_tree_rss_mib=sampler.peak_kib / 1024,
        stdout=b"".join(out).decode(errors="replace"),
        stderr=b"".join(err).decode(errors="replace"),
    )


def write_report(path: Path, benchmark: str, cases: list[dict[str, Any]]) -> None:
    """Write a benchmark's figures with when and where they were measured."""
    report = {
        "benchmark": benchmark,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "cases": cases,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
