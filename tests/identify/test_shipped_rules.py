"""Every shipped rule set loads and runs on a small synthetic population, and every engine gives
the same list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from identify_support import ENGINES, Frames
from polars.testing import assert_frame_equal

from hiu.identify.engines import stored_schema
from hiu.identify.rules import SHIPPED_DIR, load_rules
from hiu.schemas import EXTRACTS, KINDS

SHIPPED = sorted(path.stem for path in SHIPPED_DIR.glob("*.toml"))


def read_extract(folder: Path, kind: str) -> pl.DataFrame:
    """A synthetic extract (CSV) with the store's column types."""
    raw = pl.read_csv(folder / f"{kind}.csv", infer_schema=False)
    columns = []
    for name, dtype in stored_schema(kind).items():
        text = pl.col(name)
        if dtype == pl.Date:
            value = text.str.to_date("%Y-%m-%d")
        elif dtype == pl.Datetime("us"):
            value = text.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us")
        elif dtype == pl.Boolean:
            value = text.str.to_lowercase() == "true"
        else:
            value = text.cast(dtype)
        columns.append(value.alias(name))
    return raw.select(columns)


@pytest.fixture(scope="module")
def population(synthetic: Path) -> Frames:
    return {kind: read_extract(synthetic, kind) for kind in KINDS}


def test_the_synthetic_population_is_read_whole(population: Frames) -> None:
    for kind, frame in population.items():
        assert frame.schema == pl.Schema(stored_schema(kind))
        assert frame.height > 0
        required = frame.select(EXTRACTS[kind].required)
        assert required.null_count().sum_horizontal().item() == 0, kind


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("as_of", [date(2024, 6, 30), date(2024, 12, 31)])
def test_every_engine_gives_the_same_list(population: Frames, name: str, as_of: date) -> None:
    rules = load_rules(name)
    results = {engine: run(population, rules, as_of, None) for engine, run in ENGINES.items()}
    expected = results.pop("reference")
    assert expected.period_start <= as_of
    if rules.top is not None:
        assert expected.listed.height <= rules.top
    for result in results.values():
        assert_frame_equal(result.listed, expected.listed)
        assert_frame_equal(result.excluded, expected.excluded)
        assert result.below_cut == expected.below_cut


def test_the_shipped_rule_sets_find_people(population: Frames) -> None:
    """A whole year of a synthetic economy's activity gives every shipped rule set someone."""
    for name in SHIPPED:
        rules = load_rules(name)
        result = ENGINES["reference"](population, rules, date(2024, 12, 31), None)
        assert result.listed.height + result.excluded.height > 0, name
