"""The Spark engine: the same lists as DuckDB from the same store files, the same calendar day
from a naive time whatever the session's time zone, and a clear message without PySpark.

The spec tests run on Spark too (``identify_support.ENGINES``), on in-memory frames; here Spark
reads the store's Parquet files, as a real run does.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from identify_support import NO_SPARK, SPARK_OWN, SPARK_TESTED, spark_session, table
from polars.testing import assert_frame_equal
from spec_support import rule_set

from hiu.identify.engines import DuckDBEngine
from hiu.identify.listing import identify
from hiu.identify.query import compile_plan
from hiu.identify.rules import RuleSet, shipped_rule_sets
from hiu.identify.spark import SparkEngine, translate
from hiu.ingest.pipeline import import_file
from hiu.schemas import KINDS
from hiu.store.store import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SHIPPED = {rules.name: rules for rules in shipped_rule_sets()}
NOW = datetime(2025, 1, 31, 12, 0)


@contextmanager
def settings(spark: SparkSession, values: Mapping[str, str]) -> Iterator[None]:
    before = {key: str(spark.conf.get(key)) for key in values}
    for key, value in values.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            spark.conf.set(key, value)


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    if not SPARK_TESTED:
        pytest.skip(NO_SPARK)
    return spark_session()


@pytest.fixture(scope="module")
def store(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The synthetic health economy, imported as a site would import it."""
    store = Store(tmp_path_factory.mktemp("spark-store") / "store")
    for kind in KINDS:
        result = import_file(store, kind, synthetic / f"{kind}.csv", imported_by="test", now=NOW)
        assert result.manifest.rejected == 0, kind
    return store


def _same_lists(spark: SparkSession, store: Store, rules: RuleSet, as_of: date) -> None:
    expected = identify(DuckDBEngine.for_store(store), rules, as_of)
    found = identify(SparkEngine.for_store(spark, store), rules, as_of)
    assert found.engine == "spark"
    assert_frame_equal(found.listed, expected.listed)
    assert_frame_equal(found.excluded, expected.excluded)
    assert found.below_cut == expected.below_cut


@pytest.mark.parametrize("as_of", [date(2024, 6, 30), date(2024, 12, 31)])
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_spark_lists_what_duckdb_lists_from_the_store(
    spark: SparkSession, store: Store, name: str, as_of: date
) -> None:
    _same_lists(spark, store, SHIPPED[name], as_of)


@pytest.mark.parametrize("name", ["hackney", "lewisham"])
def test_and_with_sparks_own_settings(spark: SparkSession, store: Store, name: str) -> None:
    """Adaptive execution, generated code, broadcast joins and several partitions, as a real run
    has (the tests' session turns them off for speed): the rule sets with the most steps. Each
    takes tens of seconds on a small machine, so not every rule set is run this way."""
    with settings(spark, SPARK_OWN):
        _same_lists(spark, store, SHIPPED[name], date(2024, 12, 31))


def test_the_synthetic_store_gives_the_comparison_something_to_compare(store: Store) -> None:
    found = [
        identify(DuckDBEngine.for_store(store), rules, date(2024, 12, 31))
        for rules in SHIPPED.values()
    ]
    assert sum(result.listed.height for result in found) > 0
    assert sum(result.excluded.height for result in found) > 0


def test_kinds_missing_from_the_store_are_empty(
    spark: SparkSession, synthetic: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    import_file(
        store, "ed_attendances", synthetic / "ed_attendances.csv", imported_by="test", now=NOW
    )
    rules = SHIPPED["hackney"]
    expected = identify(DuckDBEngine.for_store(store), rules, date(2024, 12, 31))
    found = identify(SparkEngine.for_store(spark, store), rules, date(2024, 12, 31))
    assert expected.excluded.height > 0  # nobody is in the people extract
    assert_frame_equal(found.listed, expected.listed)
    assert_frame_equal(found.excluded, expected.excluded)


# A day's events, just inside and just outside the day: a time zone applied to these naive
# times would move one of them into the neighbouring day.
LATE_AND_EARLY = """
    [list]
    period_days = 1

    [[thresholds]]
    name = "any_ed"
    service = "ed"
    at_least = 1
    window = "period"
"""
AS_OF = date(2024, 3, 10)
ARRIVALS = [
    ("A1", "9434765919", "2024-03-10T23:30"),  # the as-of date: counts
    ("A2", "9434765919", "2024-03-11T00:30"),  # the day after: does not count
    ("A3", "9990001006", "2024-03-09T23:30"),  # the day before the period: not met
]


def _met_and_counts(engine: SparkEngine | DuckDBEngine, rules: RuleSet) -> list[tuple[object, ...]]:
    evaluation = engine.evaluate(compile_plan(rules, AS_OF))
    return (
        evaluation.met.join(evaluation.activity, on="nhs_number", how="left")
        .select("nhs_number", "first_met", "ed_30d")
        .sort("nhs_number")
        .rows()
    )


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_an_event_counts_on_the_day_written_whatever_the_session_time_zone(
    spark: SparkSession, tmp_path: Path, zone: str
) -> None:
    rules = rule_set(tmp_path, LATE_AND_EARLY)
    extract = tmp_path / "ed.csv"
    lines = ["attendance_id,nhs_number,arrival_datetime,site_code"]
    lines += [f"{key},{number},{arrival},RXH01" for key, number, arrival in ARRIVALS]
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(tmp_path / "store")
    import_file(store, "ed_attendances", extract, imported_by="test", now=NOW)
    frames = {
        "ed_attendances": table(
            "ed_attendances",
            "nhs_number | arrival_datetime\n"
            + "\n".join(f"{number} | {arrival}" for _, number, arrival in ARRIVALS),
        )
    }
    expected = [(9434765919, AS_OF, 1)]
    assert _met_and_counts(DuckDBEngine.for_store(store), rules) == expected
    with settings(spark, {"spark.sql.session.timeZone": zone}):
        assert _met_and_counts(SparkEngine.for_store(spark, store), rules) == expected
        assert _met_and_counts(SparkEngine.for_frames(spark, frames), rules) == expected


def test_frames_keep_their_types(spark: SparkSession) -> None:
    people = table(
        "people",
        """
        nhs_number | date_of_birth | care_home | imd_decile
        9434765919 | 1960-02-29    | true      | 3
        """,
    )
    engine = SparkEngine.for_frames(spark, {"people": people})
    source = engine._sources["people"](spark)
    types = dict(source.dtypes)
    assert types["date_of_birth"] == "date"
    assert types["care_home"] == "boolean"
    assert types["imd_decile"] == "tinyint"
    assert types["nhs_number"] == "string"
    empty = dict(engine._sources["ed_attendances"](spark).dtypes)
    assert empty["arrival_datetime"] == "timestamp_ntz"


def test_every_step_of_every_shipped_plan_translates() -> None:
    for rules in SHIPPED.values():
        for step in compile_plan(rules, date(2024, 12, 31)).steps:
            sql = translate(step.sql)
            assert "DATE '" not in sql  # literals become casts Spark reads the same way
            assert sql.strip()


def test_without_pyspark_the_message_says_to_install_the_extra() -> None:
    """In a fresh interpreter where PySpark cannot be imported: the module still imports, and
    making a session or an engine says what to install."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["pyspark"] = None  # as if it were not installed
        import hiu.identify.spark as spark
        for attempt in (spark.local_session, lambda: spark.SparkEngine.for_frames(None, {})):
            try:
                attempt()
            except spark.SparkUnavailable as error:
                assert isinstance(error, ImportError)
                print(error)
            else:
                raise SystemExit("no error")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    messages = done.stdout.splitlines()
    assert len(messages) == 2
    for message in messages:
        assert "pip install 'hiu[spark]'" in message
        assert "Java 17" in message


def test_results_come_back_as_polars(spark: SparkSession) -> None:
    rules = SHIPPED["rightcare"]
    evaluation = SparkEngine.for_frames(spark, {}).evaluate(compile_plan(rules, date(2024, 12, 31)))
    assert isinstance(evaluation.met, pl.DataFrame)
    assert evaluation.met.schema["first_met"] == pl.Date
    assert evaluation.people.schema["care_home"] == pl.Boolean
    assert evaluation.met.height == 0
