"""``hiu report``: the installed command writes a service's report from the casework database
in each format, and on any error says why, exits 2 and writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from hiu.console import app
from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.reports import services

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def on_a_fixed_day(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 10, 15))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the report goes: a folder of its own (the data directory is in tmp_path too)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def run() -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, ["report", *args])

    return invoke


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("file_format", ["pdf", "xlsx", "html"])
def test_it_writes_the_report_in_each_format(
    run: Run, service: Service, folder: Path, file_format: str
) -> None:
    out = folder / f"report.{file_format}"
    result = run("--period", "2026Q3", "--format", file_format, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    assert "July to September 2026 (2026Q3)" in result.output
    content = out.read_bytes()
    if file_format == "pdf":
        assert content.startswith(b"%PDF-")
    elif file_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        assert workbook.sheetnames[0] == "Contents"
        assert len(workbook.sheetnames) > 2
    else:
        assert "Riverside HIU" in content.decode()
        assert content.decode().lstrip().lower().startswith("<!doctype html")
    assert _files(folder) == [out.name]  # no temporary file left beside it
    event = AuditEvent.objects.get(action=Action.DOWNLOAD_REPORT)
    assert event.actor is None
    assert event.actor_username.endswith("(command line)")
    assert event.detail == {"period": "2026Q3", "format": file_format, "version": "draft"}


def test_a_year_is_a_period_too(run: Run, service: Service, folder: Path) -> None:
    out = folder / "2025.xlsx"
    result = run("--period", "2025", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "January to December 2025 (2025)" in result.output


@pytest.mark.parametrize("period", ["2026Q5", "Q3 2026", "26"])
def test_a_bad_period_writes_nothing(run: Run, service: Service, folder: Path, period: str) -> None:
    out = folder / "report.pdf"
    result = run("--period", period, "--format", "pdf", "--out", str(out))
    assert result.exit_code == 2
    assert f"{period!r} is not a period: give a calendar quarter as YEARQn" in result.output
    assert _files(folder) == []


def test_a_bad_format_writes_nothing(run: Run, service: Service, folder: Path) -> None:
    result = run("--period", "2026Q3", "--format", "docx", "--out", str(folder / "r.docx"))
    assert result.exit_code == 2
    assert _files(folder) == []


def test_an_unknown_service_writes_nothing_and_leaves_an_earlier_file_alone(
    run: Run, service: Service, folder: Path
) -> None:
    out = folder / "report.pdf"
    out.write_bytes(b"last quarter's report")
    result = run("--period", "2026Q3", "--format", "pdf", "--out", str(out), "--service", "Nope")
    assert result.exit_code == 2
    assert "No service is called 'Nope'." in result.output
    assert out.read_bytes() == b"last quarter's report"
    assert _files(folder) == ["report.pdf"]


def test_with_two_services_one_must_be_named(
    run: Run, service: Service, other_service: Service, folder: Path
) -> None:
    out = folder / "report.html"
    result = run("--period", "2026Q3", "--format", "html", "--out", str(out))
    assert result.exit_code == 2
    assert "The database holds 2 services: name one with --service." in result.output
    assert service.name not in result.output  # the message lists none of the data
    assert other_service.name not in result.output
    assert _files(folder) == []

    named = run(
        "--period", "2026Q3", "--format", "html", "--out", str(out), "--service", "Hillside HIU"
    )
    assert named.exit_code == 0, named.output
    assert "Hillside HIU" in out.read_text()


def test_with_no_service_there_is_nothing_to_report(run: Run, db: object, folder: Path) -> None:
    result = run("--period", "2026Q3", "--format", "pdf", "--out", str(folder / "r.pdf"))
    assert result.exit_code == 2
    assert "The database holds no service yet." in result.output
    assert _files(folder) == []


def test_a_folder_that_does_not_exist_is_named(run: Run, service: Service, folder: Path) -> None:
    out = folder / "missing" / "report.pdf"
    result = run("--period", "2026Q3", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not out.parent.exists()
