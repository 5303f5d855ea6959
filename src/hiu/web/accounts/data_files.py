"""The activity extracts present in the data directory, for the data coordinator's page.

Until activity imports land (the ingestion issue), the data coordinator sees which extract files
are in ``HIU_DATA_DIR`` and how large they are; nothing is read from inside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

EXTRACT_KINDS = ("people", "ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions")


@dataclass(frozen=True)
class DataFile:
    kind: str
    path: Path
    size_bytes: int
    modified: dt.datetime

    @property
    def size(self) -> str:
        size = float(self.size_bytes)
        for unit in ("bytes", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
            size /= 1024
        raise AssertionError("unreachable")


def data_files(root: Path | None = None) -> list[DataFile]:
    root = root or Path(settings.DATA_DIR)
    found = []
    for kind in EXTRACT_KINDS:
        for path in sorted(root.glob(f"**/{kind}.csv")):
            stat = path.stat()
            modified = dt.datetime.fromtimestamp(stat.st_mtime, tz=timezone.get_current_timezone())
            found.append(DataFile(kind, path.relative_to(root), stat.st_size, modified))
    return found
