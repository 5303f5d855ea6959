"""Fixtures shared by the core's test packages, and how the tests share out among processes.

`make unit` and `make postgres` run the tests on several processes (pytest-xdist, ``-n`` with
``--dist loadgroup``). Each process gets a data directory of its own, and each test a group:
its file, so that a file's module-scoped fixtures are made once; or, for a test that uses an
expensive session-scoped fixture from a package's conftest (the browser tests' live server, the
synthetic populations of tests/synth and tests/evaluate), that package, so the fixture is made
by one process only.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from hiu.synth.simulate import SynthSpec, synthesise

HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, each worker writes under its own folder of HIU_DATA_DIR."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    from django.conf import settings

    own = Path(settings.DATA_DIR) / "workers" / worker
    incoming = own / "uploads" / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = own
    settings.FILE_UPLOAD_TEMP_DIR = incoming
    os.environ["HIU_DATA_DIR"] = str(own)


def _group(item: pytest.Item, root: str) -> str:
    info = getattr(item, "_fixtureinfo", None)
    for name in info.names_closure if info is not None else ():
        for fixturedef in info.name2fixturedefs.get(name, ()):
            # Session fixtures of a package's conftest; not pytest-django's, nor this file's
            # small `synthetic`, which every process may make for itself.
            if fixturedef.scope == "session" and fixturedef.baseid not in ("", root):
                return fixturedef.baseid
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: xdist reads the groups in its own hook, which must come after this one.
    root = HERE.relative_to(config.rootpath).as_posix()
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item, root)))


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic health economy's extracts (3,000 adults, 2024), made once a session."""
    out = tmp_path_factory.mktemp("synthetic")
    synthesise(SynthSpec(adults=3000, years=1, start=date(2024, 1, 1), seed=11), out)
    return out
