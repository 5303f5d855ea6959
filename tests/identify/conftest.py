"""Fixtures for identification tests (see ``identify_support``)."""

from __future__ import annotations

import pytest
from identify_support import ENGINES, RunEngine


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> RunEngine:
    """Each engine in turn: a spec test using this fixture runs once per engine."""
    return ENGINES[request.param]
