"""Person lookups read only the row groups that can hold the person, and miss nobody."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiu.store.lookup import person_rows


def _table(path: Path, numbers: list[str], *, statistics: bool = True) -> Path:
    frame = pl.DataFrame(
        {"nhs_number": sorted(numbers), "_batch": 1, "_row": range(len(numbers))}
    ).with_columns(pl.int_range(pl.len()).alias("event"))
    frame.write_parquet(path, row_group_size=7, statistics=statistics)
    return path


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([f"94347659{i:02d}" for i in range(12)]), min_size=0, max_size=60),
    st.sampled_from([f"94347659{i:02d}" for i in range(14)]),
)
def test_it_finds_exactly_the_rows_a_full_scan_finds(
    tmp_path_factory: pytest.TempPathFactory, numbers: list[str], wanted: str
) -> None:
    path = _table(tmp_path_factory.mktemp("lookup") / "t.parquet", numbers)
    found = person_rows(path, wanted)
    expected = pl.read_parquet(path).filter(pl.col("nhs_number") == wanted)
    assert found["event"].to_list() == expected["event"].to_list()
    assert "_batch" not in found.columns
    assert "_row" not in found.columns


def test_it_reads_every_row_group_when_a_file_has_no_statistics(tmp_path: Path) -> None:
    path = _table(
        tmp_path / "t.parquet", ["9434765919"] * 10 + ["9434765920"] * 10, statistics=False
    )
    assert person_rows(path, "9434765920").height == 10
