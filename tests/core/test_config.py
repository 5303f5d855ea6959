"""Configuration helpers: defaults when unset, clear errors naming the variable when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiu.config import ConfigurationError, data_dir, env_bool, env_int, env_list, env_str


def test_unset_variables_take_their_defaults() -> None:
    assert env_str("X", "default", environ={}) == "default"
    assert env_bool("X", True, environ={}) is True
    assert env_int("X", 7, environ={}) == 7
    assert env_list("X", ["a"], environ={}) == ["a"]


@pytest.mark.parametrize(("word", "value"), [("yes", True), ("0", False), (" TRUE ", True)])
def test_booleans_accept_the_usual_words(word: str, value: bool) -> None:
    assert env_bool("FLAG", not value, environ={"FLAG": word}) is value


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: env_bool("FLAG", False, environ={"FLAG": "maybe"}), "FLAG must be one of"),
        (lambda: env_int("N", 1, environ={"N": "ten"}), "N must be a whole number"),
        (lambda: env_int("N", 1, minimum=2, environ={"N": "1"}), "N must be at least 2"),
        (lambda: env_int("N", 1, maximum=5, environ={"N": "6"}), "N must be at most 5"),
        (lambda: env_str("S", "x", environ={"S": "  "}), "S is set but empty"),
        (lambda: env_list("L", [], environ={"L": "a,,b"}), "L must be a comma-separated"),
    ],
)
def test_bad_values_raise_naming_the_variable(call: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        call()  # type: ignore[operator]


def test_the_data_directory_is_created_when_missing(tmp_path: Path) -> None:
    target = tmp_path / "new" / "data"
    assert data_dir({"HIU_DATA_DIR": str(target)}) == target
    assert target.is_dir()
