"""``hiu import`` and ``hiu store summary`` as a data coordinator runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hiu.cli import app
from hiu.ingest.cli import Kind
from hiu.schemas import KINDS

GOOD = "9434765919"
Run = Callable[..., Result]
HEADER = "call_id,nhs_number,call_datetime,disposition"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("HIU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables to the terminal width
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


def _file(tmp_path: Path, name: str, *rows: str) -> str:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_its_kinds_are_the_canonical_kinds() -> None:
    assert tuple(kind.value for kind in Kind) == KINDS


def test_it_exits_0_when_every_row_is_accepted_and_says_what_it_did(
    run: Run, tmp_path: Path
) -> None:
    path = _file(tmp_path, "calls.csv", f"C1,{GOOD},2024-01-01T10:00,pharmacy")
    result = run("import", "nhs111_calls", path)
    assert result.exit_code == 0, result.output
    assert "Imported calls.csv as batch 1" in result.output
    assert "Accepted" in result.output


def test_it_exits_1_when_rows_are_quarantined_and_never_prints_their_values(
    run: Run, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        "calls.csv",
        f"C1,{GOOD},2024-01-01T10:00,pharmacy",
        "C2,9434765918,2024-01-01T11:00,pharmacy",
    )
    result = run("import", "nhs111_calls", path)
    assert result.exit_code == 1, result.output
    assert "nhs_number: not a valid NHS number" in result.output
    assert "quarantine.csv" in result.output
    assert "9434765918" not in result.output


def test_it_exits_2_naming_the_missing_columns_when_the_file_cannot_be_read(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("call_id,when\nC1,2024-01-01\n", encoding="utf-8")
    result = run("import", "nhs111_calls", str(path))
    assert result.exit_code == 2
    assert "nhs_number" in result.output
    assert "Nothing was imported" in result.output


def test_it_exits_2_for_an_empty_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert run("import", "people", str(path)).exit_code == 2


def test_it_says_when_a_file_was_already_imported(run: Run, tmp_path: Path) -> None:
    path = _file(tmp_path, "calls.csv", f"C1,{GOOD},2024-01-01T10:00,pharmacy")
    assert run("import", "nhs111_calls", path).exit_code == 0
    again = run("import", "nhs111_calls", path)
    assert again.exit_code == 0
    assert "already imported as batch 1" in again.output


def test_store_summary_prints_rows_per_kind_and_batches_as_json(run: Run, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "calls.csv",
        f"C1,{GOOD},2024-01-01T10:00,pharmacy",
        f"C2,{GOOD},2024-01-02T10:00,dental",
    )
    run("import", "nhs111_calls", path)
    result = run("store", "summary", "--json")
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert summary["rows"]["nhs111_calls"] == 2
    assert summary["rows"]["ed_attendances"] == 0
    assert [b["file_name"] for b in summary["batches"]] == ["calls.csv"]
    table = run("store", "summary")
    assert "nhs111_calls" in table.output
    assert "calls.csv" in table.output


def test_a_profile_error_keeps_its_square_brackets(run: Run, tmp_path: Path) -> None:
    # Profile messages name tables such as [columns]; rich must not take them as markup.
    profile = tmp_path / "ours.toml"
    profile.write_text('[columns]\n"Patient" = "no_such_column"\n', encoding="utf-8")
    path = _file(tmp_path, "calls.csv", f"C1,{GOOD},2024-01-01T10:00,pharmacy")
    result = run("import", "nhs111_calls", path, "--profile", str(profile))
    assert result.exit_code == 2
    assert "[columns]" in result.output
