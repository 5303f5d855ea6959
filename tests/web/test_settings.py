"""Settings fail loudly on bad values, naming the variable, before the app serves anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _start(env_changes: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HIU_DATA_DIR": str(tmp_path / "data"), **env_changes}
    env.pop("DATABASE_URL", None) if "DATABASE_URL" not in env_changes else None
    return subprocess.run(
        [sys.executable, "-m", "hiu.web.manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("HIU_DEBUG", "flase", "HIU_DEBUG must be one of"),
        ("DATABASE_URL", "mysql://root@localhost/hiu", "DATABASE_URL must be a sqlite://"),
        ("HIU_SECRET_KEY", "too-short", "HIU_SECRET_KEY must be at least 32"),
        ("HIU_ALLOWED_HOSTS", "example.org,,", "HIU_ALLOWED_HOSTS must be a comma-separated"),
        ("HIU_DATA_DIR", "", "HIU_DATA_DIR is set but empty"),
        ("HIU_MAX_UPLOAD_MB", "4GB", "HIU_MAX_UPLOAD_MB must be a whole number"),
        ("HIU_MAX_UPLOAD_MB", "0", "HIU_MAX_UPLOAD_MB must be at least 1"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = _start({variable: value}, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_defaults_start_and_keep_a_private_secret_key(tmp_path: Path) -> None:
    result = _start({}, tmp_path)
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.stat().st_mode & 0o077 == 0
    first_key = key_file.read_text()
    assert _start({}, tmp_path).returncode == 0
    assert key_file.read_text() == first_key


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    result = _start({"HIU_DATA_DIR": str(not_a_dir)}, tmp_path)
    assert result.returncode != 0
    assert "not a directory" in result.stderr
