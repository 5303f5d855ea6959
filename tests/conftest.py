"""Fixtures shared by the core's test packages, and how the tests share out among processes.

`make unit` and `make postgres` run the tests on several processes (pytest-xdist, ``-n`` with
``--dist loadscope``). Each process gets a data directory of its own. A process takes a whole
group of tests at a time (``xdist_group``): a test file, so that its module-scoped fixtures are
made once; or, for the tests that share an expensive session-scoped fixture of a package's
conftest, all of them (``SHARED_FIXTURE_GROUPS``), so that one process makes it.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hiu.synth.simulate import SynthSpec, synthesise

HERE = Path(__file__).parent

# Test files (or folders, ending in "/") that share an expensive session-scoped fixture, and the
# group each runs in: the browser tests' live server (`live_url`), tests/synth's populations
# (`catchment`, `small`, `effect_pair`), tests/evaluate's validated populations (`validated`).
# tests/test_groups.py fails when a session fixture of a package's conftest is used from two.
SHARED_FIXTURE_GROUPS = {
    "tests/browser/": "browser",
    "tests/synth/": "synth",
    "tests/evaluate/test_validation.py": "validated",
    "tests/evaluate/test_evaluate_cli.py": "validated",
}


def xdist_group(nodeid: str) -> str:
    """The group of tests a process takes together: its shared fixture's, or its file."""
    path = nodeid.split("::", 1)[0]
    for prefix, group in SHARED_FIXTURE_GROUPS.items():
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return group
    return path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With ``--dist loadscope``, a scope is a group of ``xdist_group`` rather than a file.

    (xdist's own ``--dist loadgroup`` and ``xdist_group`` marks do not group anything under
    pytest 9.2, which no longer reads the node id xdist rewrites.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            # The groups with a shared fixture have the slowest set-ups (a live server, large
            # populations): they go out first, so none is left to run alone at the end. The
            # others follow, most tests first (xdist's order).
            for group in reversed(dict.fromkeys(SHARED_FIXTURE_GROUPS.values())):
                if group in self.workqueue:
                    self.workqueue.move_to_end(group, last=False)
            super()._assign_work_unit(node)

    return SharedFixtureScheduling(config, log)


# How far the run's clock is set from the real one, in seconds: worked out by the first process
# and inherited by xdist's workers and by the subprocesses the browser tests start.
CLOCK_SHIFT = "HIU_TEST_CLOCK_SHIFT"


def hold_the_date() -> None:
    """Keep one date from the start of the run to its end.

    Many tests work out "today" when their module is imported and compare it with dates the
    code works out later; a run that crossed midnight failed a dozen of them (CI, 2026-12-07).
    The clock starts at noon in London on the day the run started and ticks on from there, so a
    run of under eleven hours stays on that day. Every process of the run shares the one shift:
    the browser tests start their server and worker through tests/browser/held_clock.py. The
    database server and Spark's JVM keep the real time (no test reads the time from either).
    """
    if CLOCK_SHIFT not in os.environ:
        now = datetime.now(ZoneInfo("Europe/London"))
        noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
        os.environ[CLOCK_SHIFT] = str((noon - now).total_seconds())
    time_machine.travel(time.time() + float(os.environ[CLOCK_SHIFT]), tick=True).start()


def pytest_configure(config: pytest.Config) -> None:
    """Hold the date; under xdist, each worker writes under its own folder of HIU_DATA_DIR."""
    hold_the_date()
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


_SPLIT = pytest.StashKey[dict[str, list[str]]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Note each session fixture of a package's conftest used from more than one group (each
    process would make it): tests/test_groups.py fails on them. pytest-django's fixtures and this
    file's small `synthetic` are left out: every process may make them."""
    root = HERE.relative_to(config.rootpath).as_posix()
    groups: dict[str, set[str]] = defaultdict(set)
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        for name in info.names_closure if info is not None else ():
            for fixturedef in info.name2fixturedefs.get(name, ()):
                if fixturedef.scope == "session" and fixturedef.baseid not in ("", root):
                    groups[f"{fixturedef.baseid}::{name}"].add(xdist_group(item.nodeid))
    config.stash[_SPLIT] = {
        fixture: sorted(names) for fixture, names in groups.items() if len(names) > 1
    }


@pytest.fixture
def session_fixtures_split_across_groups(pytestconfig: pytest.Config) -> dict[str, list[str]]:
    return pytestconfig.stash.get(_SPLIT, {})


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic health economy's extracts (3,000 adults, 2024), made once a session."""
    out = tmp_path_factory.mktemp("synthetic")
    synthesise(SynthSpec(adults=3000, years=1, start=date(2024, 1, 1), seed=11), out)
    return out
