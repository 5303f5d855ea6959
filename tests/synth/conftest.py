"""Synthetic populations built once per test session, and helpers to read what they wrote.

The 300,000-adult, 3-year catchment is what the calibration tests measure; smaller populations
serve the structural and determinism tests.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from synth_population import Population, build

from hiu.synth.simulate import SynthSpec, default_jobs


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the full-size catchment as slow."""
    for item in items:
        if "catchment" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def catchment(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """300,000 adults over three years: an acute trust's catchment."""
    spec = SynthSpec(adults=300_000, years=3, start=date(2022, 4, 1), seed=20240401)
    return build(tmp_path_factory.mktemp("catchment"), spec, jobs=default_jobs())


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """5,000 adults over two years."""
    spec = SynthSpec(adults=5_000, years=2, start=date(2024, 1, 31), seed=11)
    return build(tmp_path_factory.mktemp("small"), spec)


@pytest.fixture(scope="session")
def effect_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Population, Population]:
    """The same 50,000 adults and seed, once with no effect and once with a 90% effect.

    The service lists 150 people a quarter, so enough people engage to measure the effect.
    """
    base = SynthSpec(
        adults=50_000, years=2, start=date(2023, 7, 1), seed=5, true_effect=0.0, list_size=150
    )
    strong = dataclasses.replace(base, true_effect=0.9)
    return (
        build(tmp_path_factory.mktemp("no_effect"), base),
        build(tmp_path_factory.mktemp("strong_effect"), strong),
    )
