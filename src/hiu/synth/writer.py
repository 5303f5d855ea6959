"""Write the extracts: UTF-8 CSV with a header row, appended one chunk at a time.

Dates are written ``YYYY-MM-DD`` and date-times ``YYYY-MM-DDTHH:MM:SS`` (local time, no offset);
a missing value is an empty field; booleans are ``true``/``false``.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import polars as pl

from hiu.synth.records import (
    ADMISSION_COLUMNS,
    AMBULANCE_COLUMNS,
    ED_COLUMNS,
    NHS111_COLUMNS,
    PEOPLE_COLUMNS,
    ChunkRecords,
)

#: Each extract's file name and columns, in the order they are written.
EXTRACTS: dict[str, tuple[str, ...]] = {
    "people.csv": PEOPLE_COLUMNS,
    "ed_attendances.csv": ED_COLUMNS,
    "ambulance_incidents.csv": AMBULANCE_COLUMNS,
    "nhs111_calls.csv": NHS111_COLUMNS,
    "admissions.csv": ADMISSION_COLUMNS,
}
COHORT_FILE = "cohort.csv"
TRUTH_FILE = "truth.json"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """A frame's rows as CSV without a header."""
    if frame.height == 0:
        return b""
    buffer = io.BytesIO()
    frame.write_csv(
        buffer,
        include_header=False,
        datetime_format=DATETIME_FORMAT,
        date_format=DATE_FORMAT,
    )
    return buffer.getvalue()


def chunk_csv(records: ChunkRecords) -> dict[str, bytes]:
    """Each extract's CSV rows for one chunk."""
    frames = {
        "people.csv": records.people,
        "ed_attendances.csv": records.ed_attendances,
        "ambulance_incidents.csv": records.ambulance_incidents,
        "nhs111_calls.csv": records.nhs111_calls,
        "admissions.csv": records.admissions,
    }
    return {name: csv_bytes(frame) for name, frame in frames.items()}


class ExtractWriter:
    """Appends chunks to every extract file in ``directory`` and counts their rows."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.rows: dict[str, int] = dict.fromkeys(EXTRACTS, 0)
        self._files: dict[str, BinaryIO] = {}
        for name, columns in EXTRACTS.items():
            handle = (directory / name).open("wb")
            handle.write((",".join(columns) + "\n").encode())
            self._files[name] = handle

    def append(self, rows: dict[str, bytes], counts: dict[str, int]) -> None:
        for name, data in rows.items():
            self._files[name].write(data)
            self.rows[name] += counts[name]

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()

    def __enter__(self) -> ExtractWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
