"""The same arguments always make the same bytes; a different seed makes a different world."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from synth_population import Population, build

from hiu.synth.simulate import SynthSpec


def test_the_same_seed_writes_identical_bytes_in_every_file(
    small: Population, tmp_path: Path
) -> None:
    again = build(tmp_path, small.spec)
    first, second = small.file_bytes(), again.file_bytes()
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_a_different_seed_writes_different_people_and_activity(
    small: Population, tmp_path: Path
) -> None:
    other = build(tmp_path, dataclasses.replace(small.spec, seed=small.spec.seed + 1))
    first, second = small.file_bytes(), other.file_bytes()
    for name in ("people.csv", "ed_attendances.csv", "admissions.csv", "cohort.csv"):
        assert first[name] != second[name], name
    assert small.people["nhs_number"].to_list() != other.people["nhs_number"].to_list()


def test_the_files_do_not_depend_on_the_number_of_worker_processes(tmp_path: Path) -> None:
    # Just over one chunk, so two workers share the work.
    spec = SynthSpec(adults=100_400, years=1, start=date(2025, 1, 1), seed=8)
    alone = build(tmp_path / "one", spec, jobs=1)
    shared = build(tmp_path / "two", spec, jobs=2)
    assert alone.file_bytes() == shared.file_bytes()
