"""``hiu synth`` on the command line: arguments, messages and what it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hiu.cli import app

runner = CliRunner()
GOOD = ["--years", "1", "--start", "2024-04-01", "--seed", "3"]


def synth(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["synth", *arguments])
    return result.exit_code, result.output


def test_it_writes_every_extract_the_cohort_and_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "made" / "here"
    code, output = synth("--adults", "2000", *GOOD, "--out", str(out))
    assert code == 0, output
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "admissions.csv",
        "ambulance_incidents.csv",
        "cohort.csv",
        "ed_attendances.csv",
        "nhs111_calls.csv",
        "people.csv",
        "truth.json",
    ]
    truth = json.loads((out / "truth.json").read_text())
    assert truth["run"]["adults"] == 2000
    assert truth["run"]["true_effect"] == 0.25
    assert "people.csv" in output
    assert "2,000 rows" in output


def test_it_records_the_true_effect_it_was_given(tmp_path: Path) -> None:
    code, output = synth("--adults", "500", *GOOD, "--true-effect", "0.4", "--out", str(tmp_path))
    assert code == 0, output
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["effect"]["per_activity"]["ed_attendances"] == 0.4
    assert truth["effect"]["per_activity"]["bed_days"] == 0.4


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--adults", "0", *GOOD], "--adults"),
        (["--adults", "-5", *GOOD], "--adults"),
        (["--adults", "60000000", *GOOD], "--adults"),
        (["--adults", "100", "--years", "0", "--start", "2024-04-01", "--seed", "1"], "--years"),
        (["--adults", "100", "--years", "1", "--start", "2024-13-01", "--seed", "1"], "YYYY-MM-DD"),
        (["--adults", "100", "--years", "1", "--start", "1st April", "--seed", "1"], "YYYY-MM-DD"),
        (["--adults", "100", *GOOD, "--true-effect", "1.5"], "--true-effect"),
        (["--adults", "100", *GOOD, "--true-effect", "-0.1"], "--true-effect"),
        (["--adults", "100", "--years", "1", "--start", "2024-04-01", "--seed", "-1"], "--seed"),
        (["--adults", "ten", *GOOD], "--adults"),
    ],
)
def test_it_rejects_bad_arguments_with_a_message_naming_the_problem(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    code, output = synth(*arguments, "--out", str(tmp_path / "out"))
    assert code == 2
    assert message in output
    assert not (tmp_path / "out").exists()


def test_it_requires_the_output_folder(tmp_path: Path) -> None:
    code, output = synth("--adults", "100", *GOOD)
    assert code == 2
    assert "--out" in output


def test_it_explains_itself_in_help() -> None:
    code, output = synth("--help")
    assert code == 0
    for option in ("--adults", "--years", "--start", "--seed", "--true-effect", "--out"):
        assert option in output
