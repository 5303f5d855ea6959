"""One identification run through the Python API, in its own process, for bench_identify.py.

``identify(DuckDBEngine.for_store(store), load_rules(RULES), AS_OF)``, timed from opening the
store to the finished list. Prints a JSON line (seconds, listed, excluded, below the cut) and
writes the list's NHS numbers and eligibility dates to ``OUT.parquet``.

``--steps`` instead runs the compiled plan's SQL steps one at a time on the store's DuckDB
connection, timing each, then builds the list: where the time goes.

``--memory-limit 6GB`` (with ``--temp-directory``) sets DuckDB's memory limit and spill folder
on each connection, to see what the setting would do without changing ``Store.connect``.

Usage: ``.venv/bin/python bench/identify_ours.py STORE AS_OF OUT.parquet [--rules hackney]
[--steps] [--memory-limit SIZE] [--temp-directory DIR]``
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from hiu.identify.engines import RESULT_SCHEMAS, DuckDBEngine, Evaluation, conform
from hiu.identify.listing import build_list, identify
from hiu.identify.query import Plan, compile_plan
from hiu.identify.rules import load_rules
from hiu.store.store import Store


def connector(
    store: Store, memory_limit: str | None, temp_directory: str | None
) -> Callable[[], duckdb.DuckDBPyConnection]:
    def connect() -> duckdb.DuckDBPyConnection:
        connection = store.connect()
        if memory_limit:
            connection.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_directory:
            connection.execute(f"SET temp_directory = '{temp_directory}'")
        return connection

    return connect


def steps(
    connect: Callable[[], duckdb.DuckDBPyConnection], rules_name: str, as_of: date
) -> dict[str, object]:
    """Each step of the plan timed on its own, as ``DuckDBEngine.evaluate`` runs them."""
    rules = load_rules(rules_name)
    timings: list[dict[str, object]] = []
    started = time.perf_counter()
    plan = compile_plan(rules, as_of)
    connection = connect()
    timings.append({"step": "connect", "seconds": round(time.perf_counter() - started, 3)})
    try:
        for step in plan.steps:
            clock, cpu = time.perf_counter(), time.process_time()
            connection.execute(f"CREATE OR REPLACE TEMP TABLE {step.name} AS {step.sql}")
            seconds, cpu = time.perf_counter() - clock, time.process_time() - cpu
            row = connection.execute(f"SELECT count(*) FROM {step.name}").fetchone()  # noqa: S608
            timings.append(
                {
                    "step": step.name,
                    "seconds": round(seconds, 3),
                    # CPU time of all the process's threads: what a busy machine cannot inflate.
                    "cpu_seconds": round(cpu, 3),
                    "rows": row[0] if row else None,
                }
            )
        clock = time.perf_counter()
        results = {
            name: conform(name, connection.execute(f"SELECT * FROM {name}").pl())  # noqa: S608
            for name in Plan.RESULTS
        }
        timings.append({"step": "fetch results", "seconds": round(time.perf_counter() - clock, 3)})
    finally:
        connection.close()
    assert set(results) == set(RESULT_SCHEMAS)
    clock = time.perf_counter()
    listed = build_list(Evaluation(**results), rules, as_of, plan.period_start)
    timings.append({"step": "build_list", "seconds": round(time.perf_counter() - clock, 3)})
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "listed": listed.listed.height,
        "steps": timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("as_of", type=date.fromisoformat)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rules", default="hackney")
    parser.add_argument("--steps", action="store_true")
    parser.add_argument("--memory-limit")
    parser.add_argument("--temp-directory")
    arguments = parser.parse_args()
    store = Store(arguments.store)
    connect = connector(store, arguments.memory_limit, arguments.temp_directory)
    if arguments.steps:
        print(json.dumps(steps(connect, arguments.rules, arguments.as_of)))
        return
    rules = load_rules(arguments.rules)
    started, cpu = time.perf_counter(), time.process_time()
    result = identify(DuckDBEngine(connect), rules, arguments.as_of)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    result.listed.select("nhs_number", "eligibility_date").write_parquet(arguments.out)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "listed": result.listed.height,
                "excluded": result.excluded.height,
                "below_cut": result.below_cut,
            }
        )
    )


if __name__ == "__main__":
    main()
