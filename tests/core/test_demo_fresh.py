"""`make demo` builds the demo again when it was built on an earlier day (its caseload is dated
from the day it is built), keeping the secret key and the synthetic extracts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _data_dir(tmp_path: Path, built_on: str) -> Path:
    data = tmp_path / "var"
    (data / "store" / "tables").mkdir(parents=True)
    (data / "synthetic" / "2026-11").mkdir(parents=True)
    (data / "hiu.sqlite3").write_text("a database")
    (data / "secret_key").write_text("k" * 50)
    (data / "demo-built-on").write_text(f"{built_on}\n")
    return data


def _fresh(data: Path, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run(
        ["make", "-s", "demo-fresh", f"HIU_DATA_DIR={data}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_demo_built_on_an_earlier_day_is_built_again(tmp_path: Path) -> None:
    data = _data_dir(tmp_path, "2000-01-01")
    assert "built on 2000-01-01: building it again" in _fresh(data)
    assert sorted(path.name for path in data.iterdir()) == ["secret_key", "synthetic"]
    assert (data / "synthetic" / "2026-11").is_dir()


@pytest.mark.parametrize("database_url", ["", "postgresql://someone@db/hiu"])
def test_a_demo_built_today_or_on_postgresql_is_left_alone(
    tmp_path: Path, database_url: str
) -> None:
    # `date` in make reads the real clock, not the tests' held one.
    today = subprocess.check_output(["date", "+%F"], text=True).strip()
    built_on = "2000-01-01" if database_url else today
    data = _data_dir(tmp_path, built_on)
    said = _fresh(data, **({"DATABASE_URL": database_url} if database_url else {}))
    assert ("Drop its database" in said) == bool(database_url)
    assert (data / "hiu.sqlite3").exists()
    assert (data / "store" / "tables").is_dir()
