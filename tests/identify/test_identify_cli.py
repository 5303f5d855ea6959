"""``hiu identify`` as an analyst runs it: a real store, real files written and read back."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from hiu.cli import app
from hiu.identify.listing import LIST_COLUMNS
from hiu.identify.table_one import BANDS, table_one
from hiu.ingest.pipeline import import_file
from hiu.store.store import Store

Run = Callable[..., Result]
KEY = "a-test-key-that-is-long-enough-1234567890"
AS_OF = date(2024, 6, 30)


def nhs_number(base: int) -> str:
    """A valid NHS number (Modulus 11) from a 9-digit base, skipping bases with no check digit."""
    while True:
        digits = f"{base:09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
        base += 1


ADULT = nhs_number(943476591)
SECOND = nhs_number(943476600)
CHILD = nhs_number(943476610)
GONE = nhs_number(943476620)


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """ADULT: 5 attendances in June (the 5th on 20 June) and a planned follow-up; SECOND: 6 in
    June; CHILD: 5 in June but 16 years old; GONE: listed last quarter only."""
    data = tmp_path / "data"
    monkeypatch.setenv("HIU_DATA_DIR", str(data))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("HIU_PSEUDONYM_KEY", raising=False)
    store = Store.in_data_dir(data)
    people = _csv(
        tmp_path / "people.csv",
        "nhs_number,given_name,family_name,date_of_birth,phone",
        [
            f"{ADULT},=HYPERLINK(1),Adams,1980-01-01,07700 900001",
            f"{SECOND},Bea,Brown,1970-05-05,07700 900002",
            f"{CHILD},Cal,Cole,2008-01-01,07700 900003",
            f"{GONE},Dee,Dunn,1960-01-01,07700 900004",
        ],
    )
    rows = []
    for number, days in (
        (ADULT, [1, 5, 10, 15, 20]),
        (SECOND, [2, 3, 4, 5, 6, 7]),
        (CHILD, [1, 2, 3, 4, 5]),
    ):
        for index, day in enumerate(days):
            rows.append(f"{number}-{index},{number},2024-06-{day:02d}T10:00,RXX01,1,1")
    rows.append(f"{ADULT}-planned,{ADULT},2024-06-25T09:00,RXX01,4,1")
    attendances = _csv(
        tmp_path / "ed.csv",
        "attendance_id,nhs_number,arrival_datetime,site_code,attendance_category,department_type",
        rows,
    )
    for kind, path in (("people", people), ("ed_attendances", attendances)):
        result = import_file(store, kind, path, imported_by="test")
        assert result.exit_code == 0
    return store


@pytest.fixture
def run() -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


def identify(run: Run, out: Path, *extra: str, rules: str = "hackney") -> Result:
    return run(
        "identify", "--rules", rules, "--as-of", AS_OF.isoformat(), "--out", str(out), *extra
    )


def test_a_csv_list_has_the_agreed_columns_in_rank_order(
    store: Store, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "list.csv"
    result = identify(run, out, rules="hackney")
    assert result.exit_code == 0, result.output
    listed = pl.read_csv(out, infer_schema=False)
    assert tuple(listed.columns) == LIST_COLUMNS
    # One service each; SECOND's 6 attendances are further over hackney's 5 than ADULT's.
    assert listed["nhs_number"].to_list() == [SECOND, ADULT]
    assert listed["intensity"].to_list() == ["1.2", "1.0"]
    first = listed.row(1, named=True)
    assert first["eligibility_date"] == "2024-06-20"
    assert first["ed_30d"] == "5"  # the planned follow-up does not count
    # A name a spreadsheet would run as a formula is escaped.
    assert first["given_name"] == "'=HYPERLINK(1)"
    assert "Listed" in result.output


def test_an_xlsx_list_has_its_four_sheets_with_numbers_as_numbers(
    store: Store, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "list.xlsx"
    assert identify(run, out, rules="hackney").exit_code == 0
    listed = pl.read_excel(out, sheet_name="List")
    assert listed["ed_30d"].dtype.is_integer()
    assert listed["eligibility_date"].dtype == pl.Date
    attendances = pl.read_excel(out, sheet_name="Attendances")
    adult = attendances.filter(pl.col("nhs_number").cast(pl.String) == ADULT)
    assert adult.height == 6
    assert adult["counted"].to_list().count(False) == 1  # the planned follow-up
    excluded = pl.read_excel(out, sheet_name="Excluded")
    assert excluded["reasons"].to_list() == ["aged 16, under 18"]
    about = dict(pl.read_excel(out, sheet_name="About").iter_rows())
    assert about["As-of date"] == AS_OF.isoformat()
    assert about["Listed"] == "2"


def test_top_n_keeps_the_first(store: Store, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    result = identify(run, out, "--top", "1", rules="hackney")
    assert result.exit_code == 0
    assert pl.read_csv(out).height == 1
    assert "below the top N" in result.output


def test_pseudonymising_without_a_key_writes_nothing(
    store: Store, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "list.csv"
    result = identify(run, out, "--pseudonymise", rules="hackney")
    assert result.exit_code == 2
    assert "HIU_PSEUDONYM_KEY is not set" in result.output
    assert not out.exists()


def test_a_pseudonymised_list_holds_no_identifier(
    store: Store, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIU_PSEUDONYM_KEY", KEY)
    out = tmp_path / "list.xlsx"
    assert identify(run, out, "--pseudonymise", rules="hackney").exit_code == 0
    expected = hmac.new(KEY.encode(), SECOND.encode(), hashlib.sha256).hexdigest()[:32]
    for sheet in ("List", "Attendances", "Excluded"):
        frame = pl.read_excel(out, sheet_name=sheet)
        assert "nhs_number" not in frame.columns
        assert not {"given_name", "family_name", "date_of_birth", "age", "phone"} & set(
            frame.columns
        )
        text = frame.write_csv()
        for number in (ADULT, SECOND, CHILD):
            assert number not in text
    assert pl.read_excel(out, sheet_name="List")["pseudonym"][0] == expected


def test_diff_marks_new_continuing_and_dropped(store: Store, run: Run, tmp_path: Path) -> None:
    previous = _csv(
        tmp_path / "earlier.csv", "priority_rank,nhs_number", [f"1,{GONE}", f"2,{SECOND}"]
    )
    out = tmp_path / "list.csv"
    result = identify(run, out, "--diff", str(previous), rules="hackney")
    assert result.exit_code == 0, result.output
    marked = pl.read_csv(out, infer_schema=False)
    marks = dict(zip(marked["nhs_number"], marked["mark"], strict=True))
    assert marks == {ADULT: "new", SECOND: "continuing", GONE: "dropped"}
    assert marked.filter(pl.col("nhs_number") == SECOND)["previous_rank"].to_list() == ["2"]
    assert marked["mark"].to_list()[-1] == "dropped"  # dropped people come after the list


def test_diff_of_a_pseudonymised_list_against_a_plain_one(
    store: Store, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIU_PSEUDONYM_KEY", KEY)
    plain = tmp_path / "plain.csv"
    assert identify(run, plain, rules="hackney").exit_code == 0
    hidden = tmp_path / "hidden.csv"
    assert (
        identify(run, hidden, "--pseudonymise", "--diff", str(plain), rules="hackney").exit_code
        == 0
    )
    assert set(pl.read_csv(hidden)["mark"]) == {"continuing"}
    # The other way round cannot work: a pseudonym cannot be turned back into an NHS number.
    result = identify(run, tmp_path / "again.csv", "--diff", str(hidden), rules="hackney")
    assert result.exit_code == 2
    assert "earlier list is pseudonymised" in result.output


def test_an_earlier_list_without_identifiers_is_refused(
    store: Store, run: Run, tmp_path: Path
) -> None:
    previous = _csv(tmp_path / "earlier.csv", "rank,name", ["1,someone"])
    result = identify(run, tmp_path / "list.csv", "--diff", str(previous), rules="hackney")
    assert result.exit_code == 2
    assert "neither an nhs_number nor a pseudonym column" in result.output


def test_a_malformed_rule_file_names_its_line(store: Store, run: Run, tmp_path: Path) -> None:
    rules = tmp_path / "ours.toml"
    rules.write_text('title = "x"\nsource = "y"\n[list]\nperiod_days = "30"\n')
    result = identify(run, tmp_path / "list.csv", rules=str(rules))
    assert result.exit_code == 2
    assert "line 4, key list.period_days" in result.output


@pytest.mark.parametrize("argument", ["--as-of", "--out"])
def test_bad_dates_and_file_types_are_refused(
    store: Store, run: Run, tmp_path: Path, argument: str
) -> None:
    as_of = "30/06/2024" if argument == "--as-of" else AS_OF.isoformat()
    out = tmp_path / ("list.txt" if argument == "--out" else "list.csv")
    result = run("identify", "--rules", "hackney", "--as-of", as_of, "--out", str(out))
    assert result.exit_code == 2
    assert not out.exists()


def test_table_one_puts_each_person_in_one_band(store: Store, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    result = identify(run, out, "--table-one", rules="hackney")
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    people = table.filter(pl.col("measure") == "People")
    assert people["total"].to_list() == [3, 0, 0]  # ADULT 5, SECOND 6, CHILD 5 (all ages)
    attendances = table.filter(pl.col("measure") == "Attendances").row(0, named=True)
    assert (attendances["minimum"], attendances["maximum"], attendances["total"]) == (5, 6, 16)


@given(st.lists(st.integers(min_value=5, max_value=60), max_size=40))
def test_table_one_bands_are_contiguous(counts: list[int]) -> None:
    people = pl.DataFrame(
        {
            "nhs_number": list(range(len(counts))),
            "attendances": counts,
            "admissions": [0] * len(counts),
            "bed_days": [0] * len(counts),
        },
        schema={name: pl.Int64 for name in ("nhs_number", "attendances", "admissions", "bed_days")},
    )
    table = table_one(people)
    banded = table.filter(pl.col("measure") == "People")["total"].sum()
    assert banded == len(counts)
    totals = table.filter(pl.col("measure") == "Attendances")["total"].sum()
    assert totals == sum(counts)
    for label, low, high in BANDS:
        row = table.filter((pl.col("band") == label) & (pl.col("measure") == "Attendances"))
        minimum = row["minimum"][0]
        if minimum is not None:
            assert minimum >= low
            assert high is None or row["maximum"][0] <= high


def test_the_eligibility_date_is_the_day_the_count_is_reached(
    store: Store, run: Run, tmp_path: Path
) -> None:
    # One day earlier, ADULT has 4 attendances in June's first 19 days: not yet eligible.
    out = tmp_path / "list.csv"
    day_before = (date(2024, 6, 20) - timedelta(days=1)).isoformat()
    result = run("identify", "--rules", "hackney", "--as-of", day_before, "--out", str(out))
    assert result.exit_code == 0
    assert ADULT not in pl.read_csv(out, infer_schema=False)["nhs_number"].to_list()


def test_an_xlsx_list_stages_nothing_in_the_temporary_folder(
    store: Store, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    staged: list[str] = []
    real = tempfile.mkstemp

    def spy(*args: object, **kwargs: object) -> tuple[int, str]:
        handle, name = real(*args, **kwargs)  # type: ignore[call-overload]
        staged.append(name)
        return handle, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    assert identify(run, tmp_path / "list.xlsx", rules="hackney").exit_code == 0
    assert staged == []
