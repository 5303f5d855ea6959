"""The engines that run a compiled plan: DuckDB here, Apache Spark at national scale.

Both run the same steps from ``hiu.identify.query``; Spark's are DuckDB's translated by
sqlglot. Each returns an :class:`Evaluation`: the small tables ``hiu.identify.listing`` turns
into a list. Only candidates (people who met a threshold) leave the engine, so the list is
built the same way whatever ran the query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import polars as pl

from hiu.identify.query import Plan
from hiu.schemas import EXTRACTS, KINDS, ColumnType

if TYPE_CHECKING:
    from hiu.store.store import Store

#: The columns and types of each result, whichever engine produced it.
RESULT_SCHEMAS: dict[str, dict[str, Any]] = {
    "met": {
        "nhs_number": pl.Int64,
        "threshold": pl.String,
        "first_met": pl.Date,
        "strength": pl.Int64,
    },
    "activity": {"nhs_number": pl.Int64},  # and the count columns, all integers
    "people": {
        "nhs_number": pl.Int64,
        "given_name": pl.String,
        "family_name": pl.String,
        "date_of_birth": pl.Date,
        "phone": pl.String,
        "gp_practice_code": pl.String,
        "care_home": pl.Boolean,
        "date_of_death": pl.Date,
    },
    "flagged": {"nhs_number": pl.Int64, "codelist": pl.String},
}


@dataclass(frozen=True)
class Evaluation:
    met: pl.DataFrame
    activity: pl.DataFrame
    people: pl.DataFrame
    flagged: pl.DataFrame


class Engine(Protocol):
    name: str

    def evaluate(self, plan: Plan) -> Evaluation: ...


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Give an engine's result the agreed column types: engines differ in integer widths and
    in what an empty view's columns are typed as."""
    schema = RESULT_SCHEMAS[name]
    casts = []
    for column in frame.columns:
        wanted = schema.get(column, pl.Int64)
        casts.append(pl.col(column).cast(wanted))
    return frame.with_columns(casts)


class DuckDBEngine:
    """Runs the plan on a DuckDB connection whose views are the store's tables."""

    name = "duckdb"

    def __init__(self, connect: Callable[[], duckdb.DuckDBPyConnection]) -> None:
        self._connect = connect

    @classmethod
    def for_store(cls, store: Store) -> DuckDBEngine:
        return cls(store.connect)

    def evaluate(self, plan: Plan) -> Evaluation:
        connection = self._connect()
        try:
            for step in plan.steps:
                connection.execute(f"CREATE OR REPLACE TEMP TABLE {step.name} AS {step.sql}")
            results = {
                name: conform(name, connection.execute(f"SELECT * FROM {name}").pl())
                for name in Plan.RESULTS
            }
        finally:
            connection.close()
        return Evaluation(**results)


#: How each column type is held in the store's Parquet tables (``hiu.ingest.validate``).
STORED_TYPES: dict[ColumnType, Any] = {
    ColumnType.DATE: pl.Date,
    ColumnType.DATETIME: pl.Datetime("us"),
    ColumnType.BOOLEAN: pl.Boolean,
    ColumnType.DECILE: pl.Int8,
}


def stored_schema(kind: str) -> dict[str, Any]:
    """A kind's columns with the types the store gives them."""
    return {
        column.name: STORED_TYPES.get(column.type, pl.String) for column in EXTRACTS[kind].columns
    }


def frames_connection(
    frames: Mapping[str, pl.DataFrame],
) -> Callable[[], duckdb.DuckDBPyConnection]:
    """Connections whose views are in-memory frames rather than the store's files: for tests,
    and for anyone holding activity in Python already. Missing kinds are empty views."""

    def connect() -> duckdb.DuckDBPyConnection:
        connection = duckdb.connect(":memory:")
        for kind in KINDS:
            frame = frames.get(kind)
            if frame is None:
                frame = pl.DataFrame(schema=stored_schema(kind))
            connection.register(f"hiu_frame_{kind}", frame.to_arrow())
            connection.execute(f"CREATE VIEW {kind} AS SELECT * FROM hiu_frame_{kind}")
        return connection

    return connect


def store_parquet_paths(store: Store) -> dict[str, Path]:
    """The Parquet file behind each kind the store holds."""
    paths = {}
    for kind, table in store.state().tables.items():
        paths[kind] = store.root / table.path
    return paths
