"""A simulated population on disk, read back into typed frames for tests to check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from hiu.synth.simulate import SynthSpec, synthesise
from hiu.synth.writer import EXTRACTS

DATETIME_COLUMNS = {
    "arrival_datetime",
    "departure_datetime",
    "call_datetime",
    "admission_datetime",
    "discharge_datetime",
}
DATE_COLUMNS = {"date_of_birth", "date_of_death", "engaged_date"}


@dataclass
class Population:
    """A simulated population on disk, read lazily into frames of typed columns."""

    directory: Path
    spec: SynthSpec

    def raw(self, name: str) -> pl.DataFrame:
        """A file exactly as written: every column a string, missing values null."""
        return pl.read_csv(self.directory / name, infer_schema=False)

    def frame(self, name: str) -> pl.DataFrame:
        frame = self.raw(name)
        casts = []
        for column in frame.columns:
            if column in DATETIME_COLUMNS:
                casts.append(pl.col(column).str.to_datetime("%Y-%m-%dT%H:%M:%S"))
            elif column in DATE_COLUMNS:
                casts.append(pl.col(column).str.to_date("%Y-%m-%d"))
            elif column in ("nhs_number", "imd_decile", "attendance_category"):
                casts.append(pl.col(column).cast(pl.Int64))
            elif column == "care_home":
                casts.append(pl.col(column) == "true")
        return frame.with_columns(casts)

    @cached_property
    def people(self) -> pl.DataFrame:
        return self.frame("people.csv")

    @cached_property
    def ed(self) -> pl.DataFrame:
        return self.frame("ed_attendances.csv")

    @cached_property
    def ambulance(self) -> pl.DataFrame:
        return self.frame("ambulance_incidents.csv")

    @cached_property
    def calls(self) -> pl.DataFrame:
        return self.frame("nhs111_calls.csv")

    @cached_property
    def admissions(self) -> pl.DataFrame:
        return self.frame("admissions.csv")

    @cached_property
    def cohort(self) -> pl.DataFrame:
        return self.frame("cohort.csv")

    @cached_property
    def truth(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.directory / "truth.json").read_text())
        return loaded

    @property
    def start(self) -> date:
        return self.spec.start

    @property
    def end(self) -> date:
        return self.spec.timeline.end

    def file_bytes(self) -> dict[str, bytes]:
        names = [*EXTRACTS, "cohort.csv", "truth.json"]
        return {name: (self.directory / name).read_bytes() for name in names}


def build(directory: Path, spec: SynthSpec, jobs: int = 1) -> Population:
    synthesise(spec, directory, jobs=jobs)
    return Population(directory, spec)
