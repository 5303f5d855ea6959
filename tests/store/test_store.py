"""The activity store through the importer: atomic batches, replacement, re-imports, timelines."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.pipeline import import_file
from hiu.store.store import Store

NOW = datetime(2026, 11, 23, 12, 0)
GOOD = ("9434765919", "9990001006")  # valid Modulus 11 numbers
ED_HEADER = "attendance_id,nhs_number,arrival_datetime,departure_datetime,site_code"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(store: Store, kind: str, path: Path, **kwargs: object) -> object:
    return import_file(store, kind, path, imported_by="tester", now=NOW, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def _ed_rows(store: Store) -> pl.DataFrame:
    path = store.table_path("ed_attendances")
    assert path is not None
    return pl.read_parquet(path).sort("attendance_id")


def test_it_imports_a_synthetic_extract_and_counts_every_row(store: Store, synthetic: Path) -> None:
    result = import_file(
        store, "ed_attendances", synthetic / "ed_attendances.csv", imported_by="t", now=NOW
    )
    lines = (synthetic / "ed_attendances.csv").read_text().count("\n") - 1
    assert result.manifest.rows_read == lines
    assert result.manifest.accepted == lines
    assert result.manifest.rejected == 0
    assert result.exit_code == 0
    assert store.row_counts()["ed_attendances"] == lines
    assert [m.batch_id for m in store.batches()] == [1]


def test_it_changes_nothing_when_the_same_file_comes_again(store: Store, synthetic: Path) -> None:
    path = synthetic / "nhs111_calls.csv"
    first = import_file(store, "nhs111_calls", path, imported_by="t", now=NOW)
    state = store.state_path.read_bytes()
    table = store.table_path("nhs111_calls")
    again = import_file(store, "nhs111_calls", path, imported_by="someone else", now=NOW)
    assert again.already_imported
    assert again.manifest == first.manifest
    assert store.state_path.read_bytes() == state
    assert store.table_path("nhs111_calls") == table
    assert again.exit_code == 0


def test_a_record_sent_again_with_the_same_id_replaces_the_old_one(
    store: Store, tmp_path: Path
) -> None:
    _write(
        tmp_path / "march.csv",
        [
            ED_HEADER,
            f"A1,{GOOD[0]},2024-03-01T10:00,2024-03-01T12:00,RXH01",
            f"A2,{GOOD[0]},2024-03-02T10:00,2024-03-02T12:00,RXH01",
        ],
    )
    # April's extract overlaps March's: A2 is corrected (and moved to another person), A3 is new.
    _write(
        tmp_path / "april.csv",
        [
            ED_HEADER,
            f"A2,{GOOD[1]},2024-03-02T10:00,2024-03-02T15:00,RXH02",
            f"A3,{GOOD[1]},2024-04-02T10:00,2024-04-02T12:00,RXH01",
        ],
    )
    _import(store, "ed_attendances", tmp_path / "march.csv")
    april = import_file(store, "ed_attendances", tmp_path / "april.csv", imported_by="t", now=NOW)
    assert (april.manifest.accepted, april.manifest.replaced, april.manifest.added) == (2, 1, 1)
    rows = _ed_rows(store)
    assert rows["attendance_id"].to_list() == ["A1", "A2", "A3"]
    assert rows.filter(pl.col("attendance_id") == "A2")["site_code"].to_list() == ["RXH02"]
    assert rows["_batch"].to_list() == [1, 2, 2]
    # The corrected record left the first person's timeline and joined the second's.
    assert store.timeline(GOOD[0]).events["ed_attendances"]["attendance_id"].to_list() == ["A1"]
    assert store.timeline(GOOD[1]).events["ed_attendances"]["attendance_id"].to_list() == [
        "A2",
        "A3",
    ]


def test_it_quarantines_every_row_of_a_duplicated_id_with_the_reason(
    store: Store, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "dupes.csv",
        [
            ED_HEADER,
            f"A1,{GOOD[0]},2024-03-01T10:00,,RXH01",
            f"A2,{GOOD[0]},2024-03-02T10:00,,RXH01",
            f"A1,{GOOD[1]},2024-03-03T10:00,,RXH01",
        ],
    )
    result = import_file(store, "ed_attendances", path, imported_by="t", now=NOW)
    assert (result.manifest.accepted, result.manifest.rejected) == (1, 2)
    assert result.exit_code == 1
    reason = "attendance_id: the same identifier is on more than one row of this file"
    assert result.manifest.reasons == {reason: 2}
    assert result.quarantine is not None
    with result.quarantine.open(encoding="utf-8") as handle:
        quarantined = list(csv.DictReader(handle))
    assert [row["quarantine_row"] for row in quarantined] == ["2", "4"]
    assert {row["quarantine_reasons"] for row in quarantined} == {reason}
    assert [row["nhs_number"] for row in quarantined] == [GOOD[0], GOOD[1]]


def test_its_quarantine_file_keeps_the_files_headers_escapes_formulas_and_can_be_reimported(
    store: Store, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "bad.csv",
        [
            "Attendance ID,NHS Number,Arrival Datetime,Site Code,Notes",
            f"A1,{GOOD[0]},2024-03-01T10:00,RXH01,ok",
            'A2,9434765918,2024-03-02T10:00,RXH01,"=HYPERLINK(""http://x"")"',
        ],
    )
    result = import_file(store, "ed_attendances", path, imported_by="t", now=NOW)
    assert result.quarantine is not None
    with result.quarantine.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "quarantine_row",
        "quarantine_reasons",
        "Attendance ID",
        "NHS Number",
        "Arrival Datetime",
        "Site Code",
        "Notes",
    ]
    assert rows[0]["quarantine_row"] == "3"
    assert rows[0]["Notes"] == '\'=HYPERLINK("http://x")'
    # The coordinator corrects the NHS number and imports the quarantine file as it is.
    fixed = result.quarantine.read_text(encoding="utf-8").replace("9434765918", GOOD[1])
    second = _write(tmp_path / "fixed.csv", fixed.splitlines())
    again = import_file(store, "ed_attendances", second, imported_by="t", now=NOW)
    assert (again.manifest.accepted, again.manifest.rejected) == (1, 0)
    assert "quarantine_row" not in pl.read_parquet(store.table_path("ed_attendances")).columns  # type: ignore[arg-type]


def test_an_unreadable_file_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.csv", [ED_HEADER, f"A1,{GOOD[0]},2024-03-01T10:00,,RXH01"])
    _import(store, "ed_attendances", good)
    state = store.state_path.read_bytes()
    missing = _write(tmp_path / "missing.csv", ["attendance_id,site_code", "A9,RXH01"])
    with pytest.raises(UnreadableFile, match="nhs_number"):
        _import(store, "ed_attendances", missing)
    assert store.state_path.read_bytes() == state
    assert not any(store.staging_dir.glob("*")) if store.staging_dir.exists() else True


def test_a_person_s_timeline_holds_their_events_of_every_kind_in_order(
    store: Store, synthetic: Path
) -> None:
    for kind in ("people", "ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions"):
        _import(store, kind, synthetic / f"{kind}.csv")
    ed = pl.read_csv(synthetic / "ed_attendances.csv", infer_schema=False)
    busiest = ed.group_by("nhs_number").len().sort(["len", "nhs_number"], descending=True)
    number = busiest["nhs_number"][0]
    timeline = store.timeline(number)
    assert timeline.person is not None
    assert timeline.person["nhs_number"] == number
    attendances = timeline.events["ed_attendances"]
    assert attendances.height == busiest["len"][0]
    assert attendances["arrival_datetime"].is_sorted()
    assert set(attendances["nhs_number"]) == {number}
    for kind in ("ambulance_incidents", "nhs111_calls", "admissions"):
        source = pl.read_csv(synthetic / f"{kind}.csv", infer_schema=False)
        assert timeline.events[kind].height == source.filter(pl.col("nhs_number") == number).height


def test_a_timeline_of_someone_unknown_is_empty(store: Store, synthetic: Path) -> None:
    _import(store, "ed_attendances", synthetic / "ed_attendances.csv")
    timeline = store.timeline("9434765919")
    assert timeline.person is None
    assert timeline.total == 0


def test_crash_leftovers_are_cleared_by_the_next_import(store: Store, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.csv", [ED_HEADER, f"A1,{GOOD[0]},2024-03-01T10:00,,RXH01"])
    _import(store, "ed_attendances", good)
    # What a crashed import leaves: a staging directory, an uncommitted batch and table.
    (store.staging_dir / "000002").mkdir(parents=True)
    (store.staging_dir / "000002" / "accepted-00001.parquet").write_bytes(b"partial")
    shutil.copytree(store.batch_dir(1), store.batch_dir(2))
    orphan = store.tables_dir / "ed_attendances" / "000002.parquet"
    orphan.write_bytes(b"partial")
    more = _write(tmp_path / "more.csv", [ED_HEADER, f"A2,{GOOD[0]},2024-03-02T10:00,,RXH01"])
    result = import_file(store, "ed_attendances", more, imported_by="t", now=NOW)
    assert result.manifest.batch_id == 2
    assert store.row_counts()["ed_attendances"] == 2
    assert not any(store.staging_dir.iterdir())
    assert [m.file_name for m in store.batches()] == ["more.csv", "good.csv"]


@pytest.mark.parametrize(
    "kind", ["people", "ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions"]
)
def test_every_synthetic_extract_passes_validation_whole(
    store: Store, synthetic: Path, kind: str
) -> None:
    result = import_file(store, kind, synthetic / f"{kind}.csv", imported_by="t", now=NOW)
    assert result.manifest.rejected == 0, result.manifest.reasons
    assert result.manifest.accepted == result.manifest.rows_read > 0


def test_its_duckdb_views_cover_every_kind_even_before_any_import(
    store: Store, synthetic: Path
) -> None:
    _import(store, "nhs111_calls", synthetic / "nhs111_calls.csv")
    connection = store.connect()
    try:
        calls = connection.execute("SELECT count(*) FROM nhs111_calls").fetchone()
        admissions = connection.execute("SELECT count(*) FROM admissions").fetchone()
    finally:
        connection.close()
    assert calls == (store.row_counts()["nhs111_calls"],)
    assert admissions == (0,)


def test_a_first_file_whose_every_row_is_rejected_makes_an_empty_table_and_keeps_the_rows(
    store: Store, tmp_path: Path
) -> None:
    # 9990000001 fails the Modulus 11 check: the only row is rejected.
    path = _write(tmp_path / "ed.csv", [ED_HEADER, "E1,9990000001,2026-01-01T10:00:00,,RQX01"])
    result = _import(store, "ed_attendances", path)
    assert result.manifest.accepted == 0  # type: ignore[attr-defined]
    assert result.manifest.rejected == 1  # type: ignore[attr-defined]
    assert store.row_counts()["ed_attendances"] == 0
    assert store.quarantine_path(result.manifest.batch_id) is not None  # type: ignore[attr-defined]
