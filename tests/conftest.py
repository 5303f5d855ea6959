"""Fixtures shared by the core's test packages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hiu.synth.simulate import SynthSpec, synthesise


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic health economy's extracts (3,000 adults, 2024), made once a session."""
    out = tmp_path_factory.mktemp("synthetic")
    synthesise(SynthSpec(adults=3000, years=1, start=date(2024, 1, 1), seed=11), out)
    return out
