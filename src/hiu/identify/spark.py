"""Identification on Apache Spark: the plan DuckDB runs, translated by sqlglot.

Each step of ``hiu.identify.query``'s plan is written in DuckDB's dialect; here sqlglot
translates it to Spark SQL and Spark runs it, so there is still one definition of who is
identified (DESIGN §4). Only the four small results (``Plan.RESULTS``) come back to Python, as
Polars frames, and the list is built from them exactly as after DuckDB.

PySpark is an optional extra (``pip install 'hiu[spark]'``, with Java 17 or later): this
module imports it only when a session or an engine is made, and says how to install it when
it is missing.

Timestamps are read as ``TIMESTAMP_NTZ`` (the store's Parquet timestamps are naive local
times), so ``CAST(... AS DATE)`` gives the calendar day written in the extract whatever the
session's time zone, as in DuckDB.

An engine registers its sources (one temporary view per kind, named by kind) and each step
(a temporary view named by the step) in the session it is given, and drops them all when the
evaluation ends: do not evaluate two plans on one session at the same time, and expect views
of those names to be replaced.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlglot

from hiu.identify.engines import Evaluation, conform, store_parquet_paths, stored_schema
from hiu.identify.query import Plan
from hiu.schemas import KINDS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

    from hiu.store.store import Store

INSTALL_HINT = (
    "Identification on Apache Spark needs PySpark, an optional extra of hiu: install it with "
    "`pip install 'hiu[spark]'` (Spark also needs Java 17 or later)."
)

#: A kind's rows as a Spark DataFrame in a given session: made at each evaluation.
Source = Callable[["SparkSession"], "DataFrame"]


class SparkUnavailable(ImportError):
    """PySpark is not installed: the ``spark`` extra is needed."""


def _require_pyspark() -> None:
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as error:
        raise SparkUnavailable(f"{INSTALL_HINT} ({error})") from error


def translate(sql: str) -> str:
    """One step's SQL, from DuckDB's dialect to Spark's."""
    [statement] = sqlglot.transpile(
        sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE
    )
    return statement


def local_session(
    app_name: str = "hiu", *, cores: int = 2, partitions: int = 4, memory: str = "1g"
) -> SparkSession:
    """A Spark session on this machine (``local[cores]``), for tests and small runs.

    Few shuffle partitions (a national run wants many more, on a cluster), no web UI or
    progress bars, errors only in the log, the driver bound to the loopback interface, and
    the session's clock in UTC. If this process already has a Spark session, that one is
    returned, with these settings applied where Spark allows it.
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    builder: Any = SparkSession.builder
    builder = (
        builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.driver.memory", memory)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_log_config()}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(cores))
        .config("spark.sql.session.timeZone", "UTC")
    )
    with warnings.catch_warnings():
        # PySpark 4.x warns, once, that it has not been tested with pandas 3; it does not use
        # pandas here (results come back through Arrow).
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        spark: SparkSession = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


#: Spark's log: errors only, to standard error (Spark's own default is every warning).
LOG_CONFIG = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
# PySpark's gateway counts as Spark's shell, whose level would otherwise be warnings.
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _log_config() -> Path:
    path = Path(tempfile.gettempdir()) / "hiu-spark-log4j2.properties"
    if not path.exists() or path.read_text(encoding="utf-8") != LOG_CONFIG:
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(LOG_CONFIG, encoding="utf-8")
        partial.replace(path)
    return path


class SparkEngine:
    """Runs the plan on a Spark session whose sources are the store's tables (or frames)."""

    name = "spark"

    def __init__(self, spark: SparkSession, sources: Mapping[str, Source]) -> None:
        _require_pyspark()
        self._spark = spark
        self._sources = dict(sources)

    @classmethod
    def for_store(cls, spark: SparkSession, store: Store) -> SparkEngine:
        """Each kind's Parquet table; kinds the store has not seen are empty, of the right
        columns and types."""
        _require_pyspark()
        paths = store_parquet_paths(store)
        sources: dict[str, Source] = {}
        for kind in KINDS:
            path = paths.get(kind)
            if path is None:
                sources[kind] = _frame_source(pl.DataFrame(schema=stored_schema(kind)))
            else:
                sources[kind] = _parquet_source(path, _struct(stored_schema(kind)))
        return cls(spark, sources)

    @classmethod
    def for_frames(cls, spark: SparkSession, frames: Mapping[str, pl.DataFrame]) -> SparkEngine:
        """In-memory Polars frames, keeping their types; missing kinds are empty."""
        _require_pyspark()
        sources: dict[str, Source] = {}
        for kind in KINDS:
            frame = frames.get(kind)
            if frame is None:
                frame = pl.DataFrame(schema=stored_schema(kind))
            sources[kind] = _frame_source(frame)
        return cls(spark, sources)

    def evaluate(self, plan: Plan) -> Evaluation:
        spark = self._spark
        with self._views() as register:
            for kind, source in self._sources.items():
                register(kind, source(spark), False)
            reads = _reads(plan)
            for step in plan.steps:
                # A step read more than once is cached (lazily: by the first query that reads
                # it), so it is computed once however many later steps read it.
                register(step.name, spark.sql(translate(step.sql)), reads[step.name] > 1)
            results = {name: conform(name, _to_polars(spark.table(name))) for name in Plan.RESULTS}
        return Evaluation(**results)

    @contextmanager
    def _views(self) -> Iterator[Callable[[str, DataFrame, bool], None]]:
        registered: list[tuple[str, DataFrame, bool]] = []

        def register(name: str, frame: DataFrame, cache: bool) -> None:
            if cache:
                frame = frame.persist()
            frame.createOrReplaceTempView(name)
            registered.append((name, frame, cache))

        try:
            yield register
        finally:
            for name, frame, cache in reversed(registered):
                self._spark.catalog.dropTempView(name)
                if cache:
                    frame.unpersist()


def _reads(plan: Plan) -> dict[str, int]:
    """How many times each step is read: by later steps, and once more if it is a result."""
    reads = {step.name: int(step.name in Plan.RESULTS) for step in plan.steps}
    for index, step in enumerate(plan.steps):
        for later in plan.steps[index + 1 :]:
            reads[step.name] += len(re.findall(rf"\b{step.name}\b", later.sql))
    return reads


def _to_polars(frame: DataFrame) -> pl.DataFrame:
    result = pl.from_arrow(frame.toArrow())
    assert isinstance(result, pl.DataFrame)
    return result


def _parquet_source(path: Path, schema: StructType) -> Source:
    def read(spark: SparkSession) -> DataFrame:
        return spark.read.schema(schema).parquet(str(path))

    return read


def _frame_source(frame: pl.DataFrame) -> Source:
    # Through Arrow, even when empty: a list of rows would start Python worker processes.
    schema = _struct(dict(frame.schema))
    table = frame.to_arrow()

    def create(spark: SparkSession) -> DataFrame:
        return spark.createDataFrame(table, schema)

    return create


def _struct(columns: Mapping[str, Any]) -> StructType:
    from pyspark.sql.types import StructField, StructType

    return StructType([StructField(name, _spark_type(dtype)) for name, dtype in columns.items()])


def _spark_type(dtype: Any) -> DataType:
    from pyspark.sql import types as st

    simple: dict[Any, Callable[[], DataType]] = {
        pl.Date: st.DateType,
        pl.Boolean: st.BooleanType,
        pl.Int8: st.ByteType,
        pl.Int16: st.ShortType,
        pl.Int32: st.IntegerType,
        pl.Int64: st.LongType,
        pl.Float32: st.FloatType,
        pl.Float64: st.DoubleType,
        pl.String: st.StringType,
    }
    for polars_type, spark_type in simple.items():
        if dtype == polars_type:
            return spark_type()
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        # Naive local times, as the store holds them: no time zone may shift their day.
        return st.TimestampNTZType()
    if isinstance(dtype, pl.Null):
        return st.NullType()
    raise TypeError(f"no Spark type for a column of Polars type {dtype}")
