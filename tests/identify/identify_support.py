"""Support for identification tests: every engine behind one interface, and activity written as
small text tables (as ehrQL's spec tests write patient data).

An engine here is a function ``(frames, rules, as_of, top) -> IdentifiedList``, where
``frames`` maps a store kind (``people``, ``ed_attendances``, ...) to a Polars frame with the
store's column types. Spec tests are parametrised over :data:`ENGINES`, so a new engine is
tested by adding it here.
"""

from __future__ import annotations

import atexit
import os
import shutil
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from hiu.identify.engines import DuckDBEngine, frames_connection, stored_schema
from hiu.identify.listing import IdentifiedList, identify
from hiu.identify.rules import RuleSet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Frames = Mapping[str, pl.DataFrame]
RunEngine = Callable[[Frames, RuleSet, date, "int | None"], IdentifiedList]


def run_duckdb(frames: Frames, rules: RuleSet, as_of: date, top: int | None) -> IdentifiedList:
    return identify(DuckDBEngine(frames_connection(frames)), rules, as_of, top=top)


def run_reference(frames: Frames, rules: RuleSet, as_of: date, top: int | None) -> IdentifiedList:
    from hiu.identify.reference import identify as reference_identify

    return reference_identify(frames, rules, as_of, top=top)


#: Spark settings for the tests' data, a few rows a table, where Spark's fixed costs are all
#: there is: one shuffle partition, no adaptive re-planning, expressions interpreted rather than
#: compiled to Java, no broadcast joins (each would be a job of its own). Together they halve
#: the time each spec test adds; none changes what a query means. ``test_spark`` runs the
#: shipped rule sets with Spark's own settings as well.
TINY_DATA = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.autoBroadcastJoinThreshold": "-1",
}
#: What those settings were before the tests changed them: Spark's own, as a real run has.
SPARK_OWN: dict[str, str] = {}


@cache
def spark_session() -> SparkSession:
    """One local Spark session for the whole test run (starting one takes seconds), made when
    a test first needs it and stopped when the run ends."""
    from hiu.identify.spark import local_session

    if not _java():
        raise RuntimeError("Java is missing in CI: .ci/run should have installed it.")
    spark = local_session("hiu-tests")
    for key, value in TINY_DATA.items():
        SPARK_OWN[key] = str(spark.conf.get(key))
        spark.conf.set(key, value)
    atexit.register(spark.stop)
    return spark


def run_spark(frames: Frames, rules: RuleSet, as_of: date, top: int | None) -> IdentifiedList:
    from hiu.identify.spark import SparkEngine

    return identify(SparkEngine.for_frames(spark_session(), frames), rules, as_of, top=top)


#: Spark runs in a JVM: without Java (``java`` on the path, or ``JAVA_HOME``) its tests are
#: left out, except in CI (CI=true), where .ci/run installs Java and its absence is an error.
def _java() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


SPARK_TESTED = _java() or os.environ.get("CI", "").lower() == "true"
NO_SPARK = "Java is not installed: the Spark engine is not tested (install openjdk-17-jre-headless)"

ENGINES: dict[str, RunEngine] = {
    "reference": run_reference,
    "duckdb": run_duckdb,
}
if SPARK_TESTED:
    ENGINES["spark"] = run_spark


def table(kind: str, text: str) -> pl.DataFrame:
    """A frame of ``kind`` from a text table: a header row of column names, then rows, cells
    split by ``|``; an empty cell is null. Columns not given are null; identifiers not given
    are numbered. Dates are ``YYYY-MM-DD``; date-times may be a bare date (taken as noon)."""
    schema = stored_schema(kind)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    header = [cell.strip() for cell in lines[0].split("|")]
    rows = [[cell.strip() for cell in line.split("|")] for line in lines[1:]]
    data: dict[str, list[object]] = {name: [] for name in schema}
    key = {
        "ed_attendances": "attendance_id",
        "ambulance_incidents": "incident_id",
        "nhs111_calls": "call_id",
        "admissions": "spell_id",
    }.get(kind)
    for number, row in enumerate(rows, start=1):
        assert len(row) == len(header), f"row {number} of a {kind} table has the wrong width"
        values = dict(zip(header, row, strict=True))
        for name, dtype in schema.items():
            cell = values.get(name, "")
            if name == key and not cell:
                cell = f"{kind}-{number}"
            data[name].append(_parse(cell, dtype))
    return pl.DataFrame(data, schema=schema)


def _parse(cell: str, dtype: object) -> object:
    if cell == "":
        return None
    if dtype == pl.Date:
        return date.fromisoformat(cell)
    if dtype == pl.Datetime("us"):
        if len(cell) == 10:
            return datetime.fromisoformat(cell + "T12:00:00")
        return datetime.fromisoformat(cell)
    if dtype == pl.Boolean:
        return cell.lower() == "true"
    if dtype == pl.Int8:
        return int(cell)
    return cell
