"""``hiu evaluate`` end to end: a real store, a cohort file, both output files, the same bytes
for the same inputs and seed, and nothing written when the inputs are unusable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from evaluate_support import Validated
from typer.testing import CliRunner

from hiu.cli import app

RUNNING_COSTS = 100_000.0


@pytest.fixture(scope="module")
def population(validated: dict[float, Validated]) -> Validated:
    return validated[0.0]


def run(
    population: Validated, monkeypatch: pytest.MonkeyPatch, cohort: Path, out: Path, *extra: str
) -> Any:
    monkeypatch.setenv("HIU_DATA_DIR", str(population.folder))
    monkeypatch.setenv("COLUMNS", "200")
    arguments = ["evaluate", "--cohort", str(cohort), "--rules", "rightcare", "--out", str(out)]
    return CliRunner().invoke(app, [*arguments, "--replicates", "200", *extra])


@pytest.fixture
def cohort(population: Validated, tmp_path: Path) -> Path:
    path = tmp_path / "cohort.csv"
    text = (population.folder / "cohort.csv").read_text()
    path.write_text(text + "1234567890,2024-05-01\n")
    return path


def test_it_writes_the_json_and_the_page_and_lists_the_rejected_row(
    population: Validated, monkeypatch: pytest.MonkeyPatch, cohort: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run(population, monkeypatch, cohort, out, "--running-costs", str(RUNNING_COSTS))
    assert result.exit_code == 0, result.output
    evaluation = json.loads((out / "evaluation.json").read_text())
    assert evaluation["format"] == "hiu-evaluation/2"
    assert (out / "evaluation.html").read_text().lstrip().lower().startswith("<!doctype html")
    rows = cohort.read_text().count("\n") - 1
    assert evaluation["cohort"]["rejected"] == [
        {
            "row": rows + 1,
            "column": "nhs_number",
            "reason": "is not a valid NHS number (10 digits with a correct check digit)",
        }
    ]
    assert "1234567890" not in result.output
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    # The terminal says whether the matched figure passed its checks, and every warning.
    verdict = "passed" if evaluation["diagnostics"]["ok"] else "FAILED"
    assert f"Matched comparison diagnostics: {verdict}" in result.output
    for warning in evaluation["diagnostics"]["warnings"]:
        assert warning["message"][:40] in " ".join(result.output.split())


def test_avoided_events_and_return_on_investment_follow_from_the_estimates(
    population: Validated, monkeypatch: pytest.MonkeyPatch, cohort: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run(population, monkeypatch, cohort, out, "--running-costs", "100000").exit_code == 0
    evaluation = json.loads((out / "evaluation.json").read_text())
    costs = evaluation["costs"]
    unit = {item["activity"]: item["unit_cost"] for item in costs["table"]["items"]}
    for method in ("naive", "matched"):
        result = evaluation[method]["12"]["ed_attendances"]
        observed = (result["after"] if method == "naive" else result["cohort"]["after"])["events"]
        avoided = costs["by_method"][method]["12"]["ed_attendances"]
        expected = observed / (1 + result["estimate"]) - observed
        assert avoided["avoided_events"] == pytest.approx(expected, rel=1e-5, abs=0.01)
        assert avoided["avoided_cost"] == pytest.approx(
            expected * unit["ed_attendances"], rel=1e-5, abs=1
        )
        total = costs["by_method"][method]["12"]["total_avoided_cost"]
        assert costs["roi"][method] == pytest.approx((total - 100_000) / 100_000, abs=1e-4)
    assert costs["running_costs"] == {"amount": 100_000.0, "period": "12 months"}
    # The naive before/after claims savings where the true effect is nothing.
    assert costs["by_method"]["naive"]["12"]["ed_attendances"]["avoided_events"] > 0


def test_the_same_inputs_and_seed_give_the_same_bytes_and_another_seed_does_not(
    population: Validated, monkeypatch: pytest.MonkeyPatch, cohort: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run(population, monkeypatch, cohort, out).exit_code == 0
    first = (out / "evaluation.json").read_bytes()
    assert run(population, monkeypatch, cohort, out).exit_code == 0
    assert (out / "evaluation.json").read_bytes() == first
    other = tmp_path / "other"
    assert run(population, monkeypatch, cohort, other, "--seed", "7").exit_code == 0
    assert (other / "evaluation.json").read_bytes() != first


def test_an_unreadable_cohort_file_writes_nothing_and_exits_2(
    population: Validated, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("nhs_number,when\n9434765919,2024-01-01\n")
    out = tmp_path / "out"
    result = run(population, monkeypatch, cohort, out)
    assert result.exit_code == 2
    assert "has no engaged_date column" in result.output
    assert not out.exists()
