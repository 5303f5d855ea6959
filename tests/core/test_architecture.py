"""The analytics core never imports Django, and production code never imports the demo: both
checked by import-linter in `make test`.

These tests make sure the contracts cover every core package and every module of the web app
but the demo, so a new one cannot slip outside them, and that the core's contract itself would
catch a Django import.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import hiu

REPO = Path(__file__).resolve().parents[2]


def _contract(forbidden: str = "django") -> dict[str, list[str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if forbidden in c["forbidden_modules"])  # type: ignore[no-any-return]


def test_every_core_module_is_under_the_contract() -> None:
    covered = set(_contract()["source_modules"])
    core = {
        f"hiu.{module.name}"
        for module in pkgutil.iter_modules(hiu.__path__)
        # hiu.console is the installed command: the core's commands plus `hiu report`, which
        # imports the web app when it runs. It is outside the core, like hiu.web.
        if module.name not in {"web", "console"}
    }
    assert core == covered


def test_importing_the_core_loads_no_django() -> None:
    core = sorted(_contract()["source_modules"])
    script = (
        "import importlib, sys\n"
        f"for name in {core!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"


def test_every_web_module_but_the_demo_is_kept_from_importing_it() -> None:
    import hiu.web

    covered = set(_contract("hiu.web.demo")["source_modules"])
    web = {f"hiu.web.{module.name}" for module in pkgutil.iter_modules(hiu.web.__path__)}
    # hiu.console is the installed command, which runs `hiu report` from the web app.
    assert covered == (web - {"hiu.web.demo"}) | {"hiu.console"}
